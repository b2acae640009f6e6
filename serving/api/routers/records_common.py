"""What the records routers share: id and filter parameters, the roles allowed, and
the API page of a domain page.

Roles (docs/api.md "Records", from the access policy ``matching.access``): persons and
assessments are read by counselors and graduate case workers (own county; case workers:
graduates and students only) and admins, and written by counselors (own
county) and admins; analysts and fair organisers get no person-level records. Employers,
vacancies and courses are read by every staff role; employers and vacancies are written by
admins and by counselors for their own county; courses (shared training bases) by admins.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Query

from matching import codes
from matching.access import ROLES_FOR, Act
from matching.records import (
    Page,
)
from serving.api.schemas.common import IdText, OneOf, PageOut

PERSON_READERS = ROLES_FOR[Act.READ]
PERSON_WRITERS = ROLES_FOR[Act.EDIT]
STAFF = ("admin", "counselor", "case_worker", "fair_organizer", "analyst")
CATALOG_WRITERS = ("counselor", "admin")
COURSE_WRITERS = ("admin",)
SEARCH_PATTERN = r"^[^\x00-\x1f\x7f]*$"


ForeignId = Annotated[IdText | None, Query()]
SearchText = Annotated[
    str | None,
    Query(max_length=50, pattern=SEARCH_PATTERN, description="contained in the text (literal)"),
]
OccupationGroup = Annotated[
    str | None,
    Query(
        pattern=r"^[1-8](-[0-9]{2}){0,3}$",
        description="occupation code (4-04-05-03) or group (4, 4-04, 4-04-05) of the 2022 "
        "classification",
    ),
]

County = Annotated[str, OneOf(codes.COUNTIES.codes)]
DisabilityCategory = Annotated[str, OneOf(codes.DISABILITY_CATEGORIES.codes)]
DisabilityLevel = Annotated[str, OneOf(codes.DISABILITY_LEVELS.codes)]
EmploymentStatus = Annotated[str, OneOf(codes.EMPLOYMENT_STATUSES.codes)]
Sex = Annotated[str, OneOf(codes.SEXES.codes)]
EmployerKind = Annotated[str, OneOf(codes.EMPLOYER_KINDS.codes)]
VacancyStatus = Annotated[str, OneOf(codes.VACANCY_STATUSES.codes)]
VacancyChannel = Annotated[str, OneOf(codes.VACANCY_CHANNELS.codes)]
WorkMode = Annotated[str, OneOf(codes.WORK_MODES.codes)]
CourseStatus = Annotated[str, OneOf(codes.COURSE_STATUSES.codes)]


def page_out(found: Page[Any], record: type[R]) -> PageOut[R]:
    """The API page of a domain page, each row made into its API model."""
    items = [record.of(row) for row in found.items]
    return PageOut[record](  # type: ignore[valid-type]
        total=found.total, page=found.page, page_size=found.page_size, items=items
    )


class RecordOut(Protocol):
    """An API model made from a stored row (``PersonRecord.of(person)``)."""

    @classmethod
    def of(cls, row: Any) -> Any: ...


R = TypeVar("R", bound=RecordOut)
