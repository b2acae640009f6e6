"""Persons and their assessments under /api: search, read, create, update (county-scoped).

A person or assessment outside the caller's county answers 404 like a missing one; searches
count only the caller's county. ID and certificate numbers are masked in every answer.
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
    PERSON_READERS,
    PERSON_WRITERS,
    County,
    DisabilityCategory,
    DisabilityLevel,
    EmploymentStatus,
    SearchText,
    Sex,
    page_out,
)
from serving.api.schemas.assessments import AssessmentChanges, AssessmentCreate, AssessmentRecord
from serving.api.schemas.common import PageOut, RecordId, error_responses
from serving.api.schemas.persons import PersonChanges, PersonCreate, PersonRecord
from serving.api.security import require_roles

router = APIRouter(tags=["persons"], route_class=AllowRoute)
Reader = Annotated[Caller, Depends(require_roles(*PERSON_READERS))]
Writer = Annotated[Caller, Depends(require_roles(*PERSON_WRITERS))]


@router.get(
    "/persons", response_model=PageOut[PersonRecord], responses=error_responses(401, 403, 422)
)
def search_persons(
    caller: Reader,
    sessions: SessionsDep,
    county: Annotated[County | None, Query(description="county code")] = None,
    disability_category: Annotated[DisabilityCategory | None, Query()] = None,
    disability_level: Annotated[DisabilityLevel | None, Query()] = None,
    employment_status: Annotated[EmploymentStatus | None, Query()] = None,
    sex: Annotated[Sex | None, Query()] = None,
    is_graduate: Annotated[bool | None, Query()] = None,
    name: SearchText = None,
    page: PageNumber = 1,
    page_size: PageSize = records.DEFAULT_PAGE_SIZE,
) -> PageOut[PersonRecord]:
    """Persons of the caller's county matching every filter given, by id."""
    filters = records.PersonFilters(
        county=county,
        disability_category=disability_category,
        disability_level=disability_level,
        employment_status=employment_status,
        sex=sex,
        is_graduate=is_graduate,
        name=name,
    )
    with sessions() as session:
        found = records.search_persons(session, filters, caller, page=page, page_size=page_size)
        return page_out(found, PersonRecord)


@router.post(
    "/persons",
    status_code=201,
    response_model=PersonRecord,
    responses=error_responses(400, 401, 403, 409, 422),
)
def create_person(body: PersonCreate, caller: Writer, sessions: SessionsDep) -> PersonRecord:
    """Register a person; validated exactly like one row of a persons import. A counselor may
    register persons of their own county only (403)."""
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        person = records.create_person(session, values, caller=caller, actor=caller.username)
        return PersonRecord.of(person)


@router.get(
    "/persons/{person_id}",
    response_model=PersonRecord,
    responses=error_responses(401, 403, 404, 422),
)
def read_person(person_id: RecordId, caller: Reader, sessions: SessionsDep) -> PersonRecord:
    with sessions() as session:
        return PersonRecord.of(records.get_person(session, person_id, caller))


@router.patch(
    "/persons/{person_id}",
    response_model=PersonRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def update_person(
    person_id: RecordId, body: PersonChanges, caller: Writer, sessions: SessionsDep
) -> PersonRecord:
    """Change the fields sent; the whole row is validated again as an import would. Moving a
    person to another county is refused for a counselor (403)."""
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        person = records.update_person(
            session, person_id, values, caller=caller, actor=caller.username
        )
        return PersonRecord.of(person)


@router.get(
    "/persons/{person_id}/assessments",
    response_model=PageOut[AssessmentRecord],
    responses=error_responses(401, 403, 404, 422),
)
def list_assessments(
    person_id: RecordId,
    caller: Reader,
    sessions: SessionsDep,
    page: PageNumber = 1,
    page_size: PageSize = records.DEFAULT_PAGE_SIZE,
) -> PageOut[AssessmentRecord]:
    """A person's assessments, the newest first."""
    with sessions() as session:
        found = records.list_assessments(session, person_id, caller, page=page, page_size=page_size)
        return page_out(found, AssessmentRecord)


@router.post(
    "/persons/{person_id}/assessments",
    status_code=201,
    response_model=AssessmentRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def create_assessment(
    person_id: RecordId, body: AssessmentCreate, caller: Writer, sessions: SessionsDep
) -> AssessmentRecord:
    """Record an assessment of the person; validated like an assessments import row."""
    with sessions.begin() as session:
        assessment = records.create_assessment(
            session,
            person_id,
            body.model_dump(exclude_unset=True),
            caller=caller,
            actor=caller.username,
        )
        return AssessmentRecord.of(assessment)


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentRecord,
    responses=error_responses(401, 403, 404, 422),
)
def read_assessment(
    assessment_id: RecordId, caller: Reader, sessions: SessionsDep
) -> AssessmentRecord:
    with sessions() as session:
        return AssessmentRecord.of(records.get_assessment(session, assessment_id, caller))


@router.patch(
    "/assessments/{assessment_id}",
    response_model=AssessmentRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def update_assessment(
    assessment_id: RecordId, body: AssessmentChanges, caller: Writer, sessions: SessionsDep
) -> AssessmentRecord:
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        assessment = records.update_assessment(
            session, assessment_id, values, caller=caller, actor=caller.username
        )
        return AssessmentRecord.of(assessment)
