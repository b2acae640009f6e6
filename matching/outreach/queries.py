"""Employers below the quota in the caller's counties, with their open vacancies, from the records.

Access (``matching.access``): the act ``outreach`` (admins, analysts, counselors) within
``sees_county``; a county the caller cannot see is answered like a missing one (404). Persons
are listed only to callers who may also ``read`` persons: analysts get the counts alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.codes import COUNTIES
from matching.errors import NotFoundError, UnknownCodeError
from matching.outreach.rules import EmployerQuota, OpenVacancy, employer_quota
from matching.quota import LocalWage
from matching.storage import Employer, Vacancy

__all__ = ["below_quota", "open_vacancies", "outreach_county", "persons_visible"]


def outreach_county(caller: Caller, county: str | None) -> str | None:
    """The county code asked for, or the caller's own when they see one county only (None: the
    city-wide caller's every county); 404 for a county the caller does not see."""
    caller.require_act(Act.OUTREACH)
    if county is None or not county.strip():
        return None if caller.city_wide else caller.county
    try:
        code = COUNTIES.parse(county)
    except UnknownCodeError as error:
        error.field = "county"
        raise
    if not caller.sees_county(code):
        raise NotFoundError(
            f"county {code} not found among your counties",
            f"未找到该县（市、区），或不在您的服务范围内：{county.strip()[:20]}",
        )
    return code


def persons_visible(caller: Caller) -> bool:
    """Whether the caller may see the persons fitting the vacancies (not only their count)."""
    return caller.may_act(Act.READ)


def below_quota(
    session: Session,
    caller: Caller,
    *,
    county: str | None,
    today: date,
    wage: LocalWage | None,
) -> list[EmployerQuota]:
    """Every employer below the quota in ``county`` (``outreach_county``'s answer; None: the
    caller's counties), with its levy and the vacancies open ``today``; in no order."""
    caller.require_act(Act.OUTREACH)
    where = [caller.county_filter(Employer.county)]
    if county is not None:
        where.append(Employer.county == county)
    found = []
    for employer in session.scalars(select(Employer).where(*where)):
        figures = employer_quota(
            employer_id=employer.id,
            credit_code=employer.credit_code,
            name=employer.name,
            kind=employer.kind,
            county=employer.county,
            staff_count=employer.staff_count,
            established_posts=employer.established_posts,
            is_school=employer.is_school,
            severe=employer.disabled_staff_severe,
            other=employer.disabled_staff_other,
            average_wage=employer.average_wage,
            wage=wage,
        )
        if not figures.status.meets_quota:
            found.append(figures)
    vacancies = open_vacancies(session, (e.employer_id for e in found), today)
    return [_with(e, vacancies.get(e.employer_id, [])) for e in found]


def open_vacancies(
    session: Session, employer_ids: Iterable[int], today: date
) -> dict[int, list[OpenVacancy]]:
    """The vacancies open ``today`` (status open, opened, deadline not passed) per employer."""
    ids = list(employer_ids)
    found: dict[int, list[OpenVacancy]] = defaultdict(list)
    if not ids:
        return found
    query = (
        select(Vacancy)
        .where(
            Vacancy.status == "open",
            Vacancy.opened_on <= today,
            Vacancy.deadline.is_(None) | (Vacancy.deadline >= today),
        )
        .order_by(Vacancy.id)
    )
    wanted = set(ids)
    for vacancy in session.scalars(query):
        if vacancy.employer_id in wanted:
            found[vacancy.employer_id].append(
                OpenVacancy(
                    vacancy.id, vacancy.code, vacancy.title, max(1, vacancy.openings),
                    vacancy.deadline,
                )
            )  # fmt: skip
    return found


def _with(employer: EmployerQuota, vacancies: list[OpenVacancy]) -> EmployerQuota:
    return replace(employer, vacancies=tuple(vacancies))
