"""Training courses under /api: read by every staff role, written by admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching import records
from matching.access import Caller
from serving.api.deps import SessionsDep
from serving.api.paging import PageNumber, PageSize
from serving.api.routers.allow_route import AllowRoute
from serving.api.routers.records_common import (
    COURSE_WRITERS,
    STAFF,
    County,
    CourseStatus,
    ForeignId,
    OccupationGroup,
    SearchText,
    page_out,
)
from serving.api.schemas.common import PageOut, RecordId, error_responses
from serving.api.schemas.courses import CourseChanges, CourseCreate, CourseRecord
from serving.api.security import require_roles

router = APIRouter(tags=["courses"], route_class=AllowRoute)
Reader = Annotated[Caller, Depends(require_roles(*STAFF))]
Writer = Annotated[Caller, Depends(require_roles(*COURSE_WRITERS))]
BaseCode = Annotated[
    str | None,
    Query(max_length=40, pattern=r"^[^\x00-\x1f\x7f]*$", description="exact base code"),
]


@router.get(
    "/courses", response_model=PageOut[CourseRecord], responses=error_responses(401, 403, 422)
)
def search_courses(
    caller: Reader,
    sessions: SessionsDep,
    county: Annotated[County | None, Query(description="county code of the base")] = None,
    base_id: ForeignId = None,
    base_code: BaseCode = None,
    status: Annotated[CourseStatus | None, Query()] = None,
    occupation: OccupationGroup = None,
    title: SearchText = None,
    page: PageNumber = 1,
    page_size: PageSize = records.DEFAULT_PAGE_SIZE,
) -> PageOut[CourseRecord]:
    """Courses matching every filter given, by id."""
    filters = records.CourseFilters(
        county=county,
        base_id=base_id,
        base_code=base_code,
        status=status,
        occupation=occupation,
        title=title,
    )
    with sessions() as session:
        found = records.search_courses(session, filters, page=page, page_size=page_size)
        return page_out(found, CourseRecord)


@router.post(
    "/courses",
    status_code=201,
    response_model=CourseRecord,
    responses=error_responses(400, 401, 403, 409, 422),
)
def create_course(body: CourseCreate, caller: Writer, sessions: SessionsDep) -> CourseRecord:
    """Add a course (a new base code creates the base); validated like a courses import row."""
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        course = records.create_course(session, values, caller=caller, actor=caller.username)
        return CourseRecord.of(course)


@router.get(
    "/courses/{course_id}",
    response_model=CourseRecord,
    responses=error_responses(401, 403, 404, 422),
)
def read_course(course_id: RecordId, caller: Reader, sessions: SessionsDep) -> CourseRecord:
    with sessions() as session:
        return CourseRecord.of(records.get_course(session, course_id))


@router.patch(
    "/courses/{course_id}",
    response_model=CourseRecord,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def update_course(
    course_id: RecordId, body: CourseChanges, caller: Writer, sessions: SessionsDep
) -> CourseRecord:
    with sessions.begin() as session:
        values = body.model_dump(exclude_unset=True)
        course = records.update_course(
            session, course_id, values, caller=caller, actor=caller.username
        )
        return CourseRecord.of(course)
