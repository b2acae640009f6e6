"""The service under faults: the registry unreachable at start and while serving, a corrupt
model file on disk, the database down and back, and champions promoted and rolled back while
requests run. The service never answers 500 and never needs a restart.

How the faults are made: an unreachable registry is an HTTP tracking URI on a port nobody
listens on; a registry lost while serving is a SQLite registry whose folder is moved away (MLflow
is told to open a connection per call, as it would to a server); the database goes down as
``tests.fault_tools.outage`` says (PostgreSQL behind a TCP proxy the test cuts and restores).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from features.schema import JOB_FEATURE_SET
from features.training_frames import job_training_frame
from matching.settings import Settings
from serving.api.errors import DATABASE_DOWN_BODY
from serving.app import create_app
from tests.api_city import PASSWORD, fill_database, headers
from tests.api_models import champion_store, city_context, copy_store
from tests.fault_tools import Requests, closed_port, jobs_route, outage, wait_for
from training.promotion import gate, promote, rollback
from training.registry import model_name
from training.tracking import CHAMPION, Tracking

pytestmark = pytest.mark.fault  # a tier of its own: `make test-slow` (CI) runs it

SECRET = "s3cret-registry-token"


@pytest.fixture(scope="module")
def city_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database with the test city and its users, shared by the registry faults."""
    url = f"sqlite:///{tmp_path_factory.mktemp('faults') / 'jobmatch.db'}"
    fill_database(url)
    return url


