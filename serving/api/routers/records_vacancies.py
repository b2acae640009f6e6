"""Vacancies under /api: search, read, create, update.

Every staff role reads them (they are no personal data); admins write any, counselors those of
their own county (403 otherwise, also for moving one to another county).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching import records
from matching.access import Caller
from serving.api.deps import SessionsDep
from serving.api.paging import PageNumber, PageSize
from serving.api.routers.allow_route import AllowRoute
from serving.api.routers.records_common import (
    CATALOG_WRITERS,
    STAFF,
    County,
    ForeignId,
    OccupationGroup,
    SearchText,
    VacancyChannel,
    VacancyStatus,
    WorkMode,
    page_out,
)
from serving.api.schemas.common import PageOut, RecordId, error_responses
from serving.api.schemas.vacancies import VacancyChanges, VacancyCreate, VacancyRecord
from serving.api.security import require_roles

router = APIRouter(tags=["employers and vacancies"], route_class=AllowRoute)
Reader = Annotated[Caller, Depends(require_roles(*STAFF))]
Writer = Annotated[Caller, Depends(require_roles(*CATALOG_WRITERS))]


@router.get(
    "/vacancies", response_model=PageOut[VacancyRecord], responses=error_responses(401, 403, 422)
)
def search_vacancies(
    caller: Reader,
    sessions: SessionsDep,
    county: Annotated[County | None, Query(description="county code of the workplace")] = None,
    occupation: OccupationGroup = None,
    status: Annotated[VacancyStatus | None, Query()] = None,
    channel: Annotated[VacancyChannel | None, Query()] = None,
    work_mode: Annotated[WorkMode | None, Query()] = None,
    employer_id: ForeignId = None,
    reserved_for_disabled: Annotated[bool | None, Query()] = None,
    graduate_oriented: Annotated[bool | None, Query()] = None,
    title: SearchText = None,
    page: PageNumber = 1,
    page_size: PageSize = records.DEFAULT_PAGE_SIZE,
) -> PageOut[VacancyRecord]:
    """Vacancies matching every filter given, by id."""
    filters = records.VacancyFilters(
        county=county,
        occupation=occupation,
        status=status,
        channel=channel,
        work_mode=work_mode,
        employer_id=employer_id,
        reserved_for_disabled=reserved_for_disabled,
        graduate_oriented=graduate_oriented,
        title=title,
    )
    with sessions() as session:
        found = records.search_vacancies(session, filters, page=page, page_size=page_size)
        return page_out(found, VacancyRecord)


@router.post(
    "/vacancies",
    status_code=201,
    response_model=VacancyRecord,
    responses=error_responses(400, 401, 403, 409, 422),
)
def create_vacancy(body: VacancyCreate, caller: Writer, sessions: SessionsDep) -> VacancyRecord:
    """Post a vacancy of a stored employer (by credit code); validated like an import row."""
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        vacancy = records.create_vacancy(session, values, caller=caller, actor=caller.username)
        return VacancyRecord.of(vacancy)


@router.get(
    "/vacancies/{vacancy_id}",
    response_model=VacancyRecord,
    responses=error_responses(401, 403, 404, 422),
)
def read_vacancy(vacancy_id: RecordId, caller: Reader, sessions: SessionsDep) -> VacancyRecord:
    with sessions() as session:
        return VacancyRecord.of(records.get_vacancy(session, vacancy_id))


@router.patch(
    "/vacancies/{vacancy_id}",
    response_model=VacancyRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def update_vacancy(
    vacancy_id: RecordId, body: VacancyChanges, caller: Writer, sessions: SessionsDep
) -> VacancyRecord:
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        vacancy = records.update_vacancy(
            session, vacancy_id, values, caller=caller, actor=caller.username
        )
        return VacancyRecord.of(vacancy)
