"""The referral routes over the served test city, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import polars as pl
import pytest
from sqlalchemy import func, select

from features.sources import read_snapshot
from features.training_frames import job_queries
from matching.codes import REFERRAL_SOURCES, REFUSAL_REASONS
from matching.referral_flow import CLOSING_STAGES, COURSE_NEXT, JOB_NEXT
from matching.storage import Referral, make_sessionmaker
from serving.api.schemas.referrals import AdvanceStage, ClosingStage, RefusalReason
from tests.api_city import COUNTY_A, COUNTY_B, headers
from tests.api_city import test_city as built_city
from tests.referral_city import KINDS, City, city_of_kind

BIG = [0, -1, 2**31, 10**30]


@pytest.fixture(
    scope="module",
    params=[KINDS[0], pytest.param(KINDS[1], marks=pytest.mark.postgres)],
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    with city_of_kind(request.param, tmp_path_factory.mktemp("referrals")) as served:
        yield served


@pytest.fixture(scope="module")
def vacancy(city: City) -> int:
    """An open vacancy nobody was referred to in the city's history (made open for any date)."""
    frames = built_city().frames
    referred = frames["referrals"].select("vacancy_id").drop_nulls().unique()
    untouched = frames["vacancies"].join(referred, left_on="id", right_on="vacancy_id", how="anti")
    return city.open_vacancy(int(untouched["id"].min()))  # type: ignore[arg-type]


def as_user(city: City, username: str) -> dict[str, str]:
    return headers(city.client, username)


def refer(city: City, username: str, body: dict[str, Any]) -> Any:
    return city.client.post("/api/referrals", json=body, headers=as_user(city, username))


def test_the_schema_enumerates_the_code_lists() -> None:
    advancing = {s for table in (JOB_NEXT, COURSE_NEXT) for f in table.values() for s in f}
    assert set(get_args(AdvanceStage)) == advancing - CLOSING_STAGES
    assert set(get_args(ClosingStage)) == CLOSING_STAGES
    assert get_args(RefusalReason) == REFUSAL_REASONS.codes
    assert {"counselor", "fair", "self"} == set(REFERRAL_SOURCES.codes)


