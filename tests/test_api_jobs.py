"""A fair's pre-match as a background job through the API, on SQLite and PostgreSQL: 202 at
once with the job's URL, the job runs on Dask (a LocalCluster of one worker thread here) with
the same pre-match code, stores the same result as the synchronous route and says so; the
job's status follows the access policy; a task that dies unannounced leaves a failed job with
a Chinese reason."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from tests.api_city import COUNTY_A, COUNTY_B
from tests.api_models import served_settings
from tests.conftest import database_of_kind
from tests.test_api_fairs import OTHER_COUNTY, Served, open_vacancies, seekers

WAIT_SECONDS = 120.0


def wait_for(client: TestClient, url: str, auth: dict[str, str]) -> dict[str, Any]:
    """Poll the job until it ends; its last answer."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        answer = client.get(url, headers=auth)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"job {url} did not end in {WAIT_SECONDS} s")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("jobs")
    with database_of_kind(request.param, folder) as url:
        yield from serve_fair_with_jobs(url, folder)


def serve_fair_with_jobs(url: str, folder: Path) -> Iterator[Served]:
    """The test city with one fair of 30 candidates × 10 booths, not yet pre-matched; jobs run
    on a worker thread of this process (``dask_local_processes`` off)."""
    settings = served_settings(folder, url).model_copy(update={"dask_local_processes": False})
    with TestClient(create_app(settings)) as client:
        city = Served(client, 0, [], [], {})
        city.fair_id = city.new_fair()
        city.vacancies = open_vacancies(COUNTY_A, 6) + open_vacancies(COUNTY_B, 4)
        booths = [{"vacancy_id": v} for v in city.vacancies]
        organiser = city.auth("organiser")
        added = client.post(
            f"/api/fairs/{city.fair_id}/vacancies", json={"vacancies": booths}, headers=organiser
        )
        assert added.status_code == 200, added.text
        city.candidates = seekers(COUNTY_A, 15) + seekers(COUNTY_B, 10) + seekers(OTHER_COUNTY, 5)
        registered = client.post(
            f"/api/fairs/{city.fair_id}/candidates",
            json={"person_ids": city.candidates},
            headers=organiser,
        )
        assert registered.json()["registered"] == 30, registered.text
        yield city


def test_a_queued_prematch_runs_on_dask_and_stores_what_the_synchronous_route_would(
    served: Served,
) -> None:
    client, organiser = served.client, served.auth("organiser")
    route = f"/api/fairs/{served.fair_id}/prematch"
    body = {"max_booths": 2, "slots": 6}
    queued = client.post(f"{route}/jobs", json=body, headers=organiser)
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert queued.headers["location"] == job["url"] == f"/api/jobs/{job['id']}"
    assert job["kind"] == "prematch" and job["subject_id"] == served.fair_id
    assert job["status"] in ("queued", "running") and job["status_zh"]
    assert job["parameters"]["max_booths"] == 2 and job["result_url"] is None
    again = client.post(f"{route}/jobs", json=body, headers=served.auth("admin"))
    if again.json()["status"] in ("queued", "running"):  # one run per fair at a time
        assert again.status_code == 202 and again.json()["id"] == job["id"]
    ended = wait_for(client, job["url"], organiser)
    assert ended["status"] == "done", ended
    assert ended["started_at"] and ended["finished_at"] and ended["message_zh"] is None
    for moment in ("created_at", "started_at", "finished_at"):  # RFC 3339, also from SQLite
        assert ended[moment].endswith(("Z", "+00:00")), ended[moment]
    assert ended["result_url"] == route
    stored = client.get(route, headers=organiser).json()
    assert stored["computed_by"] == "organiser"
    assert stored["parameters"]["max_booths"] == 2 and stored["parameters"]["slots"] == 6
    assert ended["result"]["interviews"] == stored["ways"][0]["interviews"]
    assert ended["result"]["model_version"] == stored["model_version"] == "champion:1"
    # the synchronous route, same settings: the same plans (same code, same snapshot data)
    direct = client.post(route, json=body, headers=organiser)
    assert direct.status_code == 200, direct.text
    assert direct.json()["candidates"] == stored["candidates"]
    assert direct.json()["ways"] == stored["ways"]


