"""Follow-up contacts (跟踪服务记录): who contacted the graduate, when, how, what was done and
with what result. They keep graduates who left school followed (离校不断线)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import FOLLOWUP_CHANNELS
from matching.ledgers.checks import check_day, check_text
from matching.ledgers.queries import load_ledger, parse_code
from matching.storage import append_audit
from matching.storage.ledgers import LedgerFollowUp

__all__ = ["add_follow_up"]

TEXT_MAX = 500


def add_follow_up(
    session: Session,
    caller: Caller,
    ledger_id: int,
    *,
    contacted_on: date,
    channel: str,
    action: str,
    result: str | None = None,
    today: date | None = None,
) -> LedgerFollowUp:
    """Record a contact made by the caller (the counselor); the day may not be in the future."""
    today = today or date.today()
    ledger = load_ledger(session, caller, ledger_id)
    done = check_text(action, "action", "服务内容", TEXT_MAX, required=True)
    assert done is not None
    follow_up = LedgerFollowUp(
        contacted_on=check_day(contacted_on, "contacted_on", "联系日期", today=today),
        user_id=caller.user_id,
        channel=parse_code(FOLLOWUP_CHANNELS, channel, "channel"),
        action=done,
        result=check_text(result, "result", "联系结果", TEXT_MAX),
    )
    ledger.follow_ups.append(follow_up)
    session.flush()
    append_audit(
        session,
        actor=caller.username,
        action="ledger_follow_up",
        entity="graduate_ledger",
        entity_id=str(ledger.id),
        detail={"follow_up_id": follow_up.id, "channel": follow_up.channel},
    )
    return follow_up
