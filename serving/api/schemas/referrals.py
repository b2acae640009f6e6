"""Request and answer models of the referral routes (separate from storage rows and domain views).

The request models carry every rule that does not depend on stored state, so that the OpenAPI
schema is exact: a body the schema accepts is refused only by what is stored (404, 409). A new
referral is one of four shapes, told apart by ``source`` and by whether it names a course; a
stage change either advances or closes (``refused`` / ``dropped``, with a refusal reason).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from matching.codes import REFERRAL_SOURCES, REFUSAL_REASONS, CodeList
from matching.referral_flow import EventView, ReferralView, stage_label
from serving.api.schemas.common import IdValue

# No control characters (PostgreSQL refuses NUL) but tabs and line breaks.
NOTE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

Note = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        pattern=NOTE_PATTERN,
        description="free text, kept with the event (ID numbers in it are masked)",
    ),
]
ShownRank = Annotated[
    int, Field(ge=1, le=100, description="position in the recommendation list shown, 1 = top")
]
ModelVersion = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        pattern=r"^[!-~]+$",
        description="the list's model_version, as the recommendations route gave it",
    ),
]
# These literals spell out code lists so the schema can enumerate them; tests/test_referrals.py
# checks they equal codes.REFUSAL_REASONS and the stages of matching.referral_flow.
AdvanceStage = Literal[
    "applied", "interviewed", "offered", "hired", "retained_6m", "enrolled", "completed",
    "employed_6m",
]  # fmt: skip
ClosingStage = Literal["refused", "dropped"]
RefusalReason = Literal[
    "skills", "accommodation_unavailable", "accessibility", "distance", "pay", "hours",
    "person_declined", "employer_declined", "health", "no_contact", "other",
]  # fmt: skip


class _NewReferral(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: IdValue
    note: Note | None = None


class CounselorJobReferral(_NewReferral):
    """A counselor refers the person to a vacancy (from a recommendation list when ranked)."""

    source: Literal["counselor"]
    vacancy_id: IdValue
    shown_rank: ShownRank | None = None
    model_version: ModelVersion | None = None


class CounselorCourseReferral(_NewReferral):
    """A counselor refers the person to a training course."""

    source: Literal["counselor"]
    course_id: IdValue
    shown_rank: ShownRank | None = None
    model_version: ModelVersion | None = None


class FairReferral(_NewReferral):
    """The person met a vacancy's employer at a recruitment fair (starts at ``applied``)."""

    source: Literal["fair"]
    vacancy_id: IdValue
    fair_id: IdValue


class SelfReferral(_NewReferral):
    """The person applied to a vacancy on their own (starts at ``applied``)."""

    source: Literal["self"]
    vacancy_id: IdValue


def _shape(value: Any) -> str | None:
    """Which of the four shapes a body claims to be (``None``: unknown source)."""
    if isinstance(value, dict):
        source, names_course = value.get("source"), "course_id" in value
    else:
        source, names_course = getattr(value, "source", None), hasattr(value, "course_id")
    if source == "counselor":
        return "counselor_course" if names_course else "counselor_job"
    return source if source in ("fair", "self") else None


ReferralRequest = Annotated[
    Annotated[CounselorJobReferral, Tag("counselor_job")]
    | Annotated[CounselorCourseReferral, Tag("counselor_course")]
    | Annotated[FairReferral, Tag("fair")]
    | Annotated[SelfReferral, Tag("self")],
    Discriminator(
        _shape,
        custom_error_type="referral_source",
        custom_error_message="source must be one of: counselor, fair, self",
    ),
]


class StageAdvance(BaseModel):
    """Move to the next stage of the referral's path."""

    model_config = ConfigDict(extra="forbid")

    stage: AdvanceStage
    note: Note | None = None


class StageClose(BaseModel):
    """End the referral without success: ``refused`` (jobs) or ``dropped`` (courses)."""

    model_config = ConfigDict(extra="forbid")

    stage: ClosingStage
    refusal_reason: RefusalReason
    note: Note | None = None


StageRequest = Annotated[StageAdvance | StageClose, Field(discriminator="stage")]


# What the error statuses mean on the referral routes (``error_responses(..., texts=...)``).
REFERRAL_STATUS_TEXT = {
    400: "the body cannot be parsed (not JSON or not UTF-8)",
    401: "not logged in, or the token is invalid or expired",
    403: "the role may not do this",
    404: "no such record in your county",
    409: "the stored state does not allow this (the message says what would)",
}


class EventOut(BaseModel):
    stage: str
    stage_zh: str
    at: datetime
    refusal_reason: str | None
    refusal_reason_zh: str | None
    note: str | None
    recorded_by: str | None


class ReferralOut(BaseModel):
    id: int
    person_id: int
    kind: Literal["job", "course"]
    vacancy_id: int | None
    course_id: int | None
    title: str | None
    source: str
    source_zh: str
    fair_id: int | None
    referred_by: str | None
    referred_at: datetime
    shown_rank: int | None
    model_version: str | None
    stage: str
    stage_zh: str
    refusal_reason: str | None
    refusal_reason_zh: str | None
    allowed_next: list[str] = Field(description="stages this referral may move to next")


class ReferralDetail(ReferralOut):
    events: list[EventOut] = Field(description="every stage reached, oldest first")
    ledger_action_id: int | None = Field(
        default=None,
        description="in the answer to POST /api/referrals: the action this accepted "
        "recommendation planned in the graduate's 一人一策 ledger, if the person has one",
    )


class ReferralList(BaseModel):
    person_id: int
    total: int
    page: int
    page_size: int
    items: list[ReferralOut]


def _label(codes: CodeList, code: str | None) -> str | None:
    if code is None:
        return None
    return codes.label(code) if code in codes else code


def referral_out(view: ReferralView) -> ReferralOut:
    return ReferralOut(
        id=view.id,
        person_id=view.person_id,
        kind=view.kind,
        vacancy_id=view.vacancy_id,
        course_id=view.course_id,
        title=view.title,
        source=view.source,
        source_zh=_label(REFERRAL_SOURCES, view.source) or view.source,
        fair_id=view.fair_id,
        referred_by=view.referred_by,
        referred_at=view.referred_at,
        shown_rank=view.shown_rank,
        model_version=view.model_version,
        stage=view.stage,
        stage_zh=stage_label(view.kind, view.stage),
        refusal_reason=view.refusal_reason,
        refusal_reason_zh=_label(REFUSAL_REASONS, view.refusal_reason),
        allowed_next=list(view.allowed_next),
    )


def event_out(view: ReferralView, event: EventView) -> EventOut:
    return EventOut(
        stage=event.stage,
        stage_zh=stage_label(view.kind, event.stage),
        at=event.at,
        refusal_reason=event.refusal_reason,
        refusal_reason_zh=_label(REFUSAL_REASONS, event.refusal_reason),
        note=event.note,
        recorded_by=event.recorded_by,
    )


def referral_detail(view: ReferralView) -> ReferralDetail:
    return ReferralDetail(
        **referral_out(view).model_dump(), events=[event_out(view, e) for e in view.events]
    )
