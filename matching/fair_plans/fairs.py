"""Recruitment fairs: create one, find and list those of the caller's counties, add booths
(vacancies).

A fair belongs to a county: its counselors see it, city-wide staff see every fair, and a fair
outside the caller's scope is answered exactly like a missing one. Vacancies join a fair while
they are open, each with an interview capacity (default from its openings,
``matching.fair_solver.interview_capacity``: four interviews per opening, at least two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from matching import codes
from matching.access import Caller
from matching.codelist import CodeList
from matching.errors import ConflictError, NotFoundError, UnknownCodeError, ValidationError
from matching.fair_solver import interview_capacity
from matching.pages import Page, paginate
from matching.storage import (
    Employer,
    Fair,
    FairCandidate,
    FairVacancy,
    Person,
    Vacancy,
    append_audit,
)

MAX_FAIR_VACANCIES = 500
MAX_FAIR_CANDIDATES = 5000
MAX_CAPACITY = 200
FAIR_NOT_FOUND_ZH = "未找到该招聘会（或不属于您的县区）"
T = TypeVar("T")


@dataclass(frozen=True)
class NewFair:
    name: str
    held_on: date
    venue: str
    county: str
    venue_accessibility: tuple[str, ...] = ()
    online: bool = False


@dataclass(frozen=True)
class BoothRequest:
    """A vacancy to take part; None keeps the stored value or the default."""

    vacancy_id: int
    interview_capacity: int | None = None
    booth: str | None = None


@dataclass(frozen=True)
class BoothView:
    vacancy_id: int
    booth: str | None
    title: str
    employer: str
    county: str
    openings: int
    interview_capacity: int
    status: str


def create_fair(session: Session, new: NewFair, *, actor: str) -> Fair:
    """Store a fair after checking its county and venue accessibility codes (audited)."""
    county = _code(codes.COUNTIES, new.county, "county")
    provided = {
        _code(codes.ACCOMMODATIONS, a, "venue_accessibility") for a in new.venue_accessibility
    }
    fair = Fair(
        name=new.name.strip(),
        held_on=new.held_on,
        venue=new.venue.strip(),
        county=county,
        venue_accessibility=[c for c in codes.ACCOMMODATIONS.codes if c in provided],
        online=new.online,
    )
    session.add(fair)
    session.flush()
    append_audit(
        session,
        actor=actor,
        action="create",
        entity="fair",
        entity_id=str(fair.id),
        detail={"county": county, "held_on": fair.held_on.isoformat(), "online": fair.online},
    )
    return fair


def _code(code_list: CodeList, value: str, field: str) -> str:
    try:
        return code_list.parse(value)
    except UnknownCodeError as error:
        raise ValidationError(error.code, str(error), error.message_zh, field) from None


def get_fair(session: Session, fair_id: int, caller: Caller) -> Fair:
    fair = session.get(Fair, fair_id)
    if fair is None or not caller.sees_county(fair.county):
        raise NotFoundError(f"fair {fair_id} not found in your county", FAIR_NOT_FOUND_ZH)
    return fair


def fair_condition(caller: Caller) -> ColumnElement[bool]:
    return caller.county_filter(Fair.county)


def list_fairs(session: Session, caller: Caller, *, page: int, page_size: int) -> Page[Fair]:
    """The fairs the scope sees, latest first."""
    return paginate(
        session,
        Fair,
        [fair_condition(caller)],
        order_by=[Fair.held_on.desc(), Fair.id.desc()],
        page=page,
        page_size=page_size,
    )


def candidate_count(session: Session, fair_id: int, caller: Caller) -> int:
    """Registered candidates the scope sees (a counselor counts their county's only)."""
    query = (
        select(func.count())
        .select_from(FairCandidate)
        .join(Person, Person.id == FairCandidate.person_id)
        .where(FairCandidate.fair_id == fair_id, caller.person_condition())
    )
    return session.scalar(query) or 0


def fair_booths(session: Session, fair_id: int) -> list[BoothView]:
    """Participating vacancies (employer data, not person data) by booth, then id."""
    rows = session.execute(
        select(
            FairVacancy.vacancy_id,
            FairVacancy.booth,
            FairVacancy.interview_capacity,
            Vacancy.title,
            Vacancy.county,
            Vacancy.openings,
            Vacancy.status,
            Employer.name.label("employer"),
        )
        .join(Vacancy, Vacancy.id == FairVacancy.vacancy_id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .where(FairVacancy.fair_id == fair_id)
    ).all()
    views = [
        BoothView(
            r.vacancy_id, r.booth, r.title, r.employer, r.county, r.openings,
            r.interview_capacity, r.status,
        )
        for r in rows
    ]  # fmt: skip
    return sorted(views, key=lambda v: (v.booth is None, v.booth or "", v.vacancy_id))


@dataclass(frozen=True)
class BoothsAdded:
    added: int
    updated: int


def add_vacancies(
    session: Session, fair: Fair, requests: Sequence[BoothRequest], *, actor: str
) -> BoothsAdded:
    """Add open vacancies to the fair or update their capacity and booth (audited); a vacancy
    named twice takes the later values. A closed vacancy or a full fair is a conflict with
    stored state (409)."""
    merged: dict[int, BoothRequest] = {}
    for request in requests:
        earlier = merged.get(request.vacancy_id)
        merged[request.vacancy_id] = (
            request
            if earlier is None
            else BoothRequest(
                request.vacancy_id,
                _given(request.interview_capacity, earlier.interview_capacity),
                _given(request.booth, earlier.booth),
            )
        )
    requests = list(merged.values())
    ids = list(merged)
    found = {v.id: v for v in session.scalars(select(Vacancy).where(Vacancy.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFoundError(f"no vacancies {missing[:10]}", f"未找到岗位：{_ids(missing)}")
    closed = [i for i in ids if found[i].status != "open"]
    if closed:
        raise ConflictError(
            f"vacancies {closed[:10]} are not open; only open vacancies can take part",
            f"岗位 {_ids(closed)} 已不在招聘中，只有招聘中的岗位可以参会",
        )
    stored = {
        booth.vacancy_id: booth
        for booth in session.scalars(select(FairVacancy).where(FairVacancy.fair_id == fair.id))
    }
    new = [r for r in requests if r.vacancy_id not in stored]
    if len(stored) + len(new) > MAX_FAIR_VACANCIES:
        raise ConflictError(
            f"a fair holds at most {MAX_FAIR_VACANCIES} vacancies",
            f"每场招聘会最多{MAX_FAIR_VACANCIES}个参会岗位",
        )
    for request in requests:
        booth = stored.get(request.vacancy_id)
        if booth is None:
            default = int(interview_capacity([found[request.vacancy_id].openings])[0])
            capacity = request.interview_capacity
            session.add(
                FairVacancy(
                    fair_id=fair.id,
                    vacancy_id=request.vacancy_id,
                    booth=request.booth,
                    interview_capacity=min(default, MAX_CAPACITY) if capacity is None else capacity,
                )
            )
            continue
        if request.interview_capacity is not None:
            booth.interview_capacity = request.interview_capacity
        if request.booth is not None:
            booth.booth = request.booth
    session.flush()
    result = BoothsAdded(added=len(new), updated=len(requests) - len(new))
    append_audit(
        session,
        actor=actor,
        action="fair_vacancies",
        entity="fair",
        entity_id=str(fair.id),
        detail={"added": result.added, "updated": result.updated},
    )
    return result


def _given(value: T | None, earlier: T | None) -> T | None:
    return earlier if value is None else value


def _ids(ids: Sequence[int]) -> str:
    shown = "、".join(str(i) for i in ids[:10])
    return shown + (f" 等{len(ids)}个" if len(ids) > 10 else "")
