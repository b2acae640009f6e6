"""Who and what takes part in a fair, as a pre-match reads it from the database.

A candidate's ID number leaves here masked: nothing downstream (result, Excel, logs) ever holds
the full number. Needed accommodations come from the person's latest assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.eligibility import MASSAGE_LICENCE, MASSAGE_SKILL
from matching.fair_plans.rules import CandidateTerms, VacancyTerms
from matching.pages import check_page
from matching.storage import Assessment, Employer, FairCandidate, FairVacancy, Person, Vacancy
from matching.validators import mask_resident_id


@dataclass(frozen=True)
class CandidateInfo:
    person_id: int
    name: str
    id_number: str  # masked
    county: str
    terms: CandidateTerms
    needs: tuple[str, ...]


@dataclass(frozen=True)
class VacancyInfo:
    vacancy_id: int
    booth: str | None
    title: str
    employer: str
    county: str
    openings: int
    capacity: int
    terms: VacancyTerms
    is_open: bool


def load_candidates(session: Session, fair_id: int) -> list[CandidateInfo]:
    """Registered candidates by person id."""
    rows = session.execute(
        select(
            Person.id,
            Person.name,
            Person.id_number,
            Person.county,
            Person.certificate_number,
            Person.employment_status,
        )
        .join(FairCandidate, FairCandidate.person_id == Person.id)
        .where(FairCandidate.fair_id == fair_id)
        .order_by(Person.id)
    ).all()
    needs, licensed = latest_needs_and_licences(session, fair_id)
    return [
        CandidateInfo(
            person_id=row.id,
            name=row.name,
            id_number=mask_resident_id(row.id_number),
            county=row.county,
            terms=CandidateTerms(
                row.certificate_number is not None, row.employment_status, row.id in licensed
            ),
            needs=needs.get(row.id, ()),
        )
        for row in rows
    ]


def latest_needs_and_licences(
    session: Session, fair_id: int
) -> tuple[dict[int, tuple[str, ...]], set[int]]:
    """Accommodations each candidate's latest assessment asks for, and the candidates whose
    latest assessment lists the blind medical massage licence."""
    rows = session.execute(
        select(Assessment.person_id, Assessment.accommodations_needed, Assessment.certificates)
        .join(FairCandidate, FairCandidate.person_id == Assessment.person_id)
        .where(FairCandidate.fair_id == fair_id)
        .order_by(Assessment.person_id, Assessment.assessed_on)
    ).all()
    latest = {row.person_id: row for row in rows}  # ordered by date: the last one stays
    needs = {pid: tuple(row.accommodations_needed or ()) for pid, row in latest.items()}
    licensed = {pid for pid, row in latest.items() if MASSAGE_LICENCE in (row.certificates or ())}
    return needs, licensed


def load_vacancies(session: Session, fair_id: int) -> list[VacancyInfo]:
    """Participating vacancies by booth, then id."""
    rows = session.execute(
        select(
            Vacancy.id,
            FairVacancy.booth,
            Vacancy.title,
            Employer.name.label("employer"),
            Vacancy.county,
            Vacancy.openings,
            FairVacancy.interview_capacity,
            Vacancy.reserved_for_disabled,
            Vacancy.channel,
            Vacancy.skills_wanted,
            Vacancy.status,
        )
        .join(FairVacancy, FairVacancy.vacancy_id == Vacancy.id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .where(FairVacancy.fair_id == fair_id)
    ).all()
    infos = [
        VacancyInfo(
            vacancy_id=row.id,
            booth=row.booth,
            title=row.title,
            employer=row.employer,
            county=row.county,
            openings=row.openings,
            capacity=row.interview_capacity,
            terms=VacancyTerms(
                row.reserved_for_disabled, row.channel, MASSAGE_SKILL in (row.skills_wanted or ())
            ),
            is_open=row.status == "open",
        )
        for row in rows
    ]
    return sorted(infos, key=lambda v: (v.booth is None, v.booth or "", v.vacancy_id))


@dataclass(frozen=True)
class CandidateView:
    person_id: int
    name: str
    id_number: str  # masked
    county: str
    registered_on: date


def list_candidates(
    session: Session, fair_id: int, caller: Caller, *, page: int, page_size: int
) -> tuple[list[CandidateView], int]:
    """One page of the registered candidates ``scope`` sees, by person id, and their total."""
    check_page(page, page_size)
    seen = (FairCandidate.fair_id == fair_id, caller.person_condition())
    total = session.scalar(
        select(func.count())
        .select_from(FairCandidate)
        .join(Person, Person.id == FairCandidate.person_id)
        .where(*seen)
    )
    rows = session.execute(
        select(Person.id, Person.name, Person.id_number, Person.county, FairCandidate.registered_on)
        .join(FairCandidate, FairCandidate.person_id == Person.id)
        .where(*seen)
        .order_by(Person.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    views = [
        CandidateView(r.id, r.name, mask_resident_id(r.id_number), r.county, r.registered_on)
        for r in rows
    ]
    return views, total or 0
