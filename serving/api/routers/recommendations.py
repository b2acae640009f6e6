"""GET /api/persons/{id}/recommendations/jobs and .../courses: ranked lists with reasons in
Chinese; .../jobs/why: why a vacancy is not on the list. The answers are built in
``serving.api.recommending``, which the pages share (scope, snapshot, models).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from matching.access import ROLES_FOR, Act
from serving.api.admission import Admitted
from serving.api.recommending import (
    NO_VACANCY_ZH,
    SourcesDep,
    course_answer,
    job_answer,
    why_answer,
)
from serving.api.schemas.common import RecordId
from serving.api.schemas.recommendations import (
    CourseRecommendations,
    JobRecommendations,
    WhyNotAnswer,
)
from serving.api.security import CurrentCaller, require_roles

__all__ = ["NO_VACANCY_ZH", "router"]

router = APIRouter(tags=["recommendations"])
PERSON_ROLES = ROLES_FOR[Act.READ]
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
    sources: SourcesDep,
    k: Annotated[int, Query(ge=1, le=50, description="how many vacancies")] = 10,
) -> Response:
    """Vacancies best first; when none passes eligibility, ``next_steps`` leads with courses,
    then auxiliary employment and public-welfare posts."""
    recommendations = job_answer(sources, caller, person_id, k)
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
    sources: SourcesDep,
    k: Annotated[int, Query(ge=1, le=20, description="how many courses")] = 5,
) -> CourseRecommendations:
    """Open training courses best first, from the courses ranker (or its fallbacks)."""
    return course_answer(sources, caller, person_id, k)


@router.get(
    "/persons/{person_id}/recommendations/jobs/why",
    response_model=WhyNotAnswer,
    dependencies=[Admitted, Depends(require_roles(*PERSON_ROLES))],
    responses={
        **RESPONSES,
        404: {"description": "no such person in your county, or no vacancy with that code"},
    },
)
def why_not(
    person_id: RecordId,
    caller: CurrentCaller,
    sources: SourcesDep,
    vacancy: Annotated[
        str,
        Query(
            min_length=1,
            max_length=40,
            pattern=r"^\s*[0-9A-Za-z_-]+\s*$",
            description="the vacancy's office code (岗位编号), e.g. V0000123",
        ),
    ],
    k: Annotated[int, Query(ge=1, le=50, description="the list's length")] = 10,
) -> WhyNotAnswer:
    """为什么没有这个岗位？ Which hard rule excluded the vacancy, or that the pre-selection left
    it out, or its rank among the candidates and the features that held it down."""
    return why_answer(sources, caller, person_id, vacancy, k)
