"""The forms of a ledger page: add a follow-up, plan a service, move the status.

Each form posts to its own path and calls the domain function the API route calls
(``matching.ledgers``). A value the domain refuses — a day in the future, an empty action, a
status move the transition table does not allow, a public-welfare post planned too early — comes
back on the ledger page next to its field, in the domain's Chinese words; nothing is written.
Input names carry the form's prefix (``fu_``, ``plan_``, ``st_``) so one page holds all three.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from matching import ledgers
from matching.access import Act, Caller
from matching.codes import FOLLOWUP_CHANNELS, GRADUATE_STATUSES, LEDGER_SERVICES
from matching.errors import ConflictError, ValidationError
from serving.api.deps import SessionsDep
from serving.api.routers.ledger_support import writing
from serving.api.schemas.common import RecordId
from serving.api.schemas.ledgers import LedgerDetail, ledger_detail
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)
SAVED_ZH = {
    "opened": "台账已建立。",
    "follow_up": "跟踪记录已保存。",
    "plan": "服务计划已保存。",
    "status": "状态已变更。",
}
DAY_ZH = "请按“年-月-日”填写日期，例如 2026-03-05"
# form → (prefix, the fields it sends, the field a refusal without one belongs to)
FORMS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "follow_up": ("fu_", ("contacted_on", "channel", "action", "result"), "action"),
    "plan": ("plan_", ("service", "target_date", "note"), "service"),
    "status": ("st_", ("status", "changed_on", "note"), "status"),
}


def ledger_page_context(
    detail: LedgerDetail, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    """What ``ledger.html`` shows: the ledger (masked) and the choices of its forms."""
    moves = [(code, GRADUATE_STATUSES.label(code)) for code in detail.allowed_next_statuses]
    return {
        "ledger": detail,
        "channels": [(c.code, c.zh) for c in FOLLOWUP_CHANNELS],
        "services": [(c.code, c.zh) for c in LEDGER_SERVICES],
        "moves": moves,
        "values": values or {},
        "errors": errors or {},
        "today_iso": date.today().isoformat(),
        "saved_zh": SAVED_ZH,
    }


def day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("bad_day", f"{field} must be YYYY-MM-DD", DAY_ZH, field) from None


def day_or_none(text: str, field: str) -> date | None:
    return day(text, field) if text.strip() else None


def blank_none(text: str) -> str | None:
    return text if text.strip() else None


Write = Callable[[Session, Caller, int, dict[str, str]], object]


def follow_up(session: Session, caller: Caller, ledger_id: int, form: dict[str, str]) -> object:
    return ledgers.add_follow_up(
        session,
        caller,
        ledger_id,
        contacted_on=day(form["contacted_on"], "contacted_on"),
        channel=form["channel"],
        action=form["action"],
        result=blank_none(form["result"]),
    )


def plan(session: Session, caller: Caller, ledger_id: int, form: dict[str, str]) -> object:
    return ledgers.add_action(
        session,
        caller,
        ledger_id,
        service=form["service"],
        target_date=day(form["target_date"], "target_date"),
        note=blank_none(form["note"]),
    )


def move(session: Session, caller: Caller, ledger_id: int, form: dict[str, str]) -> object:
    return ledgers.change_status(
        session,
        caller,
        ledger_id,
        status=form["status"],
        changed_on=day_or_none(form["changed_on"], "changed_on"),
        note=blank_none(form["note"]),
    )


WRITES: dict[str, Write] = {"follow_up": follow_up, "plan": plan, "status": move}


def submit(
    request: Request,
    sessions: sessionmaker[Session],
    caller: Caller,
    ledger_id: int,
    name: str,
    form: dict[str, str],
) -> Response:
    """Write through the domain and go back to the ledger page; a refusal is shown next to
    its field on the page (status 422 for a malformed value, 409 for one the state refuses)."""
    caller.require_act(Act.LEDGER)
    prefix, fields, fallback = FORMS[name]
    sent = {field: form.get(prefix + field, "")[:2000] for field in fields}
    try:
        with writing(sessions) as session:
            WRITES[name](session, caller, ledger_id, sent)
    except (ValidationError, ConflictError) as error:
        field = error.field if error.field in fields else fallback
        status = 422 if isinstance(error, ValidationError) else 409
        with sessions() as session:
            detail = ledger_detail(
                ledgers.ledger_view(session, ledgers.get_ledger(session, caller, ledger_id))
            )
        values = {prefix + key: value for key, value in sent.items()}
        context = ledger_page_context(detail, values, {prefix + field: error.message_zh})
        context["saved"] = ""
        return render(request, "ledger.html", context, caller=caller, status_code=status)
    return RedirectResponse(f"/ledgers/{ledger_id}?saved={name}", status_code=303)


@router.post("/ledgers/{ledger_id}/follow-ups")
def add_follow_up(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    ledger_id: RecordId,
    form: CheckedForm,
) -> Response:
    return submit(request, sessions, caller, ledger_id, "follow_up", form)


@router.post("/ledgers/{ledger_id}/actions")
def add_action(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    ledger_id: RecordId,
    form: CheckedForm,
) -> Response:
    return submit(request, sessions, caller, ledger_id, "plan", form)


@router.post("/ledgers/{ledger_id}/status")
def change_status(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    ledger_id: RecordId,
    form: CheckedForm,
) -> Response:
    return submit(request, sessions, caller, ledger_id, "status", form)
