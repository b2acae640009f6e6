"""离校不断线: graduates who left school without work (离校未就业) and were not contacted in the
last ``days`` days, so nobody drops out of sight after leaving school.

Order: never contacted first, then the longest since the last contact, then the oldest ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.errors import ValidationError
from matching.ledgers.queries import last_contacts
from matching.pages import Page, check_page, offset_of
from matching.storage import Person
from matching.storage.ledgers import GraduateLedger

__all__ = ["DEFAULT_DAYS", "MAX_DAYS", "WorklistEntry", "worklist"]

DEFAULT_DAYS = 30
MAX_DAYS = 3650
WORKLIST_STATUS = "unemployed"


@dataclass(frozen=True, slots=True)
class WorklistEntry:
    ledger_id: int
    person_id: int
    person_name: str
    phone: str | None
    county: str
    school: str
    major: str
    graduation_year: int
    case_worker_id: int | None
    last_contacted_on: date | None
    days_since_contact: int | None  # None: never contacted


def worklist(
    session: Session,
    caller: Caller,
    *,
    days: int = DEFAULT_DAYS,
    today: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[WorklistEntry]:
    """Visible 离校未就业 ledgers whose last contact is ``days`` or more days ago, or missing."""
    today = today or date.today()
    check_days(days)
    check_page(page, page_size)
    contacts = last_contacts().subquery()
    last = contacts.c.last_contacted_on
    where = [
        caller.county_filter(GraduateLedger.county),
        GraduateLedger.status == WORKLIST_STATUS,
        or_(last.is_(None), last <= today - timedelta(days=days)),
    ]
    base = (
        select(GraduateLedger, Person.name, Person.phone, last)
        .join(Person, Person.id == GraduateLedger.person_id)
        .outerjoin(contacts, contacts.c.ledger_id == GraduateLedger.id)
        .where(*where)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(case((last.is_(None), 0), else_=1), last, GraduateLedger.id)
        .limit(page_size)
        .offset(offset_of(page, page_size))
    ).all()
    items = [
        WorklistEntry(
            ledger_id=ledger.id,
            person_id=ledger.person_id,
            person_name=name,
            phone=phone,
            county=ledger.county,
            school=ledger.school,
            major=ledger.major,
            graduation_year=ledger.graduation_year,
            case_worker_id=ledger.case_worker_id,
            last_contacted_on=contacted,
            days_since_contact=None if contacted is None else (today - contacted).days,
        )
        for ledger, name, phone, contacted in rows
    ]
    return Page(items=items, total=total, page=page, page_size=page_size)


def check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            "days_out_of_range",
            f"days must be 1..{MAX_DAYS}, got {days}",
            f"未联系天数须在 1 至 {MAX_DAYS} 之间",
            field="days",
        )
