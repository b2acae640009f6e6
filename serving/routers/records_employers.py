"""Employers and their vacancies under /api: search, read, create, update.

Every staff role reads them (they are no personal data); admins write any, counselors those of
their own county (403 otherwise, also for moving one to another county).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching import records
from serving.routers.records_common import (
    CATALOG_WRITERS,
    STAFF,
    County,
    EmployerKind,
    ForeignId,
    OccupationGroup,
    PageNumber,
    PageSize,
    RecordId,
    RecordRoute,
    SearchText,
    Sessions,
    VacancyChannel,
    VacancyStatus,
    WorkMode,
    scope_of,
)
from serving.schemas.common import PageOut, error_responses
from serving.schemas.employers import EmployerChanges, EmployerCreate, EmployerRecord
from serving.schemas.vacancies import VacancyChanges, VacancyCreate, VacancyRecord
from serving.security import Principal, require_roles

router = APIRouter(tags=["employers and vacancies"], route_class=RecordRoute)
Reader = Annotated[Principal, Depends(require_roles(*STAFF))]
Writer = Annotated[Principal, Depends(require_roles(*CATALOG_WRITERS))]
CreditCode = Annotated[
    str | None, Query(max_length=18, pattern=r"^[0-9A-Za-z]*$", description="exact credit code")
]


@router.get(
    "/employers", response_model=PageOut[EmployerRecord], responses=error_responses(401, 403, 422)
)
def search_employers(
    principal: Reader,
    sessions: Sessions,
    county: Annotated[County | None, Query(description="county code")] = None,
    kind: Annotated[EmployerKind | None, Query()] = None,
    name: SearchText = None,
    credit_code: CreditCode = None,
    page: PageNumber = 1,
    page_size: PageSize = records.DEFAULT_PAGE_SIZE,
) -> PageOut[EmployerRecord]:
    """Employers matching every filter given, by id."""
    filters = records.EmployerFilters(county=county, kind=kind, name=name, credit_code=credit_code)
    with sessions() as session:
        found = records.search_employers(session, filters, page=page, page_size=page_size)
        items = [EmployerRecord.of(employer) for employer in found.items]
    return PageOut[EmployerRecord](
        total=found.total, page=found.page, page_size=found.page_size, items=items
    )


@router.post(
    "/employers",
    status_code=201,
    response_model=EmployerRecord,
    responses=error_responses(400, 401, 403, 409, 422),
)
def create_employer(body: EmployerCreate, principal: Writer, sessions: Sessions) -> EmployerRecord:
    """Register an employer; validated exactly like one row of an employers import."""
    with sessions.begin() as session:
        employer = records.create_employer(
            session,
            body.model_dump(exclude_unset=True),
            scope=scope_of(principal),
            actor=principal.username,
        )
        return EmployerRecord.of(employer)


@router.get(
    "/employers/{employer_id}",
    response_model=EmployerRecord,
    responses=error_responses(401, 403, 404, 422),
)
def read_employer(employer_id: RecordId, principal: Reader, sessions: Sessions) -> EmployerRecord:
    with sessions() as session:
        return EmployerRecord.of(records.get_employer(session, employer_id))


@router.patch(
    "/employers/{employer_id}",
    response_model=EmployerRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def update_employer(
    employer_id: RecordId, body: EmployerChanges, principal: Writer, sessions: Sessions
) -> EmployerRecord:
    with sessions.begin() as session:
        employer = records.update_employer(
            session,
            employer_id,
            body.model_dump(exclude_unset=True),
            scope=scope_of(principal),
            actor=principal.username,
        )
        return EmployerRecord.of(employer)


@router.get(
    "/vacancies", response_model=PageOut[VacancyRecord], responses=error_responses(401, 403, 422)
)
def search_vacancies(
    principal: Reader,
    sessions: Sessions,
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
        items = [VacancyRecord.of(vacancy) for vacancy in found.items]
    return PageOut[VacancyRecord](
        total=found.total, page=found.page, page_size=found.page_size, items=items
    )


@router.post(
    "/vacancies",
    status_code=201,
    response_model=VacancyRecord,
    responses=error_responses(400, 401, 403, 409, 422),
)
def create_vacancy(body: VacancyCreate, principal: Writer, sessions: Sessions) -> VacancyRecord:
    """Post a vacancy of a stored employer (by credit code); validated like an import row."""
    with sessions.begin() as session:
        vacancy = records.create_vacancy(
            session,
            body.model_dump(exclude_unset=True),
            scope=scope_of(principal),
            actor=principal.username,
        )
        return VacancyRecord.of(vacancy)


@router.get(
    "/vacancies/{vacancy_id}",
    response_model=VacancyRecord,
    responses=error_responses(401, 403, 404, 422),
)
def read_vacancy(vacancy_id: RecordId, principal: Reader, sessions: Sessions) -> VacancyRecord:
    with sessions() as session:
        return VacancyRecord.of(records.get_vacancy(session, vacancy_id))


@router.patch(
    "/vacancies/{vacancy_id}",
    response_model=VacancyRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def update_vacancy(
    vacancy_id: RecordId, body: VacancyChanges, principal: Writer, sessions: Sessions
) -> VacancyRecord:
    with sessions.begin() as session:
        vacancy = records.update_vacancy(
            session,
            vacancy_id,
            body.model_dump(exclude_unset=True),
            scope=scope_of(principal),
            actor=principal.username,
        )
        return VacancyRecord.of(vacancy)
