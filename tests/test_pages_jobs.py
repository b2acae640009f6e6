"""Background jobs on pages without a browser: administrators run tonight's batch and rebuild
the snapshot from 后台任务 (CSRF checked, other roles refused), each job's page follows it to
its end; the menu item shows for the roles that run jobs."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from tests.api_models import served_settings
from tests.test_pages_fairs import followed_job
from tests.test_pages_session import log_in, page_csrf


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("job-pages")
    settings = served_settings(folder).model_copy(update={"dask_local_processes": False})
    with TestClient(create_app(settings)) as running:
        yield running


def test_an_admin_rebuilds_the_snapshot_from_the_jobs_page(client: TestClient) -> None:
    log_in(client, "admin")
    listing = client.get("/jobs")
    assert listing.status_code == 200 and "立即重建推荐数据" in listing.text
    assert 'href="/jobs" aria-current="page">后台任务' in listing.text
    refused = client.post("/jobs/snapshot", data={}, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    queued = client.post(
        "/jobs/snapshot", data={"csrf_token": page_csrf(client)}, follow_redirects=False
    )
    assert queued.status_code == 303
    done = followed_job(client, queued.headers["location"])
    assert "重建推荐数据" in done.text and "任务已完成" in done.text
    job_id = re.fullmatch(r"/jobs/(\d+)", queued.headers["location"])
    assert job_id and f'href="/jobs/{job_id.group(1)}"' in client.get("/jobs").text


def test_only_operators_run_the_batch_and_the_rebuild(client: TestClient) -> None:
    log_in(client, "organiser")
    listing = client.get("/jobs")
    assert listing.status_code == 200 and "运行全市夜间批量推荐" not in listing.text
    csrf = page_csrf(client)
    for path in ("/jobs/batch", "/jobs/snapshot"):
        refused = client.post(path, data={"csrf_token": csrf}, follow_redirects=False)
        assert refused.status_code == 403 and "仅管理员" in refused.text
    log_in(client, "county_a")
    assert 'href="/jobs"' not in client.get("/").text  # runs no jobs: no menu item
    assert client.get("/jobs").text.count("后台任务") >= 1  # its own (none) still listable
    assert client.get("/jobs/999999").status_code == 404
