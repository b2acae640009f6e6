"""Operations routes: /healthz, /readyz (database, migrations at head, usable models) and the
Prometheus /metrics (latency by route template, model use by rung, model versions)."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, text

from matching.settings import Settings
from serving.app import create_app
from serving.runtime.readiness import migration_heads
from tests.api_city import COUNTY_A, COUNTY_B, fill_database, headers, persons_of
from tests.api_models import champion_store

JOBS_ROUTE = "/api/persons/{person_id}/recommendations/jobs"


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample /metrics exposes, by name and label set."""
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_serving_city_is_ready_and_measured(engine: Engine, tmp_path: Path) -> None:
    fill_database(url_of(engine))
    settings = Settings(
        data_dir=tmp_path,
        database_url=url_of(engine),
        mlflow_tracking_uri=champion_store(),
        model_poll_seconds=3600,
    )
    own = int(persons_of(COUNTY_A)["id"][0])
    other = int(persons_of(COUNTY_B)["id"][0])
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "alive"}
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert (body["status"], body["message_zh"]) == ("ready", "服务就绪")
        assert set(body["checks"]) == {"database", "migrations", "model:jobs", "model:courses"}
        assert all(check["ok"] for check in body["checks"].values())
        heads = ", ".join(sorted(migration_heads(engine)))
        assert body["checks"]["migrations"]["detail"] == f"at head {heads}"
        assert body["checks"]["model:jobs"]["detail"].startswith("champion:1, feature set jobs-")
        assert client.get("/api/health").status_code == 200

        auth = headers(client, "county_a")
        for _ in range(2):
            assert client.get(f"/api/persons/{own}/recommendations/jobs", headers=auth).is_success
        hidden = client.get(f"/api/persons/{other}/recommendations/jobs", headers=auth)
        assert hidden.status_code == 404
        assert client.get("/api/no/such/route/xyzzy-unmatched").status_code == 404
        found = samples(client)
        metrics_text = client.get("/metrics").text

    count = "jobmatch_http_request_duration_seconds_count"
    assert value(found, count, method="GET", route=JOBS_ROUTE, status="200") == 2
    assert value(found, count, method="GET", route=JOBS_ROUTE, status="404") == 1
    assert value(found, count, method="GET", route="<unmatched>", status="404") == 1
    assert value(found, count, method="GET", route="/readyz", status="200") == 1
    assert f"/api/persons/{own}" not in metrics_text and "xyzzy-unmatched" not in metrics_text
    uses = "jobmatch_recommendations_total"
    assert value(found, uses, kind="jobs", source="champion") == 2  # the 404 ranked nothing
    assert value(found, uses, kind="jobs", source="rule") == 0
    assert value(found, "jobmatch_model_info", kind="jobs", source="champion", version="1") == 1
    assert value(found, "jobmatch_model_info", kind="courses", source="champion", version="1") == 1
    assert value(found, "jobmatch_model_degraded", kind="jobs") == 0
    assert value(found, "jobmatch_snapshot_refreshes_total") >= 1


def test_readyz_names_each_failing_check(engine: Engine, tmp_path: Path) -> None:
    """No models loaded, then a schema behind the code, then one never migrated: each is a 503
    that says which check failed, in English and in Chinese."""
    settings = Settings(data_dir=tmp_path, database_url=url_of(engine), load_models=False)
    with TestClient(create_app(settings)) as client:
        answer = client.get("/readyz")
        assert answer.status_code == 503
        body = answer.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
        assert not body["checks"]["models"]["ok"]
        assert body["message_zh"].startswith("服务未就绪：推荐模型尚未加载")
        assert body["message"].startswith("not ready: models: no model loaded")

        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
        behind = client.get("/readyz").json()["checks"]["migrations"]
        assert not behind["ok"]
        assert "database at 0000_older" in behind["detail"]
        assert "jobmatch db upgrade" in behind["detail_zh"]

        with engine.begin() as connection:
            connection.execute(text("DELETE FROM alembic_version"))
        never = client.get("/readyz")
        assert never.status_code == 503
        assert "no revision (never migrated)" in never.json()["checks"]["migrations"]["detail"]
        assert client.get("/healthz").status_code == 200


def test_a_service_started_without_its_database_is_alive_not_ready(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://jobmatch:s3cret-pw@127.0.0.1:{port}/jobmatch"
    settings = Settings(data_dir=tmp_path, database_url=url)  # starts, loading nothing
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        answer = client.get("/readyz")
        login = client.post("/api/auth/token", data={"username": "a", "password": "b" * 12})
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["database"] == {
        "ok": False,
        "detail": "unreachable (OperationalError)",
        "detail_zh": "数据库无法连接",
    }
    assert not checks["migrations"]["ok"]
    assert login.status_code == 503 and login.json()["error"] == "DatabaseUnavailable"
    assert "s3cret-pw" not in answer.text + login.text + caplog.text


def test_each_app_has_its_own_metrics(tmp_path: Path) -> None:
    """Two apps in one process: both start (a shared registry would refuse the second's
    metrics) and each counts only its own requests. No token is needed for the probes."""
    first = create_app(Settings(data_dir=tmp_path / "a", load_models=False))
    second = create_app(Settings(data_dir=tmp_path / "b", load_models=False))
    with TestClient(first) as one, TestClient(second) as two:
        for _ in range(3):
            one.get("/healthz")
        healthz = {"method": "GET", "route": "/healthz", "status": "200"}
        count = "jobmatch_http_request_duration_seconds_count"
        assert value(samples(one), count, **healthz) == 3
        assert value(samples(two), count, **healthz) == 0
        paths = one.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/readyz", "/metrics", "/api/health"} <= set(paths)
