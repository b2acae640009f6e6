"""What needs doing today, per worklist, within the caller's reach (the home page's lists).

- ``not_contacted``: persons seeking work, registered more than ``QUIET_DAYS`` days ago, with no
  contact in the last ``QUIET_DAYS`` days. A contact is anything the office recorded with or for
  the person: a referral made, a referral's stage recorded, a graduate ledger's follow-up.
- ``unassessed``: persons registered in the last ``NEW_DAYS`` days without a vocational ability
  assessment (their recommendations rest on their category's typical scores until then).
- ``stale_referrals``: referrals still open (a stage that is not final) whose last recorded
  stage is ``STALE_REFERRAL_DAYS`` days old or older: the counselor should ask how it went.
- ``intakes``: training courses whose next intake falls in this week (Monday to Sunday), at bases
  of the caller's county; ``fairs``: recruitment fairs held this week in the caller's county.

Each list is a page of rows (``TodayRow``) and its total, so the home page can show the first
rows and link to the whole list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.ledgers.worklist import DEFAULT_DAYS as LEDGER_DAYS
from matching.ledgers.worklist import worklist as ledger_worklist
from matching.pages import Page, check_page, offset_of
from matching.storage import Assessment, Person
from matching.storage.fairs import Fair
from matching.storage.ledgers import GraduateLedger, LedgerFollowUp
from matching.storage.referrals import Referral, ReferralEvent
from matching.storage.training_bases import Course, TrainingBase

QUIET_DAYS = 30
NEW_DAYS = 30
STALE_REFERRAL_DAYS = 14
OPEN_STAGES = ("referred", "applied", "interviewed", "offered", "enrolled")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TodayRow:
    """One row of a worklist: what it is about, a link target, and the detail to show."""

    title: str
    href: str
    detail: str
    since: date | None = None


@dataclass(frozen=True, slots=True)
class TodayList:
    key: str
    title_zh: str
    explain_zh: str
    rows: Page[TodayRow]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _contacted_since(since: date) -> ColumnElement[bool]:
    """The person had a recorded contact on ``since`` or later."""
    moment = _start_of(since)
    referred = exists().where(Referral.person_id == Person.id, Referral.referred_at >= moment)
    staged = exists().where(
        Referral.person_id == Person.id,
        ReferralEvent.referral_id == Referral.id,
        ReferralEvent.at >= moment,
    )
    followed = exists().where(
        GraduateLedger.person_id == Person.id,
        LedgerFollowUp.ledger_id == GraduateLedger.id,
        LedgerFollowUp.contacted_on >= since,
    )
    return or_(referred, staged, followed)


def last_contacts(session: Session, person_ids: list[int]) -> dict[int, date]:
    """person_id → the day of their latest recorded contact (absent: never contacted)."""
    found: dict[int, date] = {}
    queries: list[Select[*tuple[Any, ...]]] = [
        select(Referral.person_id, func.max(Referral.referred_at)).group_by(Referral.person_id),
        select(Referral.person_id, func.max(ReferralEvent.at))
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .group_by(Referral.person_id),
        select(GraduateLedger.person_id, func.max(LedgerFollowUp.contacted_on))
        .join(GraduateLedger, GraduateLedger.id == LedgerFollowUp.ledger_id)
        .group_by(GraduateLedger.person_id),
    ]
    for query in queries:
        column = query.selected_columns[0]
        for person_id, at in session.execute(query.where(column.in_(person_ids))):
            day = at.date() if isinstance(at, datetime) else at
            if isinstance(day, date) and (person_id not in found or day > found[person_id]):
                found[person_id] = day
    return found


def _paged(
    session: Session,
    query: Select[*tuple[Any, ...]],
    row: Callable[..., T],
    page: int,
    page_size: int,
) -> Page[T]:
    check_page(page, page_size)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = session.execute(query.limit(page_size).offset(offset_of(page, page_size))).all()
    return Page([row(*values) for values in found], total, page, page_size)


def not_contacted(
    session: Session, caller: Caller, today: date, page: int = 1, page_size: int = 10
) -> Page[TodayRow]:
    query = (
        select(Person.id, Person.name, Person.registered_on)
        .where(
            caller.person_condition(),
            Person.employment_status == "seeking",
            Person.registered_on <= today - timedelta(days=QUIET_DAYS),
            ~_contacted_since(today - timedelta(days=QUIET_DAYS)),
        )
        .order_by(Person.registered_on, Person.id)
    )
    found = _paged(session, query, lambda *values: values, page, page_size)
    contacted = last_contacts(session, [person_id for person_id, *_ in found.items])
    rows = []
    for person_id, name, registered in found.items:
        last = contacted.get(person_id)
        detail = "登记后尚无联系记录" if last is None else f"已{(today - last).days}天未联系"
        rows.append(TodayRow(name, f"/persons/{person_id}", detail, last or registered))
    return Page(rows, found.total, found.page, found.page_size)


def unassessed(
    session: Session, caller: Caller, today: date, page: int = 1, page_size: int = 10
) -> Page[TodayRow]:
    assessed = exists().where(Assessment.person_id == Person.id)
    query = (
        select(Person.id, Person.name, Person.registered_on)
        .where(
            caller.person_condition(),
            Person.registered_on > today - timedelta(days=NEW_DAYS),
            ~assessed,
        )
        .order_by(Person.registered_on, Person.id)
    )

    def row(person_id: int, name: str, registered: date) -> TodayRow:
        return TodayRow(name, f"/persons/{person_id}", "新登记，尚未评估", registered)

    return _paged(session, query, row, page, page_size)


def stale_referrals(
    session: Session, caller: Caller, today: date, page: int = 1, page_size: int = 10
) -> Page[TodayRow]:
    events = (
        select(ReferralEvent.referral_id, func.max(ReferralEvent.at).label("last_at"))
        .group_by(ReferralEvent.referral_id)
        .subquery()
    )
    last = func.coalesce(events.c.last_at, Referral.referred_at)
    query = (
        select(Referral.id, Person.id, Person.name, Referral.stage, last)
        .join(Person, Person.id == Referral.person_id)
        .outerjoin(events, events.c.referral_id == Referral.id)
        .where(
            caller.person_condition(),
            Referral.stage.in_(OPEN_STAGES),
            last < _start_of(today - timedelta(days=STALE_REFERRAL_DAYS)),
        )
        .order_by(last, Referral.id)
    )

    def row(_id: int, person_id: int, name: str, stage: str, at: datetime) -> TodayRow:
        days = (today - at.date()).days
        return TodayRow(name, f"/persons/{person_id}", f"推荐后{days}天未更新结果", at.date())

    return _paged(session, query, row, page, page_size)


def _this_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def intakes(
    session: Session, caller: Caller, today: date, page: int = 1, page_size: int = 10
) -> Page[TodayRow]:
    monday, sunday = _this_week(today)
    query = (
        select(Course.id, Course.title, TrainingBase.name, Course.next_intake)
        .join(TrainingBase, TrainingBase.id == Course.base_id)
        .where(
            caller.county_filter(TrainingBase.county),
            and_(Course.next_intake >= monday, Course.next_intake <= sunday),
            Course.status == "open",
        )
        .order_by(Course.next_intake, Course.id)
    )

    def row(_id: int, title: str, base: str, intake: date) -> TodayRow:
        return TodayRow(title, "", f"{base}，本周开班", intake)

    return _paged(session, query, row, page, page_size)


def fairs(
    session: Session, caller: Caller, today: date, page: int = 1, page_size: int = 10
) -> Page[TodayRow]:
    monday, sunday = _this_week(today)
    query = (
        select(Fair.id, Fair.name, Fair.venue, Fair.held_on)
        .where(caller.county_filter(Fair.county), Fair.held_on.between(monday, sunday))
        .order_by(Fair.held_on, Fair.id)
    )

    def row(fair_id: int, name: str, venue: str, held: date) -> TodayRow:
        return TodayRow(name, f"/fairs/{fair_id}", venue, held)

    return _paged(session, query, row, page, page_size)


def graduates(
    session: Session, caller: Caller, today: date, page: int = 1, page_size: int = 10
) -> Page[TodayRow]:
    """离校不断线: the ledgers' own worklist (``matching.ledgers.worklist``)."""
    found = ledger_worklist(session, caller, today=today, page=page, page_size=page_size)
    rows = [
        TodayRow(
            entry.person_name,
            f"/ledgers/{entry.ledger_id}",
            "离校后尚无跟踪记录"
            if entry.days_since_contact is None
            else f"已{entry.days_since_contact}天未跟踪",
            entry.last_contacted_on,
        )
        for entry in found.items
    ]
    return Page(rows, found.total, found.page, found.page_size)


