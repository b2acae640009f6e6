"""The rows each progress measure counts, read from the tables (rules: ``definitions``).

``entries`` answers, for one measure, period and scope, the qualifying records as ``Entry`` rows
(a person with the day and record that qualified them, and the groups they fall in) or the
``Reason`` the measure cannot be counted. Counting them — once per person and year, shares of a
state — is ``counting``'s; the report and the lists of records both start here, so a figure and
its list cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import Session

from matching.codes import COURSE_STAGES, EMPLOYMENT_STATUSES, GRADUATE_STATUSES, OUTCOME_STAGES
from matching.progress.definitions import (
    EMPLOYED_LEDGER_STATUSES,
    EMPLOYED_STATUSES,
    Reason,
    no_denominator,
    not_begun,
    records_begin,
    register_only,
)
from matching.progress.periods import LOCAL_TIME, Period, local_day
from matching.progress.targets import PLAN_COUNTIES
from matching.storage import (
    Course,
    Employer,
    GraduateLedger,
    Person,
    Referral,
    ReferralEvent,
    TrainingBase,
    Vacancy,
)
from matching.storage.ledgers import LedgerStatusChange

__all__ = ["Entry", "Scope", "entries", "years_before"]

_PERSON = (
    Person.id,
    Person.county,
    Person.disability_category,
    Person.disability_level,
    Person.sex,
    Person.hukou,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One counted row: ``key`` is the person's id (a base's for ``training_bases``); ``hit``
    whether it is in a share's numerator (always, for flows)."""

    key: int
    day: date | None
    record: str
    record_id: int
    detail_zh: str
    hit: bool
    county: str
    category: str = ""
    level: str = ""
    sex: str = ""
    hukou: str = ""


@dataclass(frozen=True, slots=True)
class Scope:
    """Where to count: ``county`` None is the whole city; ``persons`` narrows the persons further
    (a caller's reach, for lists)."""

    county: str | None
    persons: ColumnElement[bool]
    working_age: tuple[int, int]

    def county_is(self, column: Any) -> ColumnElement[bool]:
        return true() if self.county is None else column == self.county


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _utc_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TIME).astimezone(UTC)


def _person_entry(
    row: Any, day: date | None, record: str, record_id: int, detail: str, hit: bool = True
) -> Entry:
    return Entry(
        row.id, day, record, record_id, detail, hit,
        row.county, row.disability_category, row.disability_level, row.sex, row.hukou,
    )  # fmt: skip


def _events(
    session: Session, query: Select[*tuple[Any, ...]], period: Period, detail: Any
) -> list[Entry]:
    """Referral events of ``query`` whose local day lies in the year up to ``through``."""
    query = query.where(
        ReferralEvent.at >= _utc_start(period.year_start),
        ReferralEvent.at < _utc_start(period.through + timedelta(days=1)),
    )
    found = []
    for row in session.execute(query):
        day = local_day(row.at)
        if period.year_start <= day <= period.through:
            found.append(_person_entry(row, day, "referral", row.referral_id, detail(row)))
    return found


def hires(session: Session, period: Period, scope: Scope, *, at: str = "any") -> list[Entry]:
    """Job referrals' ``hired`` events; ``at`` narrows to auxiliary or public-welfare posts."""
    query = (
        select(ReferralEvent.at, Referral.id.label("referral_id"), Vacancy.title, *_PERSON)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Vacancy, Vacancy.id == Referral.vacancy_id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .join(Person, Person.id == Referral.person_id)
        .where(ReferralEvent.stage == "hired", scope.county_is(Person.county), scope.persons)
    )
    if at == "auxiliary":
        query = query.where(
            or_(Vacancy.channel == "auxiliary", Employer.kind == "auxiliary_center")
        )
    elif at == "public_welfare":
        query = query.where(Vacancy.channel == "public_welfare")
    label = OUTCOME_STAGES.label("hired")
    return _events(session, query, period, lambda row: f"{label}：{row.title}")


def course_events(session: Session, period: Period, scope: Scope, stage: str) -> list[Entry]:
    """Course referrals' events of ``stage`` (enrolled, completed, employed_6m)."""
    query = (
        select(ReferralEvent.at, Referral.id.label("referral_id"), Course.title, *_PERSON)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Course, Course.id == Referral.course_id)
        .join(Person, Person.id == Referral.person_id)
        .where(ReferralEvent.stage == stage, scope.county_is(Person.county), scope.persons)
    )
    label = COURSE_STAGES.label(stage)
    return _events(session, query, period, lambda row: f"{label}：{row.title}")


def ledger_moves(
    session: Session, period: Period, scope: Scope, statuses: Sequence[str]
) -> list[Entry]:
    """Graduate ledgers' status changes to one of ``statuses`` in the year up to ``through``."""
    query = (
        select(
            LedgerStatusChange.changed_on,
            LedgerStatusChange.to_status,
            GraduateLedger.id.label("ledger_id"),
            *_PERSON,
        )
        .join(GraduateLedger, GraduateLedger.id == LedgerStatusChange.ledger_id)
        .join(Person, Person.id == GraduateLedger.person_id)
        .where(
            LedgerStatusChange.to_status.in_(statuses),
            LedgerStatusChange.changed_on.between(period.year_start, period.through),
            scope.county_is(GraduateLedger.county),
            scope.persons,
        )
    )  # fmt: skip
    return [
        _person_entry(
            row,
            row.changed_on,
            "ledger",
            row.ledger_id,
            f"台账状态变更为{GRADUATE_STATUSES.label(row.to_status)}",
        )
        for row in session.execute(query)
    ]


