"""A referral and its stages, and the form that records the next stage (or closes it with a
refusal reason): the same request model and domain function as POST /api/referrals/{id}/stage,
with the stage and reason codes shown by their Chinese labels."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter
from pydantic import ValidationError as ModelError
from sqlalchemy.orm import Session, sessionmaker

from matching.access import Caller
from matching.codes import REFUSAL_REASONS
from matching.errors import ConflictError
from matching.referral_flow import (
    CLOSING_STAGES,
    StageChange,
    advance_referral,
    referral_view,
    stage_label,
)
from serving.api.deps import SessionsDep
from serving.api.schemas.common import RecordId
from serving.api.schemas.referrals import (
    ReferralDetail,
    StageClose,
    StageRequest,
    referral_detail,
)
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)
STAGE = TypeAdapter(StageRequest)
REASON_NEEDED_ZH = "结束推荐（未录用、放弃）时请选择原因"
STAGE_NEEDED_ZH = "请选择新的阶段"
NOTE_BAD_ZH = "备注不能超过500字，且不能含有控制字符"


def _detail(sessions: sessionmaker[Session], caller: Caller, referral_id: int) -> ReferralDetail:
    with sessions() as session:
        return referral_detail(referral_view(session, referral_id, caller))


def referral_page(
    request: Request,
    caller: Caller,
    detail: ReferralDetail,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    created: bool = False,
    saved: bool = False,
) -> Response:
    context: dict[str, Any] = {
        "r": detail,
        "next_stages": [(s, stage_label(detail.kind, s)) for s in detail.allowed_next],
        "closing": CLOSING_STAGES,
        "reasons": [(c, REFUSAL_REASONS.label(c)) for c in REFUSAL_REASONS.codes],
        "form": form or {},
        "errors": errors or {},
        "created": created,
        "saved": saved,
    }
    status = 422 if errors else 200
    return render(request, "referral.html", context, caller=caller, status_code=status)


@router.get("/referrals/{referral_id}")
def referral(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    referral_id: RecordId,
    created: bool = False,
    saved: bool = False,
) -> Response:
    detail = _detail(sessions, caller, referral_id)
    return referral_page(request, caller, detail, created=created, saved=saved)


@router.post("/referrals/{referral_id}/stage")
def change_stage(
    request: Request,
    caller: PageCaller,
    form: CheckedForm,
    sessions: SessionsDep,
    referral_id: RecordId,
) -> Response:
    """The next stage, checked by the API's request model and recorded by the domain's
    ``advance_referral``; a refused move is said next to its field."""
    body = {k: form[k] for k in ("stage", "refusal_reason", "note") if form.get(k, "").strip()}
    if body.get("stage") not in CLOSING_STAGES:
        body.pop("refusal_reason", None)  # a reason only closes a referral
    errors: dict[str, str] = {}
    try:
        parsed = STAGE.validate_python(body)
    except ModelError as error:
        fields = {str(e["loc"][-1]) if e["loc"] else "stage" for e in error.errors()}
        fields |= {str(loc) for e in error.errors() for loc in e["loc"]}
        if "note" in fields:
            errors["note"] = NOTE_BAD_ZH
        if "refusal_reason" in fields:
            errors["refusal_reason"] = REASON_NEEDED_ZH
        if not errors or "stage" not in body:
            errors = {"stage": STAGE_NEEDED_ZH, **errors}
    if errors:
        detail = _detail(sessions, caller, referral_id)
        return referral_page(request, caller, detail, form=form, errors=errors)
    change = StageChange(
        stage=parsed.stage,
        refusal_reason=parsed.refusal_reason if isinstance(parsed, StageClose) else None,
        note=parsed.note,
    )
    try:
        with sessions.begin() as session:
            advance_referral(session, referral_id, change, caller, now=datetime.now(UTC))
    except ConflictError as error:
        detail = _detail(sessions, caller, referral_id)
        errors = {"stage": error.message_zh}
        return referral_page(request, caller, detail, form=form, errors=errors)
    return RedirectResponse(f"/referrals/{referral_id}?saved=1", status_code=303)