def test_a_counselor_refers_and_records_each_stage(city: City, vacancy: int) -> None:
    person = city.person(COUNTY_A)
    body = {
        "person_id": person,
        "vacancy_id": vacancy,
        "source": "counselor",
        "shown_rank": 3,
        "model_version": "champion:2",
    }
    made = refer(city, "county_a", body)
    assert made.status_code == 201, made.text
    referral = made.json()
    assert referral["stage"] == "referred" and referral["stage_zh"] == "已推荐"
    assert (referral["shown_rank"], referral["model_version"]) == (3, "champion:2")
    assert referral["referred_by"] == "county_a" and referral["allowed_next"] == [
        "applied",
        "refused",
    ]
    assert [e["stage"] for e in referral["events"]] == ["referred"]
    url = f"/api/referrals/{referral['id']}"
    auth = as_user(city, "county_a")
    moved = city.client.post(
        f"{url}/stage", json={"stage": "applied", "note": "已投简历"}, headers=auth
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "applied"
    skipped = city.client.post(f"{url}/stage", json={"stage": "hired"}, headers=auth)
    assert skipped.status_code == 409
    conflict = skipped.json()
    assert conflict["code"] == "stage_not_allowed" and conflict["allowed"] == [
        "interviewed",
        "refused",
    ]
    assert "已投递" in conflict["message_zh"] and "'applied'" in conflict["message"]
    unreasoned = city.client.post(f"{url}/stage", json={"stage": "refused"}, headers=auth)
    assert unreasoned.status_code == 422
    closed = city.client.post(
        f"{url}/stage", json={"stage": "refused", "refusal_reason": "distance"}, headers=auth
    )
    assert closed.status_code == 200
    assert closed.json()["refusal_reason_zh"] == "距离太远" and closed.json()["allowed_next"] == []
    again = city.client.post(f"{url}/stage", json={"stage": "interviewed"}, headers=auth)
    assert again.status_code == 409 and again.json()["code"] == "referral_closed"
    read = city.client.get(url, headers=auth).json()
    assert [(e["stage"], e["recorded_by"]) for e in read["events"]] == [
        ("referred", "county_a"), ("applied", "county_a"), ("refused", "county_a"),
    ]  # fmt: skip
    assert read["events"][1]["note"] == "已投简历"


def test_course_referrals_and_a_case_worker(city: City) -> None:
    person = city.person(COUNTY_A, graduate=True)
    course = int(built_city().frames["courses"]["id"][0])
    made = refer(
        city, "worker_a", {"person_id": person, "course_id": course, "source": "counselor"}
    )
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "course" and made.json()["title"]
    url = f"/api/referrals/{made.json()['id']}/stage"
    wrong = city.client.post(url, json={"stage": "applied"}, headers=as_user(city, "worker_a"))
    assert wrong.status_code == 409 and wrong.json()["allowed"] == ["enrolled", "dropped"]
    assert "已报名、中途退出" in wrong.json()["message_zh"]
    twice = refer(
        city, "county_a", {"person_id": person, "course_id": course, "source": "counselor"}
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_referred"


def test_a_fair_organiser_records_fair_contacts_only(city: City) -> None:
    frames = built_city().frames
    fair = frames["fairs"].filter(pl.col("county") == COUNTY_A)["id"][0]
    booth = frames["fair_vacancies"].filter(pl.col("fair_id") == fair)["vacancy_id"][0]
    city.open_vacancy(int(booth))
    person = city.person(COUNTY_A)
    body = {"person_id": person, "vacancy_id": int(booth), "fair_id": int(fair), "source": "fair"}
    made = refer(city, "organiser", body)
    assert made.status_code == 201, made.text
    assert made.json()["stage"] == "applied" and [e["stage"] for e in made.json()["events"]] == [
        "applied"
    ]
    before = len(city.audit_rows("forbidden"))
    other = {"person_id": person, "vacancy_id": int(booth), "source": "self"}
    refused = refer(city, "organiser", other)
    assert refused.status_code == 403 and "招聘会" in refused.json()["message_zh"]
    rows = city.audit_rows("forbidden")
    assert len(rows) == before + 1 and rows[-1].actor == "organiser"
    assert rows[-1].detail["path"] == "/api/referrals"
    reading = city.client.get(
        f"/api/referrals/{made.json()['id']}", headers=as_user(city, "organiser")
    )
    assert reading.status_code == 403


def test_another_countys_referrals_look_missing_and_are_not_audited(
    city: City, vacancy: int
) -> None:
    person = city.person(COUNTY_A)
    made = refer(city, "county_a", {"person_id": person, "vacancy_id": vacancy, "source": "self"})
    referral = made.json()["id"]
    other, missing = as_user(city, "county_b"), 2**31 - 1
    audited = city.audit_count()
    stage = {"stage": "interviewed"}
    pairs = [
        (city.client.get(f"/api/referrals/{referral}", headers=other),
         city.client.get(f"/api/referrals/{missing}", headers=other)),
        (city.client.post(f"/api/referrals/{referral}/stage", json=stage, headers=other),
         city.client.post(f"/api/referrals/{missing}/stage", json=stage, headers=other)),
        (city.client.get(f"/api/persons/{person}/referrals", headers=other),
         city.client.get(f"/api/persons/{missing}/referrals", headers=other)),
        (refer(city, "county_b", {"person_id": person, "vacancy_id": vacancy, "source": "self"}),
         refer(city, "county_b", {"person_id": missing, "vacancy_id": vacancy, "source": "self"})),
    ]  # fmt: skip
    for hidden, absent in pairs:
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json() == {
            key: value.replace(str(missing), str(referral if "referral " in value else person))
            for key, value in absent.json().items()
        }
    assert city.audit_count() == audited
    with make_sessionmaker(city.engine)() as session:
        row = session.get(Referral, referral)
        assert row is not None and row.stage == "applied"  # county B changed nothing


def test_analysts_are_refused_everywhere(city: City) -> None:
    auth = as_user(city, "analyst")
    person = city.person(COUNTY_B)
    answers = [
        city.client.post(
            "/api/referrals",
            json={"person_id": person, "vacancy_id": 1, "source": "self"},
            headers=auth,
        ),
        city.client.get("/api/referrals/1", headers=auth),
        city.client.post("/api/referrals/1/stage", json={"stage": "applied"}, headers=auth),
        city.client.get(f"/api/persons/{person}/referrals", headers=auth),
    ]
    assert [answer.status_code for answer in answers] == [403] * 4
    assert all("数据分析员" in answer.json()["message_zh"] for answer in answers)


def test_a_persons_referrals_are_paged(city: City) -> None:
    referrals = built_city().frames["referrals"]
    busiest = referrals.group_by("person_id").len().sort("len", "person_id").row(-1)
    person, count = int(busiest[0]), int(busiest[1])
    persons = built_city().frames["persons"]
    county = persons.filter(pl.col("id") == person)["county"][0]
    user = "county_a" if county == COUNTY_A else "admin"
    auth = as_user(city, user)
    first = city.client.get(f"/api/persons/{person}/referrals?page_size=2", headers=auth).json()
    assert first["total"] == count and len(first["items"]) == 2 and first["page"] == 1
    times = [item["referred_at"] for item in first["items"]]
    assert times == sorted(times, reverse=True)
    beyond = city.client.get(f"/api/persons/{person}/referrals?page=99", headers=auth).json()
    assert beyond["items"] == [] and beyond["total"] == count
    too_big = city.client.get(f"/api/persons/{person}/referrals?page_size=101", headers=auth)
    assert too_big.status_code == 422


@pytest.mark.parametrize("number", BIG)
def test_ids_out_of_range_are_refused_before_the_database(city: City, number: int) -> None:
    auth = as_user(city, "admin")
    assert city.client.get(f"/api/referrals/{number}", headers=auth).status_code == 422
    assert city.client.get(f"/api/persons/{number}/referrals", headers=auth).status_code == 422
    body = {"person_id": number, "vacancy_id": 1, "source": "self"}
    assert city.client.post("/api/referrals", json=body, headers=auth).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"person_id": 1, "vacancy_id": 1, "course_id": 1, "source": "counselor"},
        {"person_id": 1, "source": "counselor"},
        {"person_id": 1, "vacancy_id": 1, "source": "self", "shown_rank": 1},
        {"person_id": 1, "course_id": 1, "source": "self"},
        {"person_id": 1, "vacancy_id": 1, "source": "fair"},
        {"person_id": 1, "vacancy_id": 1, "source": "agency"},
        {"person_id": 1, "vacancy_id": 1, "source": "counselor", "shown_rank": 0},
        {"person_id": 1, "vacancy_id": 1, "source": "counselor", "model_version": "a b"},
        {"person_id": 1, "vacancy_id": 1, "source": "self", "note": "bad\x00note"},
        {"person_id": 1, "vacancy_id": 1, "source": "self", "note": "x" * 501},
        {"person_id": "1; drop", "vacancy_id": 1, "source": "self"},
    ],
)
def test_malformed_referrals_are_422(city: City, body: dict[str, Any]) -> None:
    answer = city.client.post("/api/referrals", json=body, headers=as_user(city, "admin"))
    assert answer.status_code == 422, answer.text


