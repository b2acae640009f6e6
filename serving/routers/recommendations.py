"""GET /api/persons/{id}/recommendations/jobs: ranked vacancies with reasons in Chinese."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from matching.errors import NotFoundError
from serving.recommend import recommend_jobs
from serving.security import CurrentPrincipal, require_roles
from serving.state import ServiceState

router = APIRouter(tags=["recommendations"])
PERSON_ROLES = ("counselor", "case_worker", "admin")
NO_VACANCY_ZH = "暂无符合条件的岗位：建议先参加职业技能培训，或考虑辅助性就业、公益性岗位"
NOT_READY_ZH = "推荐服务尚未就绪：数据库中还没有人员数据，请先导入或生成数据"


class JobItem(BaseModel):
    vacancy_id: int
    title: str
    employer: str
    score: float
    reasons: list[str]
    cautions: list[str]
    statements: list[str]
    congestion_note: str | None


class JobRecommendations(BaseModel):
    person_id: int
    model_version: str
    feature_set_version: str
    degraded: bool
    no_eligible_vacancy: bool
    message_zh: str | None
    items: list[JobItem]


@router.get(
    "/persons/{person_id}/recommendations/jobs",
    response_model=JobRecommendations,
    dependencies=[Depends(require_roles(*PERSON_ROLES))],
    responses={
        404: {"description": "no such person in your county"},
        503: {"description": "no data yet"},
    },
)
def job_recommendations(
    person_id: int,
    request: Request,
    principal: CurrentPrincipal,
    k: Annotated[int, Query(ge=1, le=50, description="how many vacancies")] = 10,
) -> JobRecommendations | JSONResponse:
    state: ServiceState = request.app.state.service
    if state.context is None or state.jobs is None:
        return JSONResponse(
            status_code=503, content={"status": "unavailable", "message_zh": NOT_READY_ZH}
        )
    persons = state.context.snapshot.persons
    county = persons.filter(pl.col("id") == person_id)["county"]
    if county.is_empty() or not principal.can_see_county(str(county[0])):
        raise NotFoundError(f"person {person_id} not found in your county")
    answer = recommend_jobs(state.context, state.jobs.current, person_id, datetime.now(UTC), k)
    return JobRecommendations(
        person_id=person_id,
        model_version=answer.model,
        feature_set_version=answer.feature_set,
        degraded=answer.degraded,
        no_eligible_vacancy=answer.no_eligible_vacancy,
        message_zh=NO_VACANCY_ZH if answer.no_eligible_vacancy else None,
        items=[
            JobItem(
                vacancy_id=line.vacancy_id,
                title=line.title,
                employer=line.employer,
                score=line.score,
                reasons=line.reasons,
                cautions=line.cautions,
                statements=line.statements,
                congestion_note=line.congestion,
            )
            for line in answer.lines
        ],
    )
