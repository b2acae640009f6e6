"""The recommendations route end to end: city in SQLite, champion in MLflow, tokens, scope."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from features.context import FeatureContext
from features.schema import JOB_FEATURES
from features.sources import read_snapshot
from features.training_frames import job_training_frame
from matching.accounts import create_user
from matching.settings import Settings
from matching.storage import make_engine, make_sessionmaker, upgrade_database
from matching.synth.city import SCALES, build_city
from matching.synth.writer import write_frames
from serving.app import create_app
from training.config import TrainConfig
from training.pipeline import train
from training.promotion import gate, promote
from training.registry import model_name, record
from training.tracking import Tracking

PASSWORD = "a-long-test-password"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, pl.DataFrame]]:
    folder = tmp_path_factory.mktemp("service")
    settings = Settings(data_dir=folder, model_poll_seconds=3600)
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    city = build_city(51, SCALES["test"], date(2026, 11, 1))
    write_frames(engine, city.frames, lambda *_: None)
    context = FeatureContext.from_snapshot(read_snapshot(engine))
    config = TrainConfig(n_estimators=30, num_threads=1)
    tracking = Tracking(settings.resolved_mlflow_tracking_uri, folder / "mlartifacts")
    record(tracking, train("jobs", context, config), config)
    probe = job_training_frame(context).tail(50).collect()
    promote(tracking, gate(tracking, model_name("jobs"), JOB_FEATURES, probe, tolerance=1.0))
    with make_sessionmaker(engine).begin() as session:
        for username, role, county in (
            ("county_a", "counselor", "371502"),
            ("county_b", "counselor", "371581"),
            ("analyst", "analyst", None),
        ):
            create_user(
                session,
                username=username,
                display_name=username,
                role=role,
                county=county,
                password=PASSWORD,
                actor="test",
            )
    persons = city.frames["persons"].select("id", "county")
    with TestClient(create_app(settings)) as client:
        yield client, persons


def token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def person_in(persons: pl.DataFrame, county: str) -> int:
    return int(persons.filter(pl.col("county") == county)["id"][0])


def test_a_counselor_gets_ranked_lines_with_reasons(
    served: tuple[TestClient, pl.DataFrame],
) -> None:
    client, persons = served
    answer = client.get(
        f"/api/persons/{person_in(persons, '371502')}/recommendations/jobs?k=5",
        headers=token(client, "county_a"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["model_version"], body["degraded"]) == ("champion:1", False)
    assert body["feature_set_version"] == JOB_FEATURES.version
    assert len(body["items"]) == 5
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    for item in body["items"]:
        assert CHINESE.search(item["title"])
        assert all(CHINESE.search(text) for text in item["reasons"] + item["cautions"])


def test_another_county_sees_nothing(served: tuple[TestClient, pl.DataFrame]) -> None:
    client, persons = served
    other = person_in(persons, "371502")
    answer = client.get(
        f"/api/persons/{other}/recommendations/jobs", headers=token(client, "county_b")
    )
    assert answer.status_code == 404
    assert "371502" not in answer.text


def test_roles_and_tokens_are_required(served: tuple[TestClient, pl.DataFrame]) -> None:
    client, persons = served
    route = f"/api/persons/{person_in(persons, '371502')}/recommendations/jobs"
    assert client.get(route).status_code == 401
    assert client.get(route, headers=token(client, "analyst")).status_code == 403
    assert (
        client.get(
            "/api/persons/999999/recommendations/jobs", headers=token(client, "county_a")
        ).status_code
        == 404
    )
    assert client.get(route + "?k=0", headers=token(client, "county_a")).status_code == 422


def test_an_empty_database_answers_503_not_500(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    with make_sessionmaker(engine).begin() as session:
        create_user(
            session,
            username="county_a",
            display_name="A",
            role="counselor",
            county="371502",
            password=PASSWORD,
            actor="test",
        )
    with TestClient(create_app(settings)) as client:
        answer = client.get(
            "/api/persons/1/recommendations/jobs", headers=token(client, "county_a")
        )
    assert answer.status_code == 503
    assert "尚未就绪" in answer.json()["message_zh"]
