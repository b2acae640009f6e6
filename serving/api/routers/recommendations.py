"""GET /api/persons/{id}/recommendations/jobs and .../courses: ranked lists with reasons in
Chinese.

Whether the caller may see the person is read from the database on every request (the scope
check must not trust a snapshot minutes old); everything else comes from the in-memory snapshot.
A person the database has but the snapshot lacks (created since the last read) makes the request
wait for a refresh instead of answering 404.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from matching.access import ROLES_FOR, Act, Caller
from matching.errors import NotFoundError, UnavailableError
from matching.storage import Person
from serving.api.admission import Admitted
from serving.api.deps import NOT_READY_ZH, EngineDep, ServiceDep, SnapshotOrNoneDep
from serving.api.schemas.common import RecordId
from serving.api.schemas.recommendations import (
    CourseRecommendations,
    JobRecommendations,
    course_item,
    job_item,
    next_step_item,
)
from serving.api.security import CurrentCaller, require_roles
from serving.runtime.models import ModelHolder
from serving.runtime.snapshot import ServingSnapshot
from serving.runtime.state import ServiceState
from serving.services.recommend import recommend_jobs
from serving.services.recommend_courses import recommend_courses
from serving.services.recommend_next import next_steps

router = APIRouter(tags=["recommendations"])
PERSON_ROLES = ROLES_FOR[Act.READ]
NO_VACANCY_ZH = "暂无符合条件的岗位：建议先参加职业技能培训，或考虑辅助性就业、公益性岗位"
REFRESHING_ZH = "推荐数据正在更新，请稍后重试"
DATABASE_DOWN_ZH = "数据库暂时不可用，请稍后重试"
RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"description": "no such person in your county"},
    503: {
        "description": "overloaded (retry after Retry-After seconds), no data yet, data being "
        "refreshed, or the database unavailable"
    },
}


@router.get(
    "/persons/{person_id}/recommendations/jobs",
    response_model=JobRecommendations,
    dependencies=[Admitted, Depends(require_roles(*PERSON_ROLES))],
    responses=RESPONSES,
)
def job_recommendations(
    person_id: RecordId,
    caller: CurrentCaller,
    state: ServiceDep,
    loaded: SnapshotOrNoneDep,
    engine: EngineDep,
    k: Annotated[int, Query(ge=1, le=50, description="how many vacancies")] = 10,
) -> Response:
    """Vacancies best first; when none passes eligibility, ``next_steps`` leads with courses,
    then auxiliary employment and public-welfare posts."""
    snapshot, jobs = _person_snapshot(state, loaded, engine, caller, person_id, "jobs")
    at = datetime.now(UTC)
    answer = recommend_jobs(snapshot, jobs.current, person_id, at, k)
    steps = []
    courses = state.courses
    if answer.no_eligible_vacancy and courses is not None:
        steps = [next_step_item(s) for s in next_steps(snapshot, courses.current, person_id, at)]
    recommendations = JobRecommendations(
        person_id=person_id,
        model_version=answer.model,
        feature_set_version=answer.feature_set,
        degraded=answer.degraded,
        no_eligible_vacancy=answer.no_eligible_vacancy,
        message_zh=NO_VACANCY_ZH if answer.no_eligible_vacancy else None,
        items=[job_item(line) for line in answer.lines],
        next_steps=steps,
    )
    # Built and checked by the model above; FastAPI would check and encode it a second time.
    return Response(recommendations.model_dump_json(), media_type="application/json")


@router.get(
    "/persons/{person_id}/recommendations/courses",
    response_model=CourseRecommendations,
    dependencies=[Admitted, Depends(require_roles(*PERSON_ROLES))],
    responses=RESPONSES,
)
def course_recommendations(
    person_id: RecordId,
    caller: CurrentCaller,
    state: ServiceDep,
    loaded: SnapshotOrNoneDep,
    engine: EngineDep,
    k: Annotated[int, Query(ge=1, le=20, description="how many courses")] = 5,
) -> CourseRecommendations:
    """Open training courses best first, from the courses ranker (or its fallbacks)."""
    snapshot, courses = _person_snapshot(state, loaded, engine, caller, person_id, "courses")
    answer = recommend_courses(snapshot, courses.current, person_id, datetime.now(UTC), k)
    return CourseRecommendations(
        person_id=person_id,
        model_version=answer.model,
        feature_set_version=answer.feature_set,
        degraded=answer.degraded,
        items=[course_item(line) for line in answer.lines],
    )


def _person_snapshot(
    state: ServiceState,
    snapshot: ServingSnapshot | None,
    engine: Engine,
    caller: Caller,
    person_id: int,
    kind: str,
) -> tuple[ServingSnapshot, ModelHolder]:
    """The snapshot to answer from (the one the request read, or the one a refresh brought the
    person in with) and the model holder of ``kind``, after the scope check: 404 for a person
    missing or of another county, 503 when there is nothing to answer from."""
    if not _visible_in_database(engine, caller, person_id):
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
