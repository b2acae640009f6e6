"""Course recommendations, and what the jobs route offers when no vacancy passes eligibility:
the test city in SQLite, both champions in MLflow, tokens, county scope."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient

from features.context import FeatureContext
from features.reasons import ability_statements, congestion_note
from features.request import course_request
from features.schema import COURSE_FEATURE_SET
from features.sources import snapshot_from_frames
from matching import codes
from matching.accounts import create_user
from matching.settings import Settings
from matching.storage import make_engine, make_sessionmaker, upgrade_database
from serving.app import create_app
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend_courses import recommend_courses
from serving.services.recommend_next import NEXT_COURSES, NO_COURSE_ZH, next_steps
from tests import api_city
from tests.api_city import COUNTY_A, COUNTY_B, PASSWORD, fill_database, headers, persons_of
from tests.api_models import champion_store, city_context, city_snapshot
from tests.api_persons import UNFIT, add_person

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, int]]:
    """The served test city plus one person of county A whom no vacancy fits (``UNFIT``)."""
    folder = tmp_path_factory.mktemp("courses")
    url = f"sqlite:///{folder / 'jobmatch.db'}"
    fill_database(url)
    unfit = add_person(make_engine(url), COUNTY_A, **UNFIT)
    settings = Settings(
        data_dir=folder,
        database_url=url,
        mlflow_tracking_uri=champion_store(),
        model_poll_seconds=3600,
    )
    with TestClient(create_app(settings)) as client:
        yield client, unfit


def first_of(county: str) -> int:
    return int(persons_of(county)["id"][0])


def courses(
    client: TestClient, person_id: int, user: str = "county_a", k: int = 5
) -> dict[str, Any]:
    answer = client.get(
        f"/api/persons/{person_id}/recommendations/courses?k={k}", headers=headers(client, user)
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_courses_are_ranked_by_the_champion_with_chinese_reasons(
    city: tuple[TestClient, int],
) -> None:
    client, _ = city
    body = courses(client, first_of(COUNTY_A))
    assert (body["model_version"], body["degraded"]) == ("champion:1", False)
    assert body["feature_set_version"] == COURSE_FEATURE_SET.version
    assert len(body["items"]) == 5
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    for item in body["items"]:
        assert CHINESE.search(item["title"]) and CHINESE.search(item["training_base"])
        assert item["county"] in {codes.COUNTIES.label(c) for c in codes.COUNTIES.codes}
        assert 1 <= len(item["reasons"]) + len(item["cautions"]) <= 3
        assert all(
            CHINESE.search(t) for t in item["reasons"] + item["cautions"] + item["statements"]
        )


def test_course_lines_follow_the_same_scores_as_the_model_over_every_open_course(
    city: tuple[TestClient, int],
) -> None:
    """The route ranks every open course: its top 20 are the model's top 20 of all of them."""
    client, _ = city
    person = first_of(COUNTY_A)
    body = courses(client, person, k=20)
    open_courses = course_request(city_snapshot().frames, person, NOW)
    assert open_courses.height > 20
    ids = [item["course_id"] for item in body["items"]]
    assert len(ids) == 20 == len(set(ids))
    assert set(ids) <= set(open_courses["course_id"].to_list())


def test_k_is_bounded_and_scope_is_enforced(city: tuple[TestClient, int]) -> None:
    client, _ = city
    person = first_of(COUNTY_A)
    route = f"/api/persons/{person}/recommendations/courses"
    county_a = headers(client, "county_a")
    for bad in (0, 21, -1):
        answer = client.get(f"{route}?k={bad}", headers=county_a)
        assert answer.status_code == 422, bad
    assert client.get(route).status_code == 401
    assert client.get(route, headers=headers(client, "analyst")).status_code == 403
    hidden = client.get(route, headers=headers(client, "county_b"))
    assert hidden.status_code == 404
    assert COUNTY_A not in hidden.text
    missing = client.get("/api/persons/999999/recommendations/courses", headers=county_a)
    assert missing.status_code == 404
    assert courses(client, first_of(COUNTY_B), user="county_b", k=1)["items"]
    assert courses(client, person, user="admin", k=1)["items"]


