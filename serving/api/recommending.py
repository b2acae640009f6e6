"""The recommendation answers, shared by the API routes (serving.api.routers.recommendations)
and the counselors' pages: the scope check, the snapshot and model to answer from, and the
answers in the API's models. One copy, so a page shows exactly what the API returns.

Whether the caller may see the person is read from the database on every request (the scope
check must not trust a snapshot minutes old); everything else comes from the in-memory snapshot.
A person the database has but the snapshot lacks (created since the last read) makes the request
wait for a refresh instead of answering 404.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from matching.access import Caller
from matching.errors import NotFoundError, UnavailableError
from matching.storage import Person, Vacancy
from serving.api.deps import NOT_READY_ZH, EngineDep, ServiceDep, SnapshotOrNoneDep
from serving.api.schemas.recommendations import (
    CourseRecommendations,
    JobRecommendations,
    WhyNotAnswer,
    course_item,
    job_item,
    next_step_item,
    skill_course_items,
    why_not_answer,
)
from serving.runtime.models import ModelHolder
from serving.runtime.snapshot import ServingSnapshot
from serving.runtime.state import ServiceState
from serving.services.recommend import UNASSESSED_ZH, recommend_jobs
from serving.services.recommend_courses import recommend_courses
from serving.services.recommend_next import next_steps
from serving.services.why_not import why_not_job

__all__ = [
    "NO_VACANCY_ZH",
    "Sources",
    "SourcesDep",
    "UnknownVacancyCode",
    "course_answer",
    "job_answer",
    "person_snapshot",
    "why_answer",
]

NO_VACANCY_ZH = "暂无符合条件的岗位：建议先参加职业技能培训，或考虑辅助性就业、公益性岗位"
REFRESHING_ZH = "推荐数据正在更新，请稍后重试"
DATABASE_DOWN_ZH = "数据库暂时不可用，请稍后重试"


@dataclass(frozen=True)
class Sources:
    """What an answer reads: the service state, the snapshot the request read once, and the
    database engine for the scope check."""

    state: ServiceState
    snapshot: ServingSnapshot | None
    engine: Engine


async def sources(state: ServiceDep, loaded: SnapshotOrNoneDep, engine: EngineDep) -> Sources:
    return Sources(state, loaded, engine)


SourcesDep = Annotated[Sources, Depends(sources)]


class UnknownVacancyCode(NotFoundError):
    """No vacancy has the code asked about (the page says so next to its field)."""


def job_answer(sources: Sources, caller: Caller, person_id: int, k: int) -> JobRecommendations:
    """Vacancies best first; when none passes eligibility, ``next_steps`` leads with courses,
    then auxiliary employment and public-welfare posts."""
    snapshot, jobs = person_snapshot(sources, caller, person_id, "jobs")
    at = datetime.now(UTC)
    answer = recommend_jobs(snapshot, jobs.current, person_id, at, k)
    steps = []
    courses = sources.state.courses
    if answer.no_eligible_vacancy and courses is not None:
        steps = [next_step_item(s) for s in next_steps(snapshot, courses.current, person_id, at)]
    return JobRecommendations(
        person_id=person_id,
        model_version=answer.model,
        feature_set_version=answer.feature_set,
        degraded=answer.degraded,
        no_eligible_vacancy=answer.no_eligible_vacancy,
        message_zh=NO_VACANCY_ZH if answer.no_eligible_vacancy else None,
        assessment_missing=not answer.assessed,
        assessment_note_zh=None if answer.assessed else UNASSESSED_ZH,
        items=[job_item(line) for line in answer.lines],
        next_steps=steps,
        skill_courses=skill_course_items(answer.lines, answer.skill_courses),
    )


def course_answer(
    sources: Sources, caller: Caller, person_id: int, k: int
) -> CourseRecommendations:
    """Open training courses best first, from the courses ranker (or its fallbacks)."""
    snapshot, courses = person_snapshot(sources, caller, person_id, "courses")
    answer = recommend_courses(snapshot, courses.current, person_id, datetime.now(UTC), k)
    return CourseRecommendations(
        person_id=person_id,
        model_version=answer.model,
        feature_set_version=answer.feature_set,
        degraded=answer.degraded,
        items=[course_item(line) for line in answer.lines],
    )


def why_answer(sources: Sources, caller: Caller, person_id: int, code: str, k: int) -> WhyNotAnswer:
    """Why the vacancy with the office's code ``code`` (岗位编号) is not on the person's list
    of ``k`` jobs; 404 for an unknown code (or one the snapshot does not hold yet)."""
    snapshot, jobs = person_snapshot(sources, caller, person_id, "jobs")
    code = code.strip().upper()
    vacancy_id = _vacancy_by_code(sources.engine, code)
    model = jobs.current
    why = None
    if vacancy_id is not None:
        why = why_not_job(snapshot, model, person_id, vacancy_id, datetime.now(UTC), k)
    if why is None:
        raise UnknownVacancyCode(
            f"no vacancy with code {code!r}",
            f"未找到岗位编号为“{code}”的岗位，请核对编号（如 V0000123）",
        )
    return why_not_answer(person_id, code, model.label, why)


def _vacancy_by_code(engine: Engine, code: str) -> int | None:
    query = select(Vacancy.id).where(Vacancy.code == code)
    try:
        with engine.connect() as connection:
            found = connection.execute(query).first()
    except SQLAlchemyError:
        raise UnavailableError("the database is unavailable", DATABASE_DOWN_ZH) from None
    return None if found is None else int(found[0])


def person_snapshot(
    sources: Sources, caller: Caller, person_id: int, kind: str
) -> tuple[ServingSnapshot, ModelHolder]:
    """The snapshot to answer from (the one the request read, or the one a refresh brought the
    person in with) and the model holder of ``kind``, after the scope check: 404 for a person
    missing or of another county, 503 when there is nothing to answer from."""
    state, snapshot = sources.state, sources.snapshot
    if not _visible_in_database(sources.engine, caller, person_id):
        if snapshot is None:  # not ready: the same answer whoever asks about whom
            raise UnavailableError("no persons loaded yet", NOT_READY_ZH)
        raise NotFoundError(f"person {person_id} not found in your county")
    if snapshot is None or not snapshot.holds(person_id):
        if not state.refresh_for(person_id, time.monotonic()):
            message = NOT_READY_ZH if state.engine is None else REFRESHING_ZH
            raise UnavailableError("the feature snapshot could not be refreshed", message)
        snapshot = state.snapshot  # read once more, after the refresh
        if snapshot is None:
            raise UnavailableError("no persons loaded yet", NOT_READY_ZH)
        if not snapshot.holds(person_id):  # deleted since the scope check
            raise NotFoundError(f"person {person_id} not found in your county")
    holder = state.holder(kind)
    if holder is None:
        raise UnavailableError("no model holder yet", NOT_READY_ZH)
    return snapshot, holder


def _visible_in_database(engine: Engine, caller: Caller, person_id: int) -> bool:
    """Whether the person exists and the caller may see them (county; case workers: graduates
    only), by the same rule as the records routes."""
    query = select(Person.id).where(Person.id == person_id, caller.person_condition())
    try:
        with engine.connect() as connection:  # Core: no ORM session
            return connection.execute(query).first() is not None
    except SQLAlchemyError:
        raise UnavailableError("the database is unavailable", DATABASE_DOWN_ZH) from None
