"""Status changes of a ledger: checked against ``matching.ledgers.transitions`` and kept as a
history (each change with its day and the user who recorded it).

Besides the table, a move to 公益性岗位 needs at least one job referral carried out (a done
岗位推荐 action): the post is the fallback after the market channel was tried. Days never go
backwards: a change cannot be dated before the previous one, nor in the future.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import GRADUATE_STATUSES
from matching.errors import conflict
from matching.ledgers.checks import EARLIEST_DAY, check_day, check_text
from matching.ledgers.queries import load_ledger, parse_code
from matching.ledgers.transitions import LAST_RESORT, check_move
from matching.storage import append_audit
from matching.storage.ledgers import GraduateLedger, LedgerStatusChange

__all__ = ["change_status", "market_tried"]

NOTE_MAX = 500


def change_status(
    session: Session,
    caller: Caller,
    ledger_id: int,
    *,
    status: str,
    changed_on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> LedgerStatusChange:
    """Move the ledger to ``status`` (any accepted spelling), recording who and when."""
    today = today or date.today()
    ledger = load_ledger(session, caller, ledger_id, for_update=True)
    new = parse_code(GRADUATE_STATUSES, status, "status")
    check_move(ledger.status, new)
    if new == LAST_RESORT and not market_tried(ledger):
        raise conflict(
            "public_welfare_last_resort",
            "a public-welfare post needs at least one job referral done first",
            "公益性岗位是兜底安置：请先为该毕业生完成至少一次岗位推荐（服务计划中“岗位推荐”已完成）",
            field="status",
        )
    previous = max((c.changed_on for c in ledger.status_changes), default=EARLIEST_DAY)
    day = check_day(changed_on or today, "changed_on", "变更日期", today=today, earliest=previous)
    change = LedgerStatusChange(
        from_status=ledger.status,
        to_status=new,
        changed_on=day,
        user_id=caller.user_id,
        note=check_text(note, "note", "备注", NOTE_MAX),
    )
    ledger.status_changes.append(change)
    ledger.status = new
    session.flush()
    append_audit(
        session,
        actor=caller.username,
        action="ledger_status",
        entity="graduate_ledger",
        entity_id=str(ledger.id),
        detail={"from": change.from_status, "to": new, "on": day.isoformat()},
    )
    return change


def market_tried(ledger: GraduateLedger) -> bool:
    """Whether a job referral of the plan was carried out."""
    return any(a.service == "job_referral" and a.status == "done" for a in ledger.actions)
