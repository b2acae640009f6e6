"""GET /api/vacancies/{id}/candidates: the persons seeking work whom the caller reaches who fit
an open vacancy best (点对点推荐), with reasons from the employer's side. The answer is built in
``serving.api.candidates``, which the vacancy page shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching.access import ROLES_FOR, Act
from serving.api.admission import Admitted
from serving.api.candidates import candidates_answer
from serving.api.recommending import SourcesDep
from serving.api.schemas.candidates import VacancyCandidates
from serving.api.schemas.common import STATUS_TEXT, RecordId, error_responses
from serving.api.security import CurrentCaller, require_roles
from serving.services.vacancy_candidates import DEFAULT_K, MAX_K

__all__ = ["router"]

router = APIRouter(tags=["recommendations"])
TEXTS = {
    **STATUS_TEXT,
    404: "no such vacancy in your county",
    409: "the vacancy is not open (closed, filled, not yet open or past its deadline)",
}


@router.get(
    "/vacancies/{vacancy_id}/candidates",
    response_model=VacancyCandidates,
    dependencies=[Admitted, Depends(require_roles(*ROLES_FOR[Act.READ]))],
    responses=error_responses(401, 403, 404, 409, 422, texts=TEXTS)
    | {503: {"description": "overloaded, no data yet, data being refreshed, or no database"}},
)
def vacancy_candidates(
    vacancy_id: RecordId,
    caller: CurrentCaller,
    sources: SourcesDep,
    k: Annotated[int, Query(ge=1, le=MAX_K, description="how many persons")] = DEFAULT_K,
) -> VacancyCandidates:
    """The persons seeking work (求职中) among those you reach who pass the hard rules for the
    open vacancy, best first by the served jobs ranker, with reasons from the employer's side;
    ``referred`` marks those referred to it already."""
    return candidates_answer(sources, caller, vacancy_id, k)