def test_jobs_follow_the_access_policy(served: Served) -> None:
    client = served.client
    job = client.post(
        f"/api/fairs/{served.fair_id}/prematch/jobs", json={}, headers=served.auth("organiser")
    ).json()
    wait_for(client, job["url"], served.auth("organiser"))
    for user, status in (("admin", 200), ("county_a", 404), ("analyst", 404)):
        assert client.get(job["url"], headers=served.auth(user)).status_code == status, user
    mine = client.get("/api/jobs", headers=served.auth("organiser")).json()
    assert job["id"] in [item["id"] for item in mine["items"]]
    assert client.get("/api/jobs", headers=served.auth("county_a")).json()["total"] == 0
    for user in ("county_a", "analyst"):
        refused = client.post(
            f"/api/fairs/{served.fair_id}/prematch/jobs", json={}, headers=served.auth(user)
        )
        assert refused.status_code == 403, user
    missing = client.get("/api/jobs/999999", headers=served.auth("admin"))
    assert missing.status_code == 404 and missing.json()["message_zh"]
    assert client.get("/api/jobs/01", headers=served.auth("admin")).status_code == 422
    for persons in (True, "300", 0):  # a JSON number from 1 only
        refused = client.post(
            "/api/batch/jobs", json={"persons": persons}, headers=served.auth("admin")
        )
        assert refused.status_code == 422, persons
    bad = client.post(
        f"/api/fairs/{served.fair_id}/prematch/jobs",
        json={"slots": 99},
        headers=served.auth("organiser"),
    )
    assert bad.status_code == 422
    unknown = client.post(
        "/api/fairs/999999/prematch/jobs", json={}, headers=served.auth("organiser")
    )
    assert unknown.status_code == 404


def test_a_fair_without_candidates_is_refused_before_any_job(served: Served) -> None:
    empty = served.new_fair()
    auth = served.auth("organiser")
    refused = served.client.post(f"/api/fairs/{empty}/prematch/jobs", json={}, headers=auth)
    assert refused.status_code == 409 and "请先登记" in refused.json()["message_zh"]
    listed = served.client.get("/api/jobs", headers=auth).json()["items"]
    assert all(job["subject_id"] != empty for job in listed)


def test_the_nightly_batch_runs_as_a_job_on_the_same_cluster(served: Served) -> None:
    client, admin = served.client, served.auth("admin")
    refused = client.post("/api/batch/jobs", json={}, headers=served.auth("organiser"))
    assert refused.status_code == 403
    assert client.post("/api/batch/jobs", json={"persons": 0}, headers=admin).status_code == 422
    queued = client.post("/api/batch/jobs", json={"persons": 300}, headers=admin)
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert job["kind"] == "batch" and job["county"] is None
    assert job["parameters"]["persons"] == 300
    ended = wait_for(client, job["url"], admin)
    assert ended["status"] == "done", ended
    blocks = ended["result"]["blocks"]
    assert ended["done"] == ended["total"] == blocks >= 2  # blocks of 250 by county
    assert ended["result"]["persons"] == 300 and ended["result"]["ranked"] == blocks
    settings = client.app.state.settings  # type: ignore[attr-defined]
    night = Path(settings.data_dir) / "batch" / ended["result"]["night"]
    assert len(list(night.glob("part-*.parquet"))) == blocks
    for user in ("organiser", "county_a"):  # the batch is the operators' to follow
        assert client.get(job["url"], headers=served.auth(user)).status_code == 404, user
    again = wait_for(
        client,
        client.post("/api/batch/jobs", json={"persons": 300}, headers=admin).json()["url"],
        admin,
    )
    assert again["status"] == "done" and again["result"]["ranked"] == 0  # resumed: all written


def test_a_snapshot_rebuild_reads_on_dask_and_swaps_the_new_snapshot_in(served: Served) -> None:
    client, admin = served.client, served.auth("admin")
    state = client.app.state.service  # type: ignore[attr-defined]
    before, refreshes = state.snapshot, state.refreshes
    assert client.post("/api/snapshot/jobs", headers=served.auth("organiser")).status_code == 403
    queued = client.post("/api/snapshot/jobs", headers=admin)
    assert queued.status_code == 202, queued.text
    ended = wait_for(client, queued.json()["url"], admin)
    assert ended["status"] == "done", ended
    assert ended["result"] == {"persons": before.context.persons.height, "swapped": True}
    assert state.snapshot is not before and state.refreshes == refreshes + 1
    assert state.snapshot.context.persons.equals(before.context.persons)