def employment_population(session: Session, period: Period, scope: Scope) -> list[Entry]:
    """Certified persons of working age on ``through``, registered by then, not at school."""
    day = period.through
    youngest, oldest = scope.working_age
    query = select(Person.employment_status, *_PERSON).where(
        Person.certificate_number.is_not(None),
        Person.registered_on <= day,
        Person.birth_date <= years_before(day, youngest),
        Person.birth_date > years_before(day, oldest + 1),
        Person.employment_status != "studying",
        scope.county_is(Person.county),
        scope.persons,
    )
    return [
        _person_entry(
            row,
            None,
            "person",
            row.id,
            EMPLOYMENT_STATUSES.label(row.employment_status),
            row.employment_status in EMPLOYED_STATUSES,
        )
        for row in session.execute(query)
    ]


def graduates_population(session: Session, period: Period, scope: Scope) -> list[Entry]:
    """The year's graduates' ledgers, with their status on ``through`` from the history."""
    query = (
        select(
            GraduateLedger.id.label("ledger_id"),
            LedgerStatusChange.to_status,
            LedgerStatusChange.changed_on,
            *_PERSON,
        )
        .join(LedgerStatusChange, LedgerStatusChange.ledger_id == GraduateLedger.id)
        .join(Person, Person.id == GraduateLedger.person_id)
        .where(
            GraduateLedger.graduation_year == period.year,
            LedgerStatusChange.changed_on <= period.through,
            scope.county_is(GraduateLedger.county),
            scope.persons,
        )
        .order_by(GraduateLedger.id, LedgerStatusChange.changed_on, LedgerStatusChange.id)
    )  # fmt: skip
    last: dict[int, Any] = {}
    for row in session.execute(query):
        last[row.ledger_id] = row  # ordered: the last change on or before the day wins
    return [
        _person_entry(
            row,
            row.changed_on,
            "ledger",
            row.ledger_id,
            GRADUATE_STATUSES.label(row.to_status),
            row.to_status in EMPLOYED_LEDGER_STATUSES,
        )
        for row in last.values()
        if row.to_status not in ("in_school", "further_study")
    ]


def bases(session: Session, scope: Scope) -> list[Entry]:
    """Registered training bases of the counties with a base target."""
    query = select(TrainingBase.id, TrainingBase.name, TrainingBase.county).where(
        TrainingBase.county.in_(PLAN_COUNTIES), scope.county_is(TrainingBase.county)
    )
    return [
        Entry(row.id, None, "training_base", row.id, row.name, True, row.county)
        for row in session.execute(query.order_by(TrainingBase.county, TrainingBase.id))
    ]


RECORD_SOURCES = {
    "newly_employed": ("referral", "ledger"),
    "auxiliary_employment": ("referral",),
    "public_welfare": ("referral", "ledger"),
    "training_enrolled": ("referral",),
    "training_completed": ("referral",),
    "graduates_employed": ("ledger",),
}


def _flow(session: Session, key: str, period: Period, scope: Scope) -> list[Entry]:
    if key == "newly_employed":
        return (
            hires(session, period, scope)
            + course_events(session, period, scope, "employed_6m")
            + ledger_moves(session, period, scope, EMPLOYED_LEDGER_STATUSES)
        )
    if key == "auxiliary_employment":
        return hires(session, period, scope, at="auxiliary")
    if key == "public_welfare":
        return hires(session, period, scope, at="public_welfare") + ledger_moves(
            session, period, scope, ("public_welfare",)
        )
    stage = {"training_enrolled": "enrolled", "training_completed": "completed"}[key]
    return course_events(session, period, scope, stage)


def first_record_day(session: Session, source: str) -> date | None:
    """The first day anything of ``source`` (referral events, ledger changes) was recorded."""
    if source == "referral":
        first = session.scalar(select(func.min(ReferralEvent.at)))
        return local_day(first) if first is not None else None
    return session.scalar(select(func.min(LedgerStatusChange.changed_on)))


def entries(session: Session, key: str, period: Period, scope: Scope) -> list[Entry] | Reason:
    """The rows ``key`` counts in ``period`` within ``scope``, or why it cannot be counted."""
    if not period.started:
        return not_begun(period.start)
    if key in RECORD_SOURCES:
        firsts = [first_record_day(session, source) for source in RECORD_SOURCES[key]]
        known = [day for day in firsts if day is not None]
        if known and period.through < min(known):
            return records_begin(min(known))
    if key == "employment_rate":
        if not period.holds_today:
            return register_only("the person register's employment status", "人员登记的就业状态")
        found = employment_population(session, period, scope)
        if not found:
            return no_denominator("certified working-age persons", "就业年龄段持证残疾人")
        return found
    if key == "graduates_employed":
        found = graduates_population(session, period, scope)
        if not found:
            return no_denominator(
                f"graduates of {period.year} who have left school",
                f"{period.year}年毕业且已离校（未升学）的毕业生台账",
            )
        return found
    if key == "training_bases":
        if not period.holds_today:
            return register_only("the training-base register", "培训基地登记")
        return bases(session, scope)
    return _flow(session, key, period, scope)