@contextmanager
def serve(
    database_url: str, data_dir: Path, tracking_uri: str, poll: float = 3600
) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        mlflow_tracking_uri=tracking_uri,
        model_poll_seconds=poll,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def jobs(client: TestClient) -> dict[str, Any]:
    answer = client.get(jobs_route(), headers=headers(client, "county_a"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_registry_unreachable_at_start_serves_the_last_good_model(
    city_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with serve(city_url, tmp_path, champion_store()) as client:
        assert jobs(client)["model_version"] == "champion:1"  # and kept on disk
    unreachable = f"http://jobmatch:{SECRET}@127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with serve(city_url, tmp_path, unreachable) as client:
        start_seconds = time.monotonic() - started
        body = jobs(client)
        ready = client.get("/readyz")
    assert start_seconds < 30  # MLflow's own retry defaults would take minutes
    assert (body["model_version"], body["degraded"]) == ("last-good:1", True)
    assert body["items"]
    assert ready.status_code == 200
    assert ready.json()["checks"]["model:jobs"]["detail"].endswith("(degraded: not the champion)")
    assert SECRET not in caplog.text


def test_a_corrupt_model_on_disk_is_ignored_and_the_rule_serves(
    city_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A model file cut short (a crash mid-write; LightGBM 4.7 aborts the process on some such
    files, so the checksum is checked first) and a whole file that is no model: both are logged
    and skipped, the rule ranking serves and says so, and /readyz is false."""
    whole = Tracking(champion_store(), tmp_path).load_booster(model_name("jobs"), "1")
    text = whole.model_to_string()
    models = tmp_path / "models"
    models.mkdir()
    write_cached(models, "jobs", text[: len(text) // 2], checksum_of=text)
    write_cached(models, "courses", "not a model", checksum_of="not a model")
    caplog.set_level(logging.INFO)
    with serve(city_url, tmp_path, f"http://jobmatch:{SECRET}@127.0.0.1:{closed_port()}") as client:
        body = jobs(client)
        ready = client.get("/readyz")
    assert (body["model_version"], body["degraded"]) == ("rule", True) and body["items"]
    assert ready.status_code == 503
    assert not ready.json()["checks"]["model:jobs"]["ok"]
    assert "岗位推荐模型不可用" in ready.json()["message_zh"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "serving.runtime.models"]
    assert any(
        "jobs: the last good model on disk is unusable (ValueError: checksum" in w for w in warnings
    )
    assert any(
        "courses: the last good model on disk is unusable (LightGBMError" in w for w in warnings
    )
    assert SECRET not in caplog.text


def write_cached(models: Path, kind: str, text: str, *, checksum_of: str) -> None:
    (models / f"{kind}.txt").write_text(text)
    sha = hashlib.sha256(checksum_of.encode()).hexdigest()
    (models / f"{kind}.json").write_text(json.dumps({"version": "1", "sha256": sha}))


def test_registry_lost_while_serving_keeps_the_champion(
    city_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("MLFLOW_SQLALCHEMYSTORE_POOLCLASS", "NullPool")
    registry, away = tmp_path / "registry", tmp_path / "away"
    with serve(city_url, tmp_path, copy_store(registry), poll=0.2) as client:
        assert jobs(client)["model_version"] == "champion:1"
        caplog.clear()
        registry.rename(away)
        wait_for(lambda: any(failed_poll(r) for r in caplog.records), 20)
        time.sleep(0.5)  # a few more failed polls
        lost = [jobs(client) for _ in range(3)]
        ready = client.get("/readyz")
        away.rename(registry)
        time.sleep(0.5)
        back = jobs(client)
    assert all((b["model_version"], b["degraded"]) == ("champion:1", False) for b in lost)
    assert ready.status_code == 200
    assert back["model_version"] == "champion:1"


def failed_poll(record: logging.LogRecord) -> bool:
    return record.name.startswith("mlflow") and record.levelno >= logging.ERROR


def test_promotion_and_rollback_swap_models_while_requests_run(
    city_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A champion promoted through the gate is served from the next poll; a model moved to
    champion by hand that fails the gate's checks (the courses ranker: another feature list) is
    refused; a rollback is served from the next poll; no request fails meanwhile."""
    poll = 1.5
    uri = copy_store(tmp_path / "registry")
    tracking = Tracking(uri, tmp_path / "mlartifacts")
    name = model_name("jobs")
    probe = job_training_frame(city_context()).tail(50).collect()
    caplog.set_level(logging.INFO)
    with serve(city_url, tmp_path, uri, poll=poll) as client:
        load = Requests(client)
        wait_for(lambda: load.latest() == "champion:1", 20)

        first = tracking.client.get_model_version(name, "1")
        assert first.source is not None
        tracking.client.create_model_version(name, first.source, run_id=first.run_id)
        result = gate(tracking, name, JOB_FEATURE_SET, probe, tolerance=1.0, candidate="2")
        promote(tracking, result)
        promoted = wait_for(lambda: load.latest() == "champion:2", 10 * poll)

        courses = tracking.client.get_model_version(model_name("courses"), "1")
        assert courses.source is not None
        tracking.client.create_model_version(name, courses.source, run_id=courses.run_id)
        tracking.set_alias(name, CHAMPION, "3")
        moved = time.monotonic()
        time.sleep(2 * poll)
        refused = load.since(moved)
        tracking.set_alias(name, CHAMPION, "2")

        assert rollback(tracking, name) == ("2", "1")
        rolled = wait_for(lambda: load.latest() == "champion:1", 10 * poll)
        answers = load.finish()
    assert result.passed
    print(f"served after promotion {promoted:.2f} s, after rollback {rolled:.2f} s")
    assert promoted < 2 * poll and rolled < 2 * poll  # the next poll, not a later one
    assert refused == {"champion:2"}
    assert any(f"{name} v3 refused: feature list" in r.getMessage() for r in caplog.records)
    assert len(answers) > 20
    assert {status for _, status, _ in answers} == {200}
    assert {version for _, _, version in answers} == {"champion:1", "champion:2"}


def test_the_database_down_answers_503_and_recovers_without_restart(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with outage(engine, tmp_path) as (url, cut, restore):
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            mlflow_tracking_uri=champion_store(),
            model_poll_seconds=3600,
        )
        with TestClient(create_app(settings)) as client:
            auth, route = headers(client, "county_a"), jobs_route()
            assert client.get(route, headers=auth).status_code == 200
            assert client.get("/readyz").status_code == 200
            cut(client)
            caplog.set_level(logging.INFO)
            login = {"username": "county_a", "password": PASSWORD}
            down = [
                client.post("/api/auth/token", data=login),
                client.get("/api/auth/me", headers=auth),
                client.get(route, headers=auth),
            ]
            ready_down = client.get("/readyz")
            alive = client.get("/healthz")
            restore()
            back = [
                client.post("/api/auth/token", data=login),
                client.get("/api/auth/me", headers=auth),
                client.get(route, headers=auth),
            ]
            ready_back = client.get("/readyz")
    assert [answer.status_code for answer in down] == [503, 503, 503]
    assert down[0].json() == DATABASE_DOWN_BODY and down[1].json() == DATABASE_DOWN_BODY
    assert down[0].headers["retry-after"] == "5"
    assert "数据库" in down[2].json()["message_zh"]
    assert ready_down.status_code == 503
    assert ready_down.json()["checks"]["database"]["ok"] is False
    assert "数据库无法连接" in ready_down.json()["message_zh"]
    assert alive.status_code == 200
    assert [answer.status_code for answer in back] == [200, 200, 200]
    assert ready_back.status_code == 200
    logged = [r.getMessage() for r in caplog.records if r.name == "serving.api.errors"]
    assert logged and all("SELECT" not in message for message in logged)
