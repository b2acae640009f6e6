"""The cross-county conflict queue under /api/person-conflicts (admins only).

A counselor who registers a person already registered in another county gets the answer a new
person gets, and the pair lands here (``matching.person_conflicts``): an admin sees both records
side by side (numbers masked, counties, registration dates, how much history each has) and
resolves the pair: ``transfer`` (the person moved: the existing record, with its history, moves
to the new county and takes over the new record's rows) or ``dismiss`` (the new registration
was a mistake and is deleted; 409 while anything refers to it). Other roles get 403, audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from matching.access import CONFLICT_ROLES, Caller
from matching.pages import DEFAULT_PAGE_SIZE
from matching.person_conflicts.queue import ConflictView, PersonSide, list_conflicts
from matching.person_conflicts.resolve import resolve_conflict
from serving.api.deps import SessionsDep
from serving.api.paging import PageNumber, PageSize
from serving.api.schemas.common import IdText, PageOut, error_responses
from serving.api.security import require_roles

router = APIRouter(tags=["person conflicts"])
Admin = Annotated[Caller, Depends(require_roles(*CONFLICT_ROLES))]
ConflictId = Annotated[IdText, Path(description="person conflict id")]
Status = Literal["open", "transferred", "dismissed", "superseded"]


class PersonSideOut(BaseModel):
    """One record of the pair; ``counts`` of the rows that refer to it (assessments, referrals,
    ledgers, fair_registrations)."""

    id: int
    name: str
    id_number: str = Field(description="masked")
    certificate_number: str | None = Field(description="masked")
    county: str
    registered_on: date
    created_at: datetime
    counts: dict[str, int]

    @classmethod
    def of(cls, side: PersonSide | None) -> PersonSideOut | None:
        return None if side is None else cls(**side.__dict__)


class ConflictOut(BaseModel):
    """``new`` was registered (or changed) by ``detected_by`` while ``existing`` held the same
    number (``kind``) in another county; a side is null once its record was deleted."""

    id: int
    kind: Literal["same_id_number", "same_certificate"]
    status: Status
    detected_at: datetime
    detected_by: str
    resolved_by: str | None
    resolved_at: datetime | None
    note: str | None
    new: PersonSideOut | None
    existing: PersonSideOut | None

    @classmethod
    def of(cls, view: ConflictView) -> ConflictOut:
        return cls(
            **{
                key: value for key, value in view.__dict__.items() if key not in ("new", "existing")
            },
            new=PersonSideOut.of(view.new),
            existing=PersonSideOut.of(view.existing),
        )


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["transfer", "dismiss"] = Field(
        description="transfer: the person moved (keep the existing record, move it to the new "
        "county with the new record's rows); dismiss: delete the mistaken new record"
    )
    note: str | None = Field(default=None, max_length=500, pattern=r"^[^\x00]*$")


class ResolveOut(BaseModel):
    id: int
    status: Status
    kept_person_id: int = Field(description="the person record that stands")


@router.get(
    "/person-conflicts",
    response_model=PageOut[ConflictOut],
    responses=error_responses(401, 403, 422),
)
def get_conflicts(
    caller: Admin,
    sessions: SessionsDep,
    status: Annotated[Status | None, Query(description="default: open")] = "open",
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
) -> PageOut[ConflictOut]:
    """Persons registered in two counties, oldest first, both records side by side."""
    with sessions() as session:
        found = list_conflicts(session, caller, status=status, page=page, page_size=page_size)
        return PageOut[ConflictOut](
            total=found.total,
            page=found.page,
            page_size=found.page_size,
            items=[ConflictOut.of(view) for view in found.items],
        )


@router.post(
    "/person-conflicts/{conflict_id}/resolve",
    response_model=ResolveOut,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def resolve(
    conflict_id: ConflictId, body: ResolveRequest, caller: Admin, sessions: SessionsDep
) -> ResolveOut:
    """Transfer or dismiss an open conflict (audited as ``person_conflict_resolved``)."""
    with sessions.begin() as session:
        conflict = resolve_conflict(
            session, conflict_id, body.action, caller=caller, note=body.note
        )
        assert conflict.existing_person_id is not None
        return ResolveOut(
            id=conflict.id,
            status=conflict.status,
            kept_person_id=conflict.existing_person_id,
        )
