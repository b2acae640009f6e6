"""The county's ledger summary: how many graduates in each status, which services were planned
and carried out, who was contacted lately and who fell out of contact (离校不断线).

``county`` None means every county the caller can see (the whole city for city-wide users).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import COUNTIES, GRADUATE_STATUSES, LEDGER_ACTION_STATUSES, LEDGER_SERVICES
from matching.errors import NotFoundError
from matching.ledgers.queries import last_contacts, parse_code
from matching.ledgers.records import LedgerRow
from matching.ledgers.worklist import DEFAULT_DAYS, WORKLIST_STATUS, check_days
from matching.storage import Person
from matching.storage.ledgers import GraduateLedger, LedgerAction

__all__ = ["LedgerSummary", "ledger_summary", "summary_ledgers", "summary_scope"]


@dataclass(frozen=True, slots=True)
class LedgerSummary:
    county: str | None  # None: every visible county
    as_of: date
    days: int
    total: int
    by_status: dict[str, int]  # every GRADUATE_STATUSES code, zeros included
    by_service: dict[str, dict[str, int]]  # service → action status → count
    contacted_recently: int  # ledgers with a follow-up in the last ``days`` days
    never_contacted: int
    worklist: int  # 离校未就业 and not contacted in the last ``days`` days
    overdue_actions: int  # planned actions whose target date has passed
    by_graduation_year: dict[int, int]


def summary_scope(caller: Caller, county: str | None) -> tuple[str | None, ColumnElement[bool]]:
    """(county code or None, WHERE clause): a county the caller cannot see is not found."""
    if county is None or not county.strip():
        return None, caller.county_filter(GraduateLedger.county)
    code = parse_code(COUNTIES, county, "county")
    if not caller.sees_county(code):
        raise NotFoundError(
            f"county {code} not found among your counties",
            "您无权查看该县（市、区）的台账汇总",
        )
    return code, GraduateLedger.county == code


def ledger_summary(
    session: Session,
    caller: Caller,
    *,
    county: str | None = None,
    days: int = DEFAULT_DAYS,
    today: date | None = None,
) -> LedgerSummary:
    today = today or date.today()
    check_days(days)
    code, where = summary_scope(caller, county)
    since = today - timedelta(days=days)
    by_status = dict.fromkeys(GRADUATE_STATUSES.codes, 0)
    for status, count in session.execute(
        select(GraduateLedger.status, func.count()).where(where).group_by(GraduateLedger.status)
    ):
        by_status[status] = by_status.get(status, 0) + count
    by_service = {
        service: dict.fromkeys(LEDGER_ACTION_STATUSES.codes, 0) for service in LEDGER_SERVICES.codes
    }
    for service, status, count in session.execute(
        select(LedgerAction.service, LedgerAction.status, func.count())
        .join(GraduateLedger, GraduateLedger.id == LedgerAction.ledger_id)
        .where(where)
        .group_by(LedgerAction.service, LedgerAction.status)
    ):
        counts = by_service.setdefault(service, dict.fromkeys(LEDGER_ACTION_STATUSES.codes, 0))
        counts[status] = counts.get(status, 0) + count
    overdue = session.scalar(
        select(func.count())
        .select_from(LedgerAction)
        .join(GraduateLedger, GraduateLedger.id == LedgerAction.ledger_id)
        .where(where, LedgerAction.status == "planned", LedgerAction.target_date < today)
    )
    contacts = last_contacts().subquery()
    last = contacts.c.last_contacted_on
    contact_rows = session.execute(
        select(GraduateLedger.status, last)
        .outerjoin(contacts, contacts.c.ledger_id == GraduateLedger.id)
        .where(where)
    ).all()
    recent = sum(1 for _, day in contact_rows if day is not None and day > since)
    worklist = sum(
        1
        for status, day in contact_rows
        if status == WORKLIST_STATUS and (day is None or day <= since)
    )
    years = session.execute(
        select(GraduateLedger.graduation_year, func.count())
        .where(where)
        .group_by(GraduateLedger.graduation_year)
        .order_by(GraduateLedger.graduation_year)
    ).all()
    return LedgerSummary(
        county=code,
        as_of=today,
        days=days,
        total=len(contact_rows),
        by_status=by_status,
        by_service=by_service,
        contacted_recently=recent,
        never_contacted=sum(1 for _, day in contact_rows if day is None),
        worklist=worklist,
        overdue_actions=overdue or 0,
        by_graduation_year={int(year): count for year, count in years},
    )


def summary_ledgers(session: Session, caller: Caller, county: str | None) -> list[LedgerRow]:
    """Every ledger of the summary's scope (for the list sheet of the Excel summary)."""
    _, where = summary_scope(caller, county)
    contacts = last_contacts().subquery()
    rows = session.execute(
        select(GraduateLedger, Person.name, contacts.c.last_contacted_on)
        .join(Person, Person.id == GraduateLedger.person_id)
        .outerjoin(contacts, contacts.c.ledger_id == GraduateLedger.id)
        .where(where)
        .order_by(GraduateLedger.county, GraduateLedger.graduation_year, GraduateLedger.id)
    ).all()
    return [LedgerRow(ledger, name, last) for ledger, name, last in rows]
