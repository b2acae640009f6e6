"""The recommendations route end to end: city in SQLite, champion in MLflow, tokens, scope."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from features.reasons import phrase
from features.request import job_request
from features.schema import JOB_FEATURE_SET
from matching.accounts import create_user
from matching.settings import Settings
from matching.storage import make_engine, make_sessionmaker, upgrade_database
from serving.app import create_app
from serving.runtime.models import ServedModel
from serving.services.recommend import RULE_FEATURES, recommend_jobs
from tests import api_city
from tests.api_city import PASSWORD, headers
from tests.api_models import city_snapshot, served_settings

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, pl.DataFrame]]:
    folder = tmp_path_factory.mktemp("service")
    settings = served_settings(folder)
    persons = api_city.test_city().frames["persons"].select("id", "county")
    with TestClient(create_app(settings)) as client:
        yield client, persons


def person_in(persons: pl.DataFrame, county: str) -> int:
    return int(persons.filter(pl.col("county") == county)["id"][0])


def test_a_counselor_gets_ranked_lines_with_reasons(
    served: tuple[TestClient, pl.DataFrame],
) -> None:
    client, persons = served
    answer = client.get(
        f"/api/persons/{person_in(persons, '371502')}/recommendations/jobs?k=5",
        headers=headers(client, "county_a"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["model_version"], body["degraded"]) == ("champion:1", False)
    assert body["feature_set_version"] == JOB_FEATURE_SET.version
    assert len(body["items"]) == 5
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    for item in body["items"]:
        assert CHINESE.search(item["title"])
        assert all(CHINESE.search(text) for text in item["reasons"] + item["cautions"])
        assert item["plain_rank"] >= 1
    assert isinstance(body["assessment_missing"], bool)
    listed = {item["vacancy_id"] for item in body["items"]}
    for course in body["skill_courses"]:
        assert CHINESE.search(course["advice_zh"]) and set(course["vacancy_ids"]) <= listed


def test_a_person_never_assessed_is_told_so(served: tuple[TestClient, pl.DataFrame]) -> None:
    client, persons = served
    assessed = set(api_city.test_city().frames["assessments"]["person_id"].to_list())
    county = persons.filter(~pl.col("id").is_in(list(assessed)) & (pl.col("county") == "371502"))
    answer = client.get(
        f"/api/persons/{int(county['id'][0])}/recommendations/jobs",
        headers=headers(client, "county_a"),
    ).json()
    assert answer["assessment_missing"] is True
    assert "尚无职业能力评估" in answer["assessment_note_zh"]
    assert "不据此排除" in answer["assessment_note_zh"]


def test_another_county_sees_nothing(served: tuple[TestClient, pl.DataFrame]) -> None:
    client, persons = served
    other = person_in(persons, "371502")
    answer = client.get(
        f"/api/persons/{other}/recommendations/jobs", headers=headers(client, "county_b")
    )
    assert answer.status_code == 404
    assert "371502" not in answer.text


def test_roles_and_tokens_are_required(served: tuple[TestClient, pl.DataFrame]) -> None:
    client, persons = served
    route = f"/api/persons/{person_in(persons, '371502')}/recommendations/jobs"
    assert client.get(route).status_code == 401
    assert client.get(route, headers=headers(client, "analyst")).status_code == 403
    assert (
        client.get(
            "/api/persons/999999/recommendations/jobs", headers=headers(client, "county_a")
        ).status_code
        == 404
    )
    assert client.get(route + "?k=0", headers=headers(client, "county_a")).status_code == 422


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
            "/api/persons/1/recommendations/jobs", headers=headers(client, "county_a")
        )
    assert answer.status_code == 503
    assert "尚未就绪" in answer.json()["message_zh"]
    assert answer.headers["Retry-After"]


def test_the_rule_ranking_states_only_what_it_weighs() -> None:
    """Without a model the lines give the rule's own facts as reasons and no cautions (there
    are no contributions to take cautions from)."""
    snapshot = city_snapshot()
    context = snapshot.context
    person = person_in(context.persons, "371502")
    answer = recommend_jobs(snapshot, ServedModel("jobs", "rule", None, None), person, NOW, k=10)
    assert answer.degraded and answer.model == "rule" and len(answer.lines) == 10
    rows = {
        row["vacancy_id"]: row
        for row in job_request(snapshot.frames, person, NOW).iter_rows(named=True)
    }
    for line in answer.lines:
        row = rows[line.vacancy_id]
        facts = [found.text for n in RULE_FEATURES if (found := phrase(n, row, supportive=True))]
        assert line.reasons == facts[:3] and line.cautions == []
    assert any(line.reasons for line in answer.lines)


def test_a_shed_request_is_a_503_with_retry_after_in_the_error_shape(
    served: tuple[TestClient, pl.DataFrame],
) -> None:
    client, persons = served
    admission = client.app.state.admission  # type: ignore[attr-defined]
    person = person_in(persons, "371502")
    url = f"/api/persons/{person}/recommendations/{{}}"
    budget, admission.wait_budget = admission.wait_budget, 0.0
    admission.in_flight = admission.limit  # every slot busy, and no waiting allowed
    try:
        answers = [
            client.get(url.format(kind), headers=headers(client, "county_a"))
            for kind in ("jobs", "courses")
        ]
    finally:
        admission.in_flight, admission.wait_budget = 0, budget
    for answer in answers:
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) >= 1
        body = answer.json()
        assert body["error"] == "Overloaded"
        assert body["message_zh"] == "服务繁忙，请稍后重试"
        assert "Retry-After" in body["message"]
    metrics = client.get("/metrics").text
    assert 'jobmatch_admission_shed_total{reason="queue"} 2.0' in metrics
    again = client.get(url.format("jobs"), headers=headers(client, "county_a"))
    assert again.status_code == 200, again.text
