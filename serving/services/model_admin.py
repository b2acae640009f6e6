"""Promoting a challenger and rolling back, with the audit: what ``jobmatch promote`` /
``jobmatch rollback`` and the admin's buttons on the models page both call, so the gate, the
alias moves and the audit lines are the same whoever asks."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from features.context import FeatureContext
from matching.storage import append_audit
from training.kinds import Kind
from training.promotion import GateResult, promote, rollback
from training.registry import judge, model_name
from training.tracking import Tracking

Writing = Callable[[], AbstractContextManager[Session]]  # a sessionmaker's ``begin``


def promote_challenger(
    tracking: Tracking,
    kind: Kind,
    context: FeatureContext,
    writing: Writing,
    *,
    actor: str,
    version: str | None = None,
) -> GateResult:
    """Judge ``version`` (default: the challenger) with the gate, record the checks on it, move
    'champion' to it when it passes; audited either way (``promote`` / ``promotion_refused``)."""
    result = judge(tracking, kind, context, version)
    if result.passed:
        promote(tracking, result)
        detail: dict[str, object] = {"version": result.candidate, "previous": result.champion}
        action = "promote"
    else:
        detail, action = {"version": result.candidate}, "promotion_refused"
    with writing() as session:
        append_audit(session, actor=actor, action=action, entity=result.model, detail=detail)
    return result


def roll_back(tracking: Tracking, kind: Kind, writing: Writing, *, actor: str) -> tuple[str, str]:
    """Swap 'champion' and 'previous-champion' (audited); ``LookupError`` when there is no
    previous champion. Returns (from version, to version)."""
    model = model_name(kind)
    old, new = rollback(tracking, model)
    with writing() as session:
        append_audit(
            session, actor=actor, action="rollback", entity=model, detail={"from": old, "to": new}
        )
    return old, new
