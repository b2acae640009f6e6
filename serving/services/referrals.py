"""Recording a referral the way every door records it (the API's POST /api/referrals and the
pages' 推荐 button): the domain's ``create_referral``, then, for a line accepted from a
recommendation list, the follow-up it plans in the graduate's 一人一策 ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from matching.access import Caller
from matching.ledgers import plan_referral
from matching.referral_flow import NewReferral, ReferralView, create_referral, referral_view
from matching.settings import Settings
from serving.api.schemas.referrals import ReferralRequest

__all__ = ["accept_into_ledger", "new_referral", "record_referral"]


def new_referral(body: ReferralRequest) -> NewReferral:
    """The domain's request; the fields a shape lacks are empty."""
    return NewReferral(
        person_id=body.person_id,
        source=body.source,
        vacancy_id=getattr(body, "vacancy_id", None),
        course_id=getattr(body, "course_id", None),
        shown_rank=getattr(body, "shown_rank", None),
        model_version=getattr(body, "model_version", None),
        fair_id=getattr(body, "fair_id", None),
        note=body.note,
    )


def record_referral(
    session: Session, new: NewReferral, caller: Caller, settings: Settings, now: datetime
) -> tuple[ReferralView, int | None]:
    """The new referral (with its first event) and the ledger action it planned, if any."""
    referral = create_referral(session, new, caller, now=now, min_age=settings.working_age_min)
    action = accept_into_ledger(session, caller, referral.shown_rank, referral.id)
    return referral_view(session, referral.id, caller, new.act), action


def accept_into_ledger(
    session: Session, caller: Caller, shown_rank: int | None, referral_id: int
) -> int | None:
    """Accepting a line of a recommendation list for a graduate with a 一人一策 ledger also plans
    the follow-up in the ledger (job referral or skills training); the planned action's id."""
    if shown_rank is None or caller.role == "fair_organizer":
        return None
    action = plan_referral(session, caller, referral_id)
    return action.id if action is not None else None
