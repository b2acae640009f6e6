"""What the records routers share: the caller's scope, sessions, paging and id parameters,
filter types, the roles allowed, and a route class that answers record errors in Chinese too.

Roles (docs/api.md "Records", from the access policy ``matching.access``): persons and
assessments are read by counselors and graduate case workers (own county; case workers:
graduates and students only) and admins, and written by counselors (own
county) and admins; analysts and fair organisers get no person-level records. Employers,
vacancies and courses are read by every staff role; employers and vacancies are written by
admins and by counselors for their own county; courses (shared training bases) by admins.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from matching import codes
from matching.access import ROLES_FOR, Act
from matching.records import (
    OutOfCounty,
    Page,
    RecordConflict,
    RecordNotFound,
)
from matching.settings import Settings
from serving.auth_audit import audit_refusal, token_username
from serving.errors import status_for
from serving.routers.allow_route import AllowRoute
from serving.schemas.common import IdText, OneOf, PageOut
from serving.security import ALGORITHM

PERSON_READERS = ROLES_FOR[Act.READ]
PERSON_WRITERS = ROLES_FOR[Act.EDIT]
STAFF = ("admin", "counselor", "case_worker", "fair_organizer", "analyst")
CATALOG_WRITERS = ("counselor", "admin")
COURSE_WRITERS = ("admin",)
SEARCH_PATTERN = r"^[^\x00-\x1f\x7f]*$"

# The error names of matching.errors, which the one error body shape uses.
_ERROR_NAMES = {
    RecordNotFound: "NotFoundError",
    RecordConflict: "ConflictError",
    OutOfCounty: "ForbiddenError",
}


class RecordRoute(AllowRoute):
    """Answers the record errors that carry a Chinese message with the usual body plus
    ``message_zh`` (the app-wide handler gives ``message_zh`` to validation errors only), and
    audits a write refused for its county like a refused role (``forbidden``); a wrong method
    is a 405 naming every method of the path (``AllowRoute``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (RecordNotFound, RecordConflict, OutOfCounty) as error:
                if isinstance(error, OutOfCounty):
                    await run_in_threadpool(
                        audit_refusal,
                        request,
                        action="forbidden",
                        status=403,
                        reason=str(error),
                        username=token_user(request),
                    )
                return JSONResponse(
                    status_code=status_for(error),
                    content={
                        "error": _ERROR_NAMES[type(error)],
                        "message": str(error),
                        "message_zh": error.message_zh,
                    },
                )

        return answer


def token_user(request: Request) -> str | None:
    """The username of the request's bearer token (already checked by the route)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    settings: Settings = request.app.state.settings
    return token_username(token, settings.signing_key(), ALGORITHM)


def get_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


Sessions = Annotated[sessionmaker[Session], Depends(get_sessions)]
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
