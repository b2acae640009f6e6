"""Referrals as a workflow: creating one, moving it through its stages, reading it back.

The rows written here are training data for the rankers, in the same shape as the synthetic
history (``matching.synth.history_jobs`` / ``history_courses``): see ``create`` and ``stages``.
"""

from matching.referral_flow.advance import StageChange, advance_referral, not_found_referral
from matching.referral_flow.create import (
    LIST_WINDOW,
    MIN_WORKING_AGE,
    NewReferral,
    create_referral,
)
from matching.referral_flow.reading import (
    EventView,
    ReferralView,
    person_referrals,
    referral_view,
)
from matching.referral_flow.stages import (
    CLOSING_STAGES,
    COURSE_NEXT,
    JOB_NEXT,
    Kind,
    allowed_next,
    check_transition,
    initial_stage,
    stage_label,
)

__all__ = [
    "CLOSING_STAGES",
    "COURSE_NEXT",
    "JOB_NEXT",
    "LIST_WINDOW",
    "MIN_WORKING_AGE",
    "EventView",
    "Kind",
    "NewReferral",
    "ReferralView",
    "StageChange",
    "advance_referral",
    "allowed_next",
    "check_transition",
    "create_referral",
    "initial_stage",
    "not_found_referral",
    "person_referrals",
    "referral_view",
    "stage_label",
]
