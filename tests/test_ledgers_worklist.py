"""离校不断线 worklist and the county summary, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from matching.codes import GRADUATE_STATUSES, LEDGER_SERVICES
from matching.errors import NotFoundError, ValidationError
from matching.ledgers import (
    Caller,
    add_action,
    add_follow_up,
    ledger_summary,
    open_ledger,
    update_action,
    worklist,
)
from tests.test_ledgers_support import COUNTY_B, TODAY, Staff, a_person, staff


def a_ledger(
    session: Session,
    caller: Caller,
    *,
    status: str = "unemployed",
    contacts_days_ago: tuple[int, ...] = (),
    county: str = "371502",
) -> int:
    person = a_person(session, county=county, employment="studying", graduation_year=2027)
    ledger = open_ledger(session, caller, person_id=person.id, status=status, today=TODAY)
    for days in contacts_days_ago:
        add_follow_up(
            session, caller, ledger.id, contacted_on=TODAY - timedelta(days=days),
            channel="phone", action="电话回访", today=TODAY,
        )  # fmt: skip
    return ledger.id


def city(session: Session) -> tuple[Staff, dict[str, int]]:
    team = staff(session)
    a = team.worker_a
    ids = {
        "never_old": a_ledger(session, a),
        "lapsed_100": a_ledger(session, a, contacts_days_ago=(300, 100)),
        "lapsed_40": a_ledger(session, a, contacts_days_ago=(40,)),
        "recent_10": a_ledger(session, a, contacts_days_ago=(200, 10)),
        "employed_never": a_ledger(session, a, status="employed"),
        "never_new": a_ledger(session, a),
        "boundary_30": a_ledger(session, a, contacts_days_ago=(30,)),
        "inside_29": a_ledger(session, a, contacts_days_ago=(29,)),
        "in_school": a_ledger(session, a, status="in_school"),
        "county_b": a_ledger(session, team.counselor_b, county=COUNTY_B),
    }
    return team, ids


def test_worklist_order_never_contacted_first_then_oldest_contact(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        team, ids = city(session)
        page = worklist(session, team.worker_a, today=TODAY)
        expected = ["never_old", "never_new", "lapsed_100", "lapsed_40", "boundary_30"]
        assert [e.ledger_id for e in page.items] == [ids[name] for name in expected]
        assert page.total == 5
        assert [e.days_since_contact for e in page.items] == [None, None, 100, 40, 30]
        assert page.items[2].last_contacted_on == TODAY - timedelta(days=100)
        assert page.items[0].person_name == "李明" and page.items[0].school == "聊城大学"


def test_worklist_days_paging_and_scope(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team, ids = city(session)
        sixty = worklist(session, team.worker_a, days=60, today=TODAY)
        assert [e.ledger_id for e in sixty.items] == [
            ids["never_old"],
            ids["never_new"],
            ids["lapsed_100"],
        ]
        second = worklist(session, team.worker_a, today=TODAY, page=2, page_size=2)
        assert second.total == 5
        assert [e.ledger_id for e in second.items] == [ids["lapsed_100"], ids["lapsed_40"]]
        assert [e.ledger_id for e in worklist(session, team.counselor_b, today=TODAY).items] == [
            ids["county_b"]
        ]
        assert worklist(session, team.admin, today=TODAY).total == 6
        nobody = Caller(user_id=None, username="x", role="counselor", county=None)
        assert worklist(session, nobody, today=TODAY).total == 0
        for bad in ({"days": 0}, {"days": 3651}, {"page_size": 0}, {"page": 0}):
            with pytest.raises(ValidationError):
                worklist(session, team.worker_a, today=TODAY, **bad)


def test_summary_counts_statuses_services_and_contacts(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team, ids = city(session)
        a = team.worker_a
        done = add_action(
            session, a, ids["lapsed_40"], service="job_referral", target_date=TODAY, today=TODAY
        )
        update_action(session, a, ids["lapsed_40"], done.id, {"status": "done"}, today=TODAY)
        add_action(
            session, a, ids["never_old"], service="job_referral",
            target_date=TODAY - timedelta(days=3), today=TODAY,
        )  # fmt: skip
        add_action(
            session, a, ids["never_old"], service="skills_training",
            target_date=TODAY + timedelta(days=3), today=TODAY,
        )  # fmt: skip
        summary = ledger_summary(session, a, today=TODAY)
        assert summary.county is None and summary.total == 9
        assert list(summary.by_status) == list(GRADUATE_STATUSES.codes)
        assert summary.by_status == {
            "in_school": 1, "unemployed": 7, "employed": 1, "further_study": 0, "flexible": 0,
            "public_welfare": 0,
        }  # fmt: skip
        assert list(summary.by_service) == list(LEDGER_SERVICES.codes)
        assert summary.by_service["job_referral"] == {"planned": 1, "done": 1, "cancelled": 0}
        assert summary.by_service["skills_training"] == {"planned": 1, "done": 0, "cancelled": 0}
        assert summary.overdue_actions == 1
        assert summary.contacted_recently == 2  # 10 and 29 days ago; 30 days ago is lapsed
        assert summary.never_contacted == 4  # two unemployed, employed, in school
        assert summary.worklist == 5
        assert summary.by_graduation_year == {2027: 9}
        assert ledger_summary(session, a, county="东昌府区", today=TODAY).total == 9
        assert ledger_summary(session, team.admin, today=TODAY).total == 10
        assert ledger_summary(session, team.admin, county=COUNTY_B, today=TODAY).total == 1
        with pytest.raises(NotFoundError):
            ledger_summary(session, a, county=COUNTY_B, today=TODAY)
        with pytest.raises(ValidationError):
            ledger_summary(session, a, county="火星", today=TODAY)
