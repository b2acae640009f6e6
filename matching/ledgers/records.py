"""Opening, changing, reading and listing 一人一策 ledgers.

A ledger is opened for a person registered as a university graduate (``is_graduate``) or as a
student (employment status 在校). School, major, graduation year and degree default to what the
person's record says, so a counselor types only what is missing; the opening is the first entry
of the status history. Status is never changed here: see ``matching.ledgers.status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.codes import COUNTIES
from matching.errors import NotFoundError, ValidationError, conflict
from matching.ledgers.checks import check_graduation_year, check_text
from matching.ledgers.fields import (
    MAJOR_MAX,
    NEEDS_MAX,
    SCHOOL_MAX,
    apply_change,
    case_worker,
    check_in_school_year,
    degree_from,
    parse_degree,
    parse_services,
    parse_status,
    status_from,
    text_or_stored,
)
from matching.ledgers.queries import (
    INT_MAX,
    last_contacts,
    load_ledger,
    parse_code,
)
from matching.ledgers.transitions import check_opening
from matching.pages import DEFAULT_PAGE_SIZE, Page, check_page, offset_of
from matching.storage import Person, append_audit
from matching.storage.ledgers import GraduateLedger, LedgerStatusChange

__all__ = [
    "EDITABLE_FIELDS",
    "LedgerRow",
    "get_ledger",
    "list_ledgers",
    "open_ledger",
    "update_ledger",
]

EDITABLE_FIELDS = frozenset(
    {"school", "major", "degree", "graduation_year", "needs", "intended_services", "case_worker_id"}
)
CLEARABLE_FIELDS = frozenset({"needs", "case_worker_id"})


@dataclass(frozen=True, slots=True)
class LedgerRow:
    ledger: GraduateLedger
    person_name: str
    last_contacted_on: date | None


def open_ledger(
    session: Session,
    caller: Caller,
    *,
    person_id: int,
    degree: str | None = None,
    school: str | None = None,
    major: str | None = None,
    graduation_year: int | None = None,
    needs: str | None = None,
    intended_services: Iterable[str] = (),
    status: str | None = None,
    case_worker_id: int | None = None,
    today: date | None = None,
) -> GraduateLedger:
    """Open the ledger of ``person_id`` (404 outside the caller's counties, 409 if one exists)."""
    today = today or date.today()
    person = session.get(Person, person_id) if 1 <= person_id <= INT_MAX else None
    if person is None or not caller.may(Act.LEDGER, person):
        raise NotFoundError(
            f"person {person_id} not found in your county",
            f"未找到编号为 {person_id} 的人员（或该人员不属于您所在的县（市、区））",
        )
    if not (person.is_graduate or person.employment_status == "studying"):
        raise conflict(
            "not_a_graduate",
            "a ledger needs a person registered as a university graduate or as a student",
            "只能为高校毕业生或在校学生建立一人一策台账：该人员未登记为高校毕业生或在校学生",
            field="person_id",
        )
    existing = session.scalar(
        select(GraduateLedger.id).where(GraduateLedger.person_id == person_id)
    )
    if existing is not None:
        raise conflict(
            "ledger_exists",
            f"person {person_id} already has ledger {existing}",
            f"该人员已有一人一策台账（编号 {existing}），请在原台账上更新",
            field="person_id",
        )
    year = graduation_year if graduation_year is not None else person.graduation_year
    if year is None:
        raise conflict(
            "graduation_year_missing",
            "graduation_year is required: the person's record has none",
            "请填写毕业年份（该人员登记信息中没有毕业年份）",
            field="graduation_year",
        )
    status_code = parse_status(status) if status else status_from(person)
    check_opening(status_code)
    ledger = GraduateLedger(
        person_id=person.id,
        county=person.county,
        school=text_or_stored(school, person.school, "school", "学校", SCHOOL_MAX),
        major=text_or_stored(major, person.major, "major", "专业", MAJOR_MAX),
        degree=parse_degree(degree) if degree else degree_from(person),
        graduation_year=check_graduation_year(year, today),
        needs=check_text(needs, "needs", "需求", NEEDS_MAX),
        intended_services=parse_services(intended_services),
        status=status_code,
        case_worker_id=case_worker(session, case_worker_id, person.county),
    )
    check_in_school_year(ledger, today)
    ledger.status_changes.append(
        LedgerStatusChange(
            from_status=None,
            to_status=status_code,
            changed_on=today,
            user_id=caller.user_id,
            note="建立台账",
        )
    )
    session.add(ledger)
    session.flush()
    append_audit(
        session,
        actor=caller.username,
        action="ledger_open",
        entity="graduate_ledger",
        entity_id=str(ledger.id),
        detail={"person_id": person.id, "county": ledger.county, "status": status_code},
    )
    return ledger


def update_ledger(
    session: Session,
    caller: Caller,
    ledger_id: int,
    changes: Mapping[str, object],
    *,
    today: date | None = None,
) -> GraduateLedger:
    """Change the fields in ``changes`` (keys from ``EDITABLE_FIELDS``). None clears the
    optional ones (needs, case_worker_id) and leaves the others as they are."""
    today = today or date.today()
    changes = {k: v for k, v in changes.items() if v is not None or k in CLEARABLE_FIELDS}
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            "unknown_field",
            f"cannot change {', '.join(unknown)}; allowed: {', '.join(sorted(EDITABLE_FIELDS))}",
            "只能修改：学校、专业、学历、毕业年份、需求、拟提供服务、个案专员",
            field=unknown[0],
        )
    ledger = load_ledger(session, caller, ledger_id, for_update=True)
    for name, value in changes.items():
        apply_change(session, ledger, name, value, today)
    check_in_school_year(ledger, today)
    session.flush()
    append_audit(
        session,
        actor=caller.username,
        action="ledger_update",
        entity="graduate_ledger",
        entity_id=str(ledger.id),
        detail={"fields": sorted(changes)},
    )
    return ledger


def get_ledger(session: Session, caller: Caller, ledger_id: int) -> GraduateLedger:
    return load_ledger(session, caller, ledger_id)


def list_ledgers(
    session: Session,
    caller: Caller,
    *,
    status: str | None = None,
    county: str | None = None,
    graduation_year: int | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Page[LedgerRow]:
    """Visible ledgers, newest first; ``total`` counts only what the caller may see."""
    check_page(page, page_size)
    contacts = last_contacts().subquery()
    where = [caller.county_filter(GraduateLedger.county)]
    if status:
        where.append(GraduateLedger.status == parse_status(status))
    if county:
        where.append(GraduateLedger.county == parse_code(COUNTIES, county, "county"))
    if graduation_year is not None:
        where.append(GraduateLedger.graduation_year == graduation_year)
    total = session.scalar(select(func.count()).select_from(GraduateLedger).where(*where)) or 0
    rows = session.execute(
        select(GraduateLedger, Person.name, contacts.c.last_contacted_on)
        .join(Person, Person.id == GraduateLedger.person_id)
        .outerjoin(contacts, contacts.c.ledger_id == GraduateLedger.id)
        .where(*where)
        .order_by(GraduateLedger.id.desc())
        .limit(page_size)
        .offset(offset_of(page, page_size))
    ).all()
    items = [LedgerRow(ledger, name, last) for ledger, name, last in rows]
    return Page(items=items, total=total, page=page, page_size=page_size)
