"""Today's worklists (``matching.today``): who is in each list and why, within the caller's
reach, and the home page that shows them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.storage import Referral, ReferralEvent, make_engine, make_sessionmaker
from matching.today import (
    NEW_DAYS,
    QUIET_DAYS,
    STALE_REFERRAL_DAYS,
    Finder,
    TodayRow,
    not_contacted,
    stale_referrals,
    today_lists,
    unassessed,
)
from tests.api_city import COUNTY_A, COUNTY_B, fill_database, served_city, test_city
from tests.api_persons import add_person
from tests.test_pages_session import log_in

TODAY = date(2026, 12, 4)
A = Caller(1, "county_a", "counselor", COUNTY_A)
B = Caller(2, "county_b", "counselor", COUNTY_B)
ROLES = (
    ("counselor", COUNTY_A),
    ("case_worker", COUNTY_A),
    ("fair_organizer", None),
    ("analyst", None),
)


@pytest.fixture
def city(engine: Engine) -> Iterator[Engine]:
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    fill_database(url)
    filled = make_engine(url)
    yield filled
    filled.dispose()


def all_rows(finder: Finder, session: Session, caller: Caller) -> list[TodayRow]:
    rows: list[TodayRow] = []
    page = 1
    while True:
        found = finder(session, caller, TODAY, page, 100)
        rows += found.items
        if page >= found.pages:
            return rows
        page += 1


def everyone(finder: Finder, session: Session, caller: Caller) -> set[str]:
    return {row.href for row in all_rows(finder, session, caller)}


def refer(engine: Engine, person_id: int, at: datetime, stage: str = "referred") -> int:
    with engine.begin() as connection:
        inserted = connection.execute(
            insert(Referral).values(
                person_id=person_id,
                vacancy_id=int(test_city().frames["vacancies"]["id"][0]),
                source="counselor",
                referred_at=at,
                stage=stage,
            )
        ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def test_a_quiet_seeker_is_listed_until_someone_contacts_them(city: Engine) -> None:
    registered = TODAY - timedelta(days=QUIET_DAYS + 10)
    quiet = add_person(city, COUNTY_A, registered_on=registered, employment_status="seeking")
    newcomer = add_person(city, COUNTY_A, registered_on=TODAY - timedelta(days=3),
                          employment_status="seeking")  # fmt: skip
    sessions = make_sessionmaker(city)
    with sessions() as session:
        listed = everyone(not_contacted, session, A)
        assert f"/persons/{quiet}" in listed and f"/persons/{newcomer}" not in listed
        assert f"/persons/{quiet}" not in everyone(not_contacted, session, B)
    old = datetime.combine(TODAY - timedelta(days=QUIET_DAYS + 5), datetime.min.time(), UTC)
    refer(city, quiet, old)
    with sessions() as session:
        row = next(r for r in all_rows(not_contacted, session, A) if r.href == f"/persons/{quiet}")
        assert row.detail == f"已{QUIET_DAYS + 5}天未联系"
    refer(city, quiet, datetime.now(UTC))
    with sessions() as session:
        assert f"/persons/{quiet}" not in everyone(not_contacted, session, A)


def test_new_registrants_without_an_assessment(city: Engine) -> None:
    recent = TODAY - timedelta(days=NEW_DAYS - 1)
    bare = add_person(city, COUNTY_A, scores=None, registered_on=recent)
    assessed = add_person(city, COUNTY_A, registered_on=recent)
    older = add_person(city, COUNTY_A, scores=None, registered_on=TODAY - timedelta(NEW_DAYS + 1))
    with make_sessionmaker(city)() as session:
        listed = everyone(unassessed, session, A)
    assert f"/persons/{bare}" in listed
    assert f"/persons/{assessed}" not in listed and f"/persons/{older}" not in listed


def test_open_referrals_without_news_are_listed(city: Engine) -> None:
    person = add_person(city, COUNTY_A)
    then = datetime.combine(TODAY - timedelta(days=STALE_REFERRAL_DAYS + 1), datetime.min.time(),
                            UTC)  # fmt: skip
    stale = refer(city, person, then)
    hired = refer(city, person, then, stage="hired")
    updated = refer(city, person, then)
    with city.begin() as connection:
        connection.execute(
            insert(ReferralEvent).values(referral_id=updated, stage="applied", at=datetime.now(UTC))
        )
    with make_sessionmaker(city)() as session:
        rows = all_rows(stale_referrals, session, A)
    mine = [row for row in rows if row.href == f"/persons/{person}"]
    assert len(mine) == 1, (stale, hired, updated)
    assert mine[0].detail == f"推荐后{STALE_REFERRAL_DAYS + 1}天未更新结果"


def test_each_role_gets_its_own_lists(city: Engine) -> None:
    with make_sessionmaker(city)() as session:
        keys = {}
        for role, county in ROLES:
            lists = today_lists(session, Caller(9, role, role, county), TODAY)
            keys[role] = [found.key for found in lists]
    assert keys["counselor"] == ["not_contacted", "unassessed", "stale_referrals", "intakes",
                                 "fairs"]  # fmt: skip
    assert keys["case_worker"][0] == "graduates" and "not_contacted" not in keys["case_worker"]
    assert keys["fair_organizer"] == ["fairs"] and keys["analyst"] == []


def test_home_shows_the_lists_and_a_list_of_another_role_is_not_found(
    engine: Engine, tmp_path: Path
) -> None:
    with served_city(engine, tmp_path) as client:
        log_in(client, "county_a")
        home = client.get("/")
        assert "30天未联系的求职人员" in home.text and "<caption>" in home.text
        whole = client.get("/today/not_contacted")
        assert whole.status_code == 200 and "第1页" in whole.text
        client.cookies.clear()
        log_in(client, "organiser")
        assert client.get("/today/not_contacted").status_code == 404
        assert client.get("/today/nonsense").status_code == 404
