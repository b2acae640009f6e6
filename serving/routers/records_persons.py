"""Persons and their assessments under /api: search, read, create, update (county-scoped).

A person or assessment outside the caller's county answers 404 like a missing one; searches
count only the caller's county. ID and certificate numbers are masked in every answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching import records
from matching.access import Caller
from serving.routers.records_common import (
    PERSON_READERS,
    PERSON_WRITERS,
    County,
    DisabilityCategory,
    DisabilityLevel,
    EmploymentStatus,
    PageNumber,
    PageSize,
    RecordRoute,
    SearchText,
    Sessions,
    Sex,
)
from serving.routers.records_routes import (
    RecordApi,
    Search,
    add_read,
    add_record_routes,
    add_update,
    page_out,
)
from serving.schemas.assessments import AssessmentChanges, AssessmentCreate, AssessmentRecord
from serving.schemas.common import PageOut, RecordId, error_responses
from serving.schemas.persons import PersonChanges, PersonCreate, PersonRecord
from serving.security import require_roles

router = APIRouter(tags=["persons"], route_class=RecordRoute)
Reader = Annotated[Caller, Depends(require_roles(*PERSON_READERS))]
Writer = Annotated[Caller, Depends(require_roles(*PERSON_WRITERS))]

PERSONS = RecordApi(
    noun="person",
    path="/persons",
    record=PersonRecord,
    create=PersonCreate,
    changes=PersonChanges,
    readers=PERSON_READERS,
    writers=PERSON_WRITERS,
    get=records.get_person,
    add=records.create_person,
    change=records.update_person,
    scoped=True,
    docs={
        "create_person": "Register a person; validated exactly like one row of a persons "
        "import. A counselor may\nregister persons of their own county only (403).",
        "update_person": "Change the fields sent; the whole row is validated again as an "
        "import would. Moving a\nperson to another county is refused for a counselor (403).",
    },
)
ASSESSMENTS = RecordApi(
    noun="assessment",
    path="/assessments",
    record=AssessmentRecord,
    changes=AssessmentChanges,
    readers=PERSON_READERS,
    writers=PERSON_WRITERS,
    get=records.get_assessment,
    change=records.update_assessment,
    scoped=True,
)
add_record_routes(
    router,
    PERSONS,
    Search(
        params={
            "county": Annotated[County | None, Query(description="county code")],
            "disability_category": Annotated[DisabilityCategory | None, Query()],
            "disability_level": Annotated[DisabilityLevel | None, Query()],
            "employment_status": Annotated[EmploymentStatus | None, Query()],
            "sex": Annotated[Sex | None, Query()],
            "is_graduate": Annotated[bool | None, Query()],
            "name": SearchText,
        },
        filters=records.PersonFilters,
        run=records.search_persons,
        doc="Persons of the caller's county matching every filter given, by id.",
    ),
)


@router.get(
    "/persons/{person_id}/assessments",
    response_model=PageOut[AssessmentRecord],
    responses=error_responses(401, 403, 404, 422),
)
def list_assessments(
    person_id: RecordId,
    caller: Reader,
    sessions: Sessions,
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
    person_id: RecordId, body: AssessmentCreate, caller: Writer, sessions: Sessions
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


add_read(router, ASSESSMENTS)
add_update(router, ASSESSMENTS)
