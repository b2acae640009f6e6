"""A vacancy's candidates as the API route and the vacancy page answer them: the scope and state
checks on the database, then the list from the snapshot (``serving.services.vacancy_candidates``).

From the database, on every request (a snapshot minutes old must decide neither): the vacancy
exists and its county is one the caller sees (404 otherwise, as for a missing one), it is open
today (409 with the reason otherwise), the persons the caller reaches who are seeking work
(``matching.access.Caller.person_condition``: a county's persons, a case worker's graduates), and
which of the listed persons were referred to it already. A vacancy opened since the snapshot was
read makes the request wait for a refresh, as a new person does on a person's list.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.codes import VACANCY_STATUSES
from matching.errors import NotFoundError, UnavailableError, conflict
from matching.storage import Employer, Person, Referral, Vacancy
from serving.api.deps import NOT_READY_ZH
from serving.api.recommending import DATABASE_DOWN_ZH, REFRESHING_ZH, Sources
from serving.api.schemas.candidates import VacancyCandidates, candidate_item
from serving.runtime.snapshot import ServingSnapshot
from serving.services.seeker_pairs import SEEKING, served_jobs_model
from serving.services.vacancy_candidates import vacancy_candidates

__all__ = ["candidates_answer", "not_found_vacancy", "open_vacancy"]


def not_found_vacancy(vacancy_id: int) -> NotFoundError:
    """The one answer for a missing vacancy and for one of a county the caller does not see."""
    return NotFoundError(
        f"vacancy {vacancy_id} not found in your county",
        "未找到该岗位，或该岗位不在您的服务范围内",
    )


def open_vacancy(session: Session, caller: Caller, vacancy_id: int, today: date) -> Vacancy:
    """The vacancy with its employer, when the caller sees its county (404) and it is open
    today (409, saying why not)."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None or not caller.sees_county(vacancy.county):
        raise not_found_vacancy(vacancy_id)
    if vacancy.status != "open":
        label = VACANCY_STATUSES.label(vacancy.status)
        raise conflict(
            "vacancy_not_open",
            f"vacancy {vacancy_id} is {vacancy.status}; candidates are listed for open ones",
            f"该岗位{label}，不再推荐人选",
            "status",
        )
    if vacancy.opened_on > today:
        raise conflict(
            "vacancy_not_open",
            f"vacancy {vacancy_id} opens on {vacancy.opened_on.isoformat()}",
            f"该岗位{_date_zh(vacancy.opened_on)}才开始招聘，届时再推荐人选",
            "opened_on",
        )
    if vacancy.deadline is not None and vacancy.deadline < today:
        raise conflict(
            "vacancy_not_open",
            f"vacancy {vacancy_id} closed for applications on {vacancy.deadline.isoformat()}",
            f"该岗位报名已于{_date_zh(vacancy.deadline)}截止，不再推荐人选",
            "deadline",
        )
    return vacancy


def vacancy_about(session: Session, vacancy: Vacancy) -> dict[str, Any]:
    """What a list of candidates says of its vacancy (``VacancyCandidates``' first fields)."""
    employer = session.get(Employer, vacancy.employer_id)
    return {
        "vacancy_id": vacancy.id,
        "code": vacancy.code,
        "title": vacancy.title,
        "employer": employer.name if employer is not None else "",
        "county": vacancy.county,
        "openings": vacancy.openings,
        "deadline": vacancy.deadline,
    }


def candidates_answer(
    sources: Sources, caller: Caller, vacancy_id: int, k: int
) -> VacancyCandidates:
    """The ``k`` persons seeking work the caller reaches who fit the open vacancy best."""
    caller.require_act(Act.READ)
    at = datetime.now(UTC)
    try:
        with Session(sources.engine) as session:
            vacancy = open_vacancy(session, caller, vacancy_id, at.date())
            reached = session.scalars(
                select(Person.id).where(
                    caller.person_condition(), Person.employment_status == SEEKING
                )
            ).all()
            about = vacancy_about(session, vacancy)
    except SQLAlchemyError:
        raise UnavailableError("the database is unavailable", DATABASE_DOWN_ZH) from None
    snapshot = _snapshot_holding(sources, vacancy_id)
    model = served_jobs_model(sources.state)
    found = vacancy_candidates(snapshot, model, vacancy_id, reached, at, k)
    referred = _referred(sources.engine, vacancy_id, [line.person_id for line in found.lines])
    return VacancyCandidates(
        **about,
        model_version=found.model,
        degraded=found.degraded,
        seekers=found.seekers,
        eligible=found.eligible,
        k=k,
        items=[
            candidate_item(rank, line, line.person_id in referred)
            for rank, line in enumerate(found.lines, start=1)
        ],
    )


def _snapshot_holding(sources: Sources, vacancy_id: int) -> ServingSnapshot:
    """The snapshot to answer from, once it holds the vacancy as open (503 when none can)."""
    state, snapshot = sources.state, sources.snapshot
    if snapshot is not None and _holds_open(snapshot, vacancy_id):
        return snapshot
    if not state.refresh_until(lambda s: _holds_open(s, vacancy_id), time.monotonic()):
        message = NOT_READY_ZH if state.engine is None or snapshot is None else REFRESHING_ZH
        raise UnavailableError("the feature snapshot could not be refreshed", message)
    snapshot = state.snapshot  # read once more, after the refresh
    if snapshot is None:
        raise UnavailableError("no persons loaded yet", NOT_READY_ZH)
    if not _holds_open(snapshot, vacancy_id):  # closed again since the check
        raise UnavailableError("the vacancy is not in the snapshot", REFRESHING_ZH)
    return snapshot


def _holds_open(snapshot: ServingSnapshot, vacancy_id: int) -> bool:
    return bool((snapshot.context.open_vacancies["vacancy_id"] == vacancy_id).any())


def _referred(engine: Engine, vacancy_id: int, person_ids: list[int]) -> set[int]:
    """Which of ``person_ids`` have a referral to the vacancy already."""
    if not person_ids:
        return set()
    query = select(Referral.person_id).where(
        Referral.vacancy_id == vacancy_id, Referral.person_id.in_(person_ids)
    )
    try:
        with engine.connect() as connection:
            return {int(row[0]) for row in connection.execute(query)}
    except SQLAlchemyError:
        raise UnavailableError("the database is unavailable", DATABASE_DOWN_ZH) from None


def _date_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
