"""Training courses under /api: read by every staff role, written by admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from matching import records
from serving.routers.records_common import (
    COURSE_WRITERS,
    STAFF,
    County,
    CourseStatus,
    ForeignId,
    OccupationGroup,
    RecordRoute,
    SearchText,
)
from serving.routers.records_routes import RecordApi, Search, add_record_routes
from serving.schemas.courses import CourseChanges, CourseCreate, CourseRecord

router = APIRouter(tags=["courses"], route_class=RecordRoute)
BaseCode = Annotated[
    str | None,
    Query(max_length=40, pattern=r"^[^\x00-\x1f\x7f]*$", description="exact base code"),
]

COURSES = RecordApi(
    noun="course",
    path="/courses",
    record=CourseRecord,
    create=CourseCreate,
    changes=CourseChanges,
    readers=STAFF,
    writers=COURSE_WRITERS,
    get=records.get_course,
    add=records.create_course,
    change=records.update_course,
    docs={
        "create_course": "Add a course (a new base code creates the base); validated like a "
        "courses import row."
    },
)
add_record_routes(
    router,
    COURSES,
    Search(
        params={
            "county": Annotated[County | None, Query(description="county code of the base")],
            "base_id": ForeignId,
            "base_code": BaseCode,
            "status": Annotated[CourseStatus | None, Query()],
            "occupation": OccupationGroup,
            "title": SearchText,
        },
        filters=records.CourseFilters,
        run=records.search_courses,
        doc="Courses matching every filter given, by id.",
    ),
)
