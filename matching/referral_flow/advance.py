"""Moving a referral to its next stage: one validated step, one event with its time and user.

The event's time is the moment the system learns of the outcome, not a date the caller claims:
point-in-time features may only use what was known at a moment, and a back-dated event would
leak an outcome into features of moments before it was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.codes import REFUSAL_REASONS
from matching.errors import NotFoundError, ValidationError, conflict
from matching.referral_flow.stages import (
    CLOSING_STAGES,
    Kind,
    check_transition,
)
from matching.storage import Person, Referral, ReferralEvent
from matching.validators import mask_sensitive

__all__ = ["RETENTION", "StageChange", "advance_referral", "as_utc", "not_found_referral"]

RETENTION = timedelta(days=182)  # "在岗满6个月": six months after the hire


@dataclass(frozen=True, slots=True)
class StageChange:
    stage: str
    refusal_reason: str | None = None
    note: str | None = None


def not_found_referral(referral_id: int) -> NotFoundError:
    """The one answer for a missing referral and for one of a person the caller cannot see."""
    return NotFoundError(f"referral {referral_id} not found in your county")


def as_utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite gives them back without a zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def kind_of(referral: Referral) -> Kind:
    return "job" if referral.vacancy_id is not None else "course"


def visible_referral(
    session: Session, referral_id: int, caller: Caller, act: Act, *, lock: bool = False
) -> Referral:
    """The referral if the caller may do ``act`` to its person (403 for a role that may not do
    it at all); ``NotFoundError`` otherwise, as for a missing one."""
    caller.require_act(act)
    query = select(Referral).where(Referral.id == referral_id)
    referral = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if referral is None or not caller.reaches(session.get_one(Person, referral.person_id)):
        raise not_found_referral(referral_id)
    return referral


def advance_referral(
    session: Session,
    referral_id: int,
    change: StageChange,
    caller: Caller,
    *,
    now: datetime,
) -> Referral:
    """Move the referral to ``change.stage`` and append the event (flushed, not committed).

    The row is locked (PostgreSQL) so two concurrent updates cannot both pass the check.
    Raises ``NotFoundError`` (missing or out of scope), ``ValidationError`` (refusal reason
    missing, unknown or given for a stage that does not close) or ``ConflictError`` (the
    stage may not follow the current one, or six months have not passed since the hire).
    """
    referral = visible_referral(session, referral_id, caller, Act.REFER, lock=True)
    kind = kind_of(referral)
    check_transition(referral.id, kind, referral.stage, change.stage)
    _check_reason(change)
    if change.stage == "retained_6m":
        _check_retention(session, referral.id, now)
    closing = change.stage in CLOSING_STAGES
    referral.stage = change.stage
    referral.refusal_reason = change.refusal_reason if closing else None
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            stage=change.stage,
            at=now,
            refusal_reason=change.refusal_reason if closing else None,
            note=mask_sensitive(change.note) if change.note else None,
            recorded_by=caller.user_id,
        )
    )
    session.flush()
    return referral


def _check_reason(change: StageChange) -> None:
    closing = change.stage in CLOSING_STAGES
    if closing and change.refusal_reason not in REFUSAL_REASONS:
        allowed = ", ".join(REFUSAL_REASONS.codes)
        allowed_zh = "、".join(item.zh for item in REFUSAL_REASONS)
        raise ValidationError(
            "refusal_reason",
            f"stage {change.stage!r} needs a refusal_reason from: {allowed}",
            f"结束推荐须选择未成功原因：{allowed_zh}",
            field="refusal_reason",
        )
    if not closing and change.refusal_reason is not None:
        raise ValidationError(
            "refusal_reason",
            f"a refusal_reason belongs only to the closing stages {sorted(CLOSING_STAGES)}",
            "只有“未成功”或“中途退出”才填写原因",
            field="refusal_reason",
        )


def _check_retention(session: Session, referral_id: int, now: datetime) -> None:
    hired = session.scalars(
        select(ReferralEvent.at).where(
            ReferralEvent.referral_id == referral_id, ReferralEvent.stage == "hired"
        )
    ).first()
    if hired is None:  # a hire from before events were kept: nothing to measure from
        return
    due = as_utc(hired) + RETENTION
    if now < due:
        raise conflict(
            "too_early",
            f"retained_6m can be recorded from {due.date()} (six months after the hire on "
            f"{as_utc(hired).date()})",
            f"入职满6个月后（{due.date()}起）才能登记“在岗满6个月”",
        )
