"""Referrals and their outcomes: create, read, move to the next stage, a person's list.

Who: counselors and case workers (their county, by the person's county), admins (all). A fair
organiser records contacts made at a fair (``source`` ``fair``) and nothing else: other sources
are refused (403, audited), and reading or updating referrals is for the person's counselors.
A referral of a person outside the caller's county is answered 404, exactly like a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path

from matching.access import ROLES_FOR, Act, Caller
from matching.errors import ForbiddenError
from matching.pages import DEFAULT_PAGE_SIZE
from matching.referral_flow import (
    StageChange,
    advance_referral,
    person_referrals,
    referral_view,
)
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.paging import PageNumber, PageSize
from serving.api.schemas.common import IdText, PersonId, error_responses
from serving.api.schemas.referrals import (
    REFERRAL_STATUS_TEXT,
    ReferralDetail,
    ReferralList,
    ReferralRequest,
    StageClose,
    StageRequest,
    referral_detail,
    referral_out,
)
from serving.api.security import require_roles
from serving.services.referrals import new_referral, record_referral

router = APIRouter(tags=["referrals"])
READERS = ROLES_FOR[Act.READ]
WRITERS = tuple(dict.fromkeys((*ROLES_FOR[Act.REFER], *ROLES_FOR[Act.FAIR])))
FAIR_ONLY_ZH = "招聘会组织者只能登记招聘会上的对接（来源为招聘会）"

Readers = Annotated[Caller, Depends(require_roles(*READERS))]
Writers = Annotated[Caller, Depends(require_roles(*WRITERS))]
ReferralId = Annotated[IdText, Path(description="referral id")]


@router.post(
    "/referrals",
    status_code=201,
    response_model=ReferralDetail,
    responses=error_responses(400, 401, 403, 404, 409, texts=REFERRAL_STATUS_TEXT),
)
def create(
    body: Annotated[ReferralRequest, Body()],
    caller: Writers,
    settings: SettingsDep,
    sessions: SessionsDep,
) -> ReferralDetail:
    """Refer a person to a vacancy or a course; the answer is the referral with its first event.

    Referrals a counselor takes from one recommendation list (``shown_rank`` and the list's
    ``model_version``) within two hours are kept as one list, as the rankers learn from lists.
    """
    if caller.role == "fair_organizer" and body.source != "fair":
        # The one error handler audits this refusal as it answers it.
        raise ForbiddenError(
            "a fair organiser records fair contacts only (source 'fair')", FAIR_ONLY_ZH
        )
    new = new_referral(body)
    with sessions.begin() as session:
        view, action = record_referral(session, new, caller, settings, datetime.now(UTC))
        return referral_detail(view).model_copy(update={"ledger_action_id": action})


@router.get(
    "/referrals/{referral_id}",
    response_model=ReferralDetail,
    responses=error_responses(401, 403, 404, texts=REFERRAL_STATUS_TEXT),
)
def read(sessions: SessionsDep, referral_id: ReferralId, caller: Readers) -> ReferralDetail:
    """One referral with every stage it reached."""
    with sessions() as session:
        return referral_detail(referral_view(session, referral_id, caller))


@router.post(
    "/referrals/{referral_id}/stage",
    response_model=ReferralDetail,
    responses=error_responses(400, 401, 403, 404, 409, texts=REFERRAL_STATUS_TEXT),
)
def change_stage(
    sessions: SessionsDep,
    referral_id: ReferralId,
    body: Annotated[StageRequest, Body()],
    caller: Readers,
) -> ReferralDetail:
    """Record the next stage (jobs: applied → interviewed → offered → hired → retained_6m;
    courses: enrolled → completed → employed_6m), or close it as ``refused`` / ``dropped`` with
    a refusal reason. One step at a time, never backwards; a 409 names the allowed next stages.
    """
    change = StageChange(
        stage=body.stage,
        refusal_reason=body.refusal_reason if isinstance(body, StageClose) else None,
        note=body.note,
    )
    with sessions.begin() as session:
        advance_referral(
            session,
            referral_id,
            change,
            caller,
            now=datetime.now(UTC),
        )
        return referral_detail(referral_view(session, referral_id, caller))


@router.get(
    "/persons/{person_id}/referrals",
    response_model=ReferralList,
    responses=error_responses(401, 403, 404, texts=REFERRAL_STATUS_TEXT),
)
def list_for_person(
    sessions: SessionsDep,
    person_id: PersonId,
    caller: Readers,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
) -> ReferralList:
    """A person's referrals, newest first (without their events)."""
    with sessions() as session:
        found = person_referrals(session, person_id, caller, page=page, page_size=page_size)
    return ReferralList(
        person_id=person_id,
        total=found.total,
        page=page,
        page_size=page_size,
        items=[referral_out(view) for view in found.items],
    )