def test_a_person_no_vacancy_fits_is_told_so_and_offered_courses_first(
    city: tuple[TestClient, int],
) -> None:
    client, unfit = city
    answer = client.get(
        f"/api/persons/{unfit}/recommendations/jobs", headers=headers(client, "county_a")
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["no_eligible_vacancy"] is True and body["items"] == []
    assert "辅助性就业" in body["message_zh"] and "公益性岗位" in body["message_zh"]
    kinds = [step["kind"] for step in body["next_steps"]]
    assert kinds == ["training", "auxiliary", "public_welfare"]
    training, auxiliary, welfare = body["next_steps"]
    ranked = courses(client, unfit, k=NEXT_COURSES)["items"]
    assert [c["course_id"] for c in training["courses"]] == [c["course_id"] for c in ranked]
    assert len(training["courses"]) == NEXT_COURSES and "培训" in training["advice_zh"]
    assert "辅助性就业" in auxiliary["advice_zh"] and "公益性岗位" in welfare["advice_zh"]
    vacancies = city_context().snapshot.vacancies
    for step in (auxiliary, welfare):
        assert step["courses"] == [] and 1 <= len(step["vacancies"]) <= 3
        ids = [v["vacancy_id"] for v in step["vacancies"]]
        chosen = vacancies.filter(pl.col("id").is_in(ids))
        assert set(chosen["channel"]) == {step["kind"]} and set(chosen["status"]) == {"open"}
        assert all(CHINESE.search(v["title"]) for v in step["vacancies"])
        counties = [v["county"] for v in step["vacancies"]]
        own = codes.COUNTIES.label(COUNTY_A)
        assert counties == sorted(counties, key=lambda c: c != own)  # own county first


def test_a_person_with_fitting_vacancies_gets_no_next_steps(city: tuple[TestClient, int]) -> None:
    client, _ = city
    answer = client.get(
        f"/api/persons/{first_of(COUNTY_A)}/recommendations/jobs?k=3",
        headers=headers(client, "county_a"),
    )
    body = answer.json()
    assert body["no_eligible_vacancy"] is False and body["message_zh"] is None
    assert len(body["items"]) == 3 and body["next_steps"] == []


def test_the_rule_ranking_serves_courses_degraded_with_rule_reasons() -> None:
    rule = ServedModel("courses", "rule", None, None)
    answer = recommend_courses(city_snapshot(), rule, first_of(COUNTY_A), NOW, k=5)
    assert answer.degraded and answer.model == "rule" and len(answer.lines) == 5
    assert [line.score for line in answer.lines] == sorted(
        (line.score for line in answer.lines), reverse=True
    )
    assert any(line.reasons for line in answer.lines)
    assert all(not line.cautions for line in answer.lines)


def test_course_statements_and_congestion_speak_of_the_course() -> None:
    row = {"y_margin_hearing": -3.0, "y_margin_vision": -1.0, "x_margin_vision": -4.0}
    course = {"prefix": "y_margin_", "target": "课程对应职业要求", "provider": "课程"}
    got = ability_statements(row, ["sign_interpreter"], ["sign_interpreter", "step_free"], **course)
    assert got == [
        "评估显示听力不足，课程提供手语翻译可弥补",
        "评估显示视力低于课程对应职业要求",
        "需提供：无障碍通道",
    ]
    assert ability_statements(row, [], [])[0] == "评估显示视力低于岗位要求"  # jobs unchanged
    assert congestion_note(40, 30, item="课程", places="每期招") == "该课程已推荐40人（每期招30人）"
    assert congestion_note(12, 30, item="课程", places="每期招") is None
    assert congestion_note(12, 3) == "该岗位已推荐12人（招3人）"
    recent = {"item": "课程", "places": "每期招", "since": "近90天"}
    assert congestion_note(31, 30, **recent) == "该课程近90天已推荐31人（每期招30人）"


def test_courses_answer_503_until_the_database_holds_persons(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    with make_sessionmaker(engine).begin() as session:
        create_user(
            session,
            username="county_a",
            display_name="A",
            role="counselor",
            county=COUNTY_A,
            password=PASSWORD,
            actor="test",
        )
    settings = Settings(data_dir=tmp_path, database_url=url, mlflow_tracking_uri=champion_store())
    with TestClient(create_app(settings)) as client:
        answer = client.get(
            "/api/persons/1/recommendations/courses", headers=headers(client, "county_a")
        )
    assert answer.status_code == 503
    assert "尚未就绪" in answer.json()["message_zh"]


def test_a_case_worker_sees_graduates_of_their_county_only(city: tuple[TestClient, int]) -> None:
    client, _ = city
    county_a = persons_of(COUNTY_A)
    graduate = int(county_a.filter(pl.col("is_graduate"))["id"][0])
    other = int(county_a.filter(~pl.col("is_graduate"))["id"][0])
    assert courses(client, graduate, user="worker_a", k=1)["items"]
    for route in ("courses", "jobs"):
        answer = client.get(
            f"/api/persons/{other}/recommendations/{route}", headers=headers(client, "worker_a")
        )
        assert answer.status_code == 404, route


def test_the_congestion_note_counts_the_last_90_days_against_one_intake() -> None:
    """Referrals older than 90 days are past intakes: only recent ones make a course full."""
    frames = dict(api_city.test_city().frames)
    person = first_of(COUNTY_A)
    rule = ServedModel("courses", "rule", None, None)
    plain = recommend_courses(city_snapshot(), rule, person, NOW, k=2).lines
    assert [line.congestion for line in plain] == [None, None]
    full, past = plain[0].course_id, plain[1].course_id
    capacity = dict(frames["courses"].select("id", "capacity").iter_rows())
    referrals = frames["referrals"]
    template = referrals.filter(pl.col("course_id").is_not_null()).head(1)
    moments = [(full, NOW - timedelta(days=10))] * capacity[full]
    moments += [(past, NOW - timedelta(days=200))] * capacity[past]
    first_id = int(referrals.select(pl.col("id").max()).item()) + 1
    extra = [
        template.with_columns(
            id=pl.lit(first_id + i, pl.Int64),
            course_id=pl.lit(course, pl.Int64),
            referred_at=pl.lit(at).cast(referrals.schema["referred_at"]),
        )
        for i, (course, at) in enumerate(moments)
    ]
    frames["referrals"] = pl.concat([referrals, *extra])
    context = FeatureContext.from_snapshot(snapshot_from_frames(frames))
    ranked = recommend_courses(ServingSnapshot.of(context), rule, person, NOW, k=200).lines
    notes = {line.course_id: line.congestion for line in ranked}
    window = pl.col("referred_at").is_between(NOW - timedelta(days=90), NOW)
    already = referrals.filter((pl.col("course_id") == full) & window).height
    told = capacity[full] + already
    assert notes[full] == f"该课程近90天已推荐{told}人（每期招{capacity[full]}人）"
    assert notes[past] is None


def test_next_steps_say_plainly_when_the_city_has_no_course_or_post_of_a_kind() -> None:
    frames = dict(api_city.test_city().frames)
    frames["courses"] = frames["courses"].with_columns(status=pl.lit("closed"))
    frames["vacancies"] = frames["vacancies"].with_columns(
        status=pl.when(pl.col("channel") == "auxiliary")
        .then(pl.lit("closed"))
        .otherwise(pl.col("status"))
    )
    context = FeatureContext.from_snapshot(snapshot_from_frames(frames))
    rule = ServedModel("courses", "rule", None, None)
    training, auxiliary, welfare = next_steps(
        ServingSnapshot.of(context), rule, first_of(COUNTY_A), NOW
    )
    assert (training.advice, training.courses) == (NO_COURSE_ZH, [])
    assert auxiliary.vacancies == [] and "目前没有在招的辅助性就业岗位" in auxiliary.advice
    assert welfare.vacancies and "现有在招的公益性岗位" in welfare.advice
    assert "岗位岗位" not in welfare.advice + auxiliary.advice
