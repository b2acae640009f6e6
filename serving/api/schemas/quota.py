"""Answers of the quota outreach routes (separate from the domain's rows) and their builders.

Counts that may be fractional (required, gap) and amounts in yuan are JSON numbers; a figure
that cannot be computed is null with a note saying why, never 0.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from matching.codes import COUNTIES, EMPLOYER_KINDS
from matching.outreach import Candidate, OpenVacancy, OutreachRow
from matching.quota import LocalWage


class OutreachVacancyOut(BaseModel):
    vacancy_id: int
    code: str
    title: str
    openings: int
    deadline: date | None


class OutreachCandidateOut(BaseModel):
    person_id: int
    name: str
    id_number_masked: str
    vacancy_id: int = Field(description="the employer's vacancy the person fits best")
    vacancy_title: str
    score: float = Field(description="the served jobs ranker's score; higher fits better")


class OutreachEmployerOut(BaseModel):
    employer_id: int
    credit_code: str
    name: str
    kind: str
    kind_zh: str
    county: str
    county_zh: str
    staff_count: int
    quota_staff: int = Field(
        description="N the quota counts: established posts for agencies and institutions when "
        "recorded, else the staff count"
    )
    employed_weighted: int = Field(description="disabled staff, a level 1-2 holder counting 2")
    required: float = Field(description="N × 1.5%, may be fractional")
    gap: float = Field(description="max(0, required − employed_weighted)")
    persons_needed: int = Field(description="⌈gap⌉: persons of level 3-4 it takes")
    must_employ_one: bool = Field(description="an agency or institution bound to employ one")
    open_vacancies: list[OutreachVacancyOut]
    openings: int
    fitting_persons: int | None = Field(
        description="persons of the county, seeking work, who fit one of the open vacancies; "
        "null when not computed yet (fit_note)"
    )
    placeable: int = Field(description="min(persons_needed, openings, fitting_persons)")
    levy_due: float | None = Field(description="yuan a year now; null: see levy_note")
    levy_saved: float | None = Field(description="yuan a year less once `placeable` are hired")
    levy_exempt_reason: str | None
    levy_note: str | None
    fit_note: str | None
    candidates: list[OutreachCandidateOut] | None = Field(
        description="the best fitting persons (IDs masked); null for callers who may not see "
        "persons (analysts)"
    )


class OutreachPage(BaseModel):
    county: str | None = Field(description="null: every county you see")
    model: str = Field(description="the jobs ranker that scored the persons")
    local_average_wage: float | None
    local_average_wage_source: str | None
    total: int
    page: int
    page_size: int
    items: list[OutreachEmployerOut]


def _number(value: Decimal) -> float:
    return float(value)


def _vacancy(v: OpenVacancy) -> OutreachVacancyOut:
    return OutreachVacancyOut(
        vacancy_id=v.vacancy_id,
        code=v.code,
        title=v.title,
        openings=v.openings,
        deadline=v.deadline,
    )


def _candidate(c: Candidate) -> OutreachCandidateOut:
    return OutreachCandidateOut(
        person_id=c.person_id,
        name=c.name,
        id_number_masked=c.id_number_masked,
        vacancy_id=c.vacancy_id,
        vacancy_title=c.vacancy_title,
        score=round(c.score, 6),
    )


def employer_out(row: OutreachRow) -> OutreachEmployerOut:
    e, levy = row.employer, row.employer.levy
    return OutreachEmployerOut(
        employer_id=e.employer_id,
        credit_code=e.credit_code,
        name=e.name,
        kind=e.kind,
        kind_zh=EMPLOYER_KINDS.label(e.kind),
        county=e.county,
        county_zh=COUNTIES.label(e.county),
        staff_count=e.staff_count,
        quota_staff=e.quota_staff,
        employed_weighted=e.weighted_disabled,
        required=_number(e.status.required),
        gap=_number(e.status.gap),
        persons_needed=e.persons_needed,
        must_employ_one=e.status.must_employ_one,
        open_vacancies=[_vacancy(v) for v in e.vacancies],
        openings=e.openings,
        fitting_persons=row.fitting,
        placeable=row.placeable,
        levy_due=None if levy is None else _number(levy.due),
        levy_saved=None if row.levy_saved is None else _number(row.levy_saved),
        levy_exempt_reason=None if levy is None else levy.exempt_reason,
        levy_note=e.levy_note,
        fit_note=row.fit_note,
        candidates=[_candidate(c) for c in row.candidates] if row.persons_shown else None,
    )


def wage_fields(wage: LocalWage | None) -> dict[str, float | str | None]:
    if wage is None:
        return {"local_average_wage": None, "local_average_wage_source": None}
    return {"local_average_wage": float(wage.amount), "local_average_wage_source": wage.source}
