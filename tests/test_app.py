"""The app factory and the health endpoint."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from matching.settings import Settings
from matching.storage import make_engine, upgrade_database
from serving.app import create_app


def test_health_is_ok_on_a_migrated_database(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    upgrade_database(make_engine(settings.resolved_database_url))
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert answer.json()["schema_revision"]


def test_health_says_unavailable_rather_than_failing(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        answer = client.get("/api/health")
    assert answer.status_code == 503
    assert answer.json()["message_zh"] == "数据库不可用"


def test_openapi_docs_are_served(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        assert client.get("/docs").status_code == 200
        assert "/api/health" in client.get("/openapi.json").json()["paths"]
