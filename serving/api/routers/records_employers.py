"""Employers under /api: search, read, create, update.

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
    EmployerKind,
    SearchText,
    page_out,
)
from serving.api.schemas.common import PageOut, RecordId, error_responses
from serving.api.schemas.employers import EmployerChanges, EmployerCreate, EmployerRecord
from serving.api.security import require_roles

router = APIRouter(tags=["employers and vacancies"], route_class=AllowRoute)
Reader = Annotated[Caller, Depends(require_roles(*STAFF))]
Writer = Annotated[Caller, Depends(require_roles(*CATALOG_WRITERS))]
CreditCode = Annotated[
    str | None, Query(max_length=18, pattern=r"^[0-9A-Za-z]*$", description="exact credit code")
]


@router.get(
    "/employers", response_model=PageOut[EmployerRecord], responses=error_responses(401, 403, 422)
)
def search_employers(
    caller: Reader,
    sessions: SessionsDep,
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
        return page_out(found, EmployerRecord)


@router.post(
    "/employers",
    status_code=201,
    response_model=EmployerRecord,
    responses=error_responses(400, 401, 403, 409, 422),
)
def create_employer(body: EmployerCreate, caller: Writer, sessions: SessionsDep) -> EmployerRecord:
    """Register an employer; validated exactly like one row of an employers import."""
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        employer = records.create_employer(session, values, caller=caller, actor=caller.username)
        return EmployerRecord.of(employer)


@router.get(
    "/employers/{employer_id}",
    response_model=EmployerRecord,
    responses=error_responses(401, 403, 404, 422),
)
def read_employer(employer_id: RecordId, caller: Reader, sessions: SessionsDep) -> EmployerRecord:
    with sessions() as session:
        return EmployerRecord.of(records.get_employer(session, employer_id))


@router.patch(
    "/employers/{employer_id}",
    response_model=EmployerRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def update_employer(
    employer_id: RecordId, body: EmployerChanges, caller: Writer, sessions: SessionsDep
) -> EmployerRecord:
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        employer = records.update_employer(
            session, employer_id, values, caller=caller, actor=caller.username
        )
        return EmployerRecord.of(employer)