@pytest.mark.parametrize(
    "body",
    [
        {"stage": "referred"},
        {"stage": "refused"},
        {"stage": "applied", "refusal_reason": "pay"},
        {"stage": "refused", "refusal_reason": "bored"},
        {"stage": "hired", "at": "2026-01-01T00:00:00Z"},
    ],
)
def test_malformed_stage_changes_are_422(city: City, body: dict[str, Any]) -> None:
    answer = city.client.post("/api/referrals/1/stage", json=body, headers=as_user(city, "admin"))
    assert answer.status_code == 422, answer.text


def test_referrals_from_one_list_are_one_training_query(city: City, vacancy: int) -> None:
    """Two items of one recommendation list become one LambdaRank query in the training frame."""
    frames = built_city().frames
    open_ids = frames["vacancies"].filter(pl.col("status") == "open")["id"].to_list()
    second = city.open_vacancy(next(v for v in open_ids if v != vacancy))
    person = city.person(COUNTY_A)
    made = [
        refer(
            city,
            "county_a",
            {
                "person_id": person,
                "vacancy_id": target,
                "source": "counselor",
                "shown_rank": rank,
                "model_version": "rule",
            },
        ).json()["id"]
        for rank, target in ((1, vacancy), (2, second))
    ]
    snapshot = read_snapshot(city.engine)
    ours = job_queries(snapshot.referrals.lazy()).filter(pl.col("referral_id").is_in(made))
    frame = ours.collect()
    assert frame.height == 2 and frame["query_id"].n_unique() == 1
    assert sorted(frame["shown_rank"].to_list()) == [1, 2]
    events = snapshot.events.filter(pl.col("referral_id").is_in(made))
    assert events["stage"].to_list() == ["referred", "referred"]
    assert events["recorded_by"].null_count() == 0
    with make_sessionmaker(city.engine)() as session:
        total = session.scalar(select(func.count()).select_from(Referral))
    assert total == snapshot.referrals.height