Finder = Callable[..., Page[TodayRow]]
# key → (title, explanation, finder, the roles whose home shows it)
WORKLISTS: dict[str, tuple[str, str, Finder, frozenset[str]]] = {
    "graduates": ("离校不断线", f"离校未就业、{LEDGER_DAYS}天以上未跟踪的高校毕业生", graduates,
                  frozenset({"case_worker", "admin"})),
    "not_contacted": ("30天未联系的求职人员",
                      f"求职中、登记满{QUIET_DAYS}天且近{QUIET_DAYS}天没有推荐、跟踪或回访记录的人员",
                      not_contacted,
                      frozenset({"counselor", "admin"})),
    "unassessed": ("新登记未评估", f"近{NEW_DAYS}天新登记、尚无职业能力评估的人员", unassessed,
                   frozenset({"counselor", "admin"})),
    "stale_referrals": ("待更新的推荐结果", f"推荐后{STALE_REFERRAL_DAYS}天以上未记录进展的推荐",
                        stale_referrals, frozenset({"counselor", "case_worker", "admin"})),
    "intakes": ("本周培训开班", "本周开班的培训课程", intakes,
                frozenset({"counselor", "case_worker", "admin"})),
    "fairs": ("本周招聘会", "本周举办的招聘会", fairs,
              frozenset({"counselor", "fair_organizer", "admin"})),
}  # fmt: skip


def today_lists(
    session: Session, caller: Caller, today: date, *, page_size: int = 10
) -> list[TodayList]:
    """The caller's worklists of the day, each with its first ``page_size`` rows."""
    found = []
    for key, (title, explain, finder, roles) in WORKLISTS.items():
        if caller.role in roles:
            rows = finder(session, caller, today, page_size=page_size)
            found.append(TodayList(key, title, explain, rows))
    return found


def one_list(session: Session, caller: Caller, key: str, today: date, page: int) -> TodayList:
    """One worklist, a page of it (``KeyError`` for a list the caller's role does not have)."""
    title, explain, finder, roles = WORKLISTS[key]
    if caller.role not in roles:
        raise KeyError(key)
    return TodayList(key, title, explain, finder(session, caller, today, page, 50))
