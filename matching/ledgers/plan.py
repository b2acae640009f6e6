"""The plan of a ledger: dated services (policy briefing, career guidance, job referral, skills
training or internship, public-welfare post as the last resort) that are then done or cancelled.

``plan_referral`` is the seam for point-to-point recommendations: when a graduate accepts a
recommended vacancy or course, the referral code creates the ``Referral`` and calls it with the
referral's id; the graduate's ledger (if any) gets a planned action linked to that referral.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import LEDGER_ACTION_STATUSES, LEDGER_SERVICES
from matching.errors import NotFoundError, ValidationError, conflict
from matching.ledgers.checks import check_day, check_text, plan_horizon
from matching.ledgers.queries import INT_MAX, load_ledger, parse_code
from matching.storage import Referral, append_audit
from matching.storage.ledgers import GraduateLedger, LedgerAction

__all__ = [
    "ACTION_FIELDS",
    "LAST_RESORT_SERVICE",
    "REFERRAL_LEAD_DAYS",
    "add_action",
    "plan_referral",
    "update_action",
]

NOTE_MAX = 500
LAST_RESORT_SERVICE = "public_welfare_post"
REFERRAL_LEAD_DAYS = 14  # default target: follow a referral up two weeks after it was made
ACTION_FIELDS = frozenset({"status", "done_on", "target_date", "note"})
# A referral to a vacancy serves a job referral or internship (or the last-resort post); one to
# a course serves skills training.
SERVICES_FOR_VACANCY = frozenset({"job_referral", "internship", LAST_RESORT_SERVICE})
SERVICES_FOR_COURSE = frozenset({"skills_training"})


def add_action(
    session: Session,
    caller: Caller,
    ledger_id: int,
    *,
    service: str,
    target_date: date,
    note: str | None = None,
    referral_id: int | None = None,
    today: date | None = None,
) -> LedgerAction:
    """Plan one service. The public-welfare post can only be planned for a graduate who left
    school without work (it is the fallback when the market channel fails)."""
    today = today or date.today()
    ledger = load_ledger(session, caller, ledger_id, for_update=True)
    code = parse_code(LEDGER_SERVICES, service, "service")
    if code == LAST_RESORT_SERVICE and ledger.status != "unemployed":
        raise conflict(
            "public_welfare_last_resort",
            "a public-welfare post can only be planned while the status is 'unemployed'",
            "公益性岗位兜底只适用于“离校未就业”的毕业生，请先通过市场渠道推荐就业",
            field="service",
        )
    action = LedgerAction(
        service=code,
        target_date=check_day(
            target_date, "target_date", "计划日期", today=today, latest=plan_horizon(today)
        ),
        status="planned",
        note=check_text(note, "note", "备注", NOTE_MAX),
        referral_id=_referral(session, ledger, referral_id, code),
        created_by=caller.user_id,
    )
    ledger.actions.append(action)
    session.flush()
    _audit(session, caller, "ledger_action_add", ledger, action)
    return action


def update_action(
    session: Session,
    caller: Caller,
    ledger_id: int,
    action_id: int,
    changes: Mapping[str, object],
    *,
    today: date | None = None,
) -> LedgerAction:
    """Mark a planned action done (``done_on`` defaults to today; giving ``done_on`` alone
    marks it done) or cancelled, move its target date, or change its note. Done and cancelled
    actions are final except for the note. None leaves a field as it is (the note: clears it)."""
    today = today or date.today()
    changes = {k: v for k, v in changes.items() if v is not None or k == "note"}
    unknown = sorted(set(changes) - ACTION_FIELDS)
    if unknown:
        raise ValidationError(
            "unknown_field",
            f"cannot change {', '.join(unknown)}; allowed: {', '.join(sorted(ACTION_FIELDS))}",
            "只能修改：状态、完成日期、计划日期、备注",
            field=unknown[0],
        )
    ledger = load_ledger(session, caller, ledger_id, for_update=True)
    action = next((a for a in ledger.actions if a.id == action_id), None)
    if action is None:
        raise NotFoundError(
            f"action {action_id} not found in ledger {ledger_id}",
            f"台账 {ledger_id} 中没有编号为 {action_id} 的服务计划",
        )
    status = _new_status(action, changes.get("status"))
    if changes.get("status") is None and changes.get("done_on") is not None:
        status = "done"  # a day it was done on means it was done
    if action.status != "planned" and (
        status != action.status or {"done_on", "target_date"} & set(changes)
    ):
        raise conflict(
            "action_closed",
            f"action {action_id} is already {action.status}; only its note can change",
            f"该服务计划已{LEDGER_ACTION_STATUSES.label(action.status)}，只能修改备注",
            field="status",
        )
    if "target_date" in changes:
        action.target_date = check_day(
            _date(changes["target_date"], "target_date", "计划日期"),
            "target_date",
            "计划日期",
            today=today,
            latest=plan_horizon(today),
        )
    if "note" in changes:
        action.note = check_text(changes["note"], "note", "备注", NOTE_MAX)
    if status == "done" and action.status == "planned":
        raw = changes.get("done_on")
        done_on = today if raw is None else _date(raw, "done_on", "完成日期")
        action.done_on = check_day(done_on, "done_on", "完成日期", today=today)
    elif "done_on" in changes and changes["done_on"] is not None:
        raise conflict(
            "done_on_without_done",
            "done_on can only be given when the action is marked done",
            "只有标记为“已完成”时才能填写完成日期",
            field="done_on",
        )
    action.status = status
    session.flush()
    _audit(session, caller, "ledger_action_update", ledger, action)
    return action


def plan_referral(
    session: Session,
    caller: Caller,
    referral_id: int,
    *,
    target_date: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> LedgerAction | None:
    """Add the planned action for an accepted recommendation (the ``Referral`` exists already):
    a job referral for a vacancy, skills training for a course, due ``REFERRAL_LEAD_DAYS`` after
    today unless given. None when the referred person has no ledger."""
    today = today or date.today()
    referral = session.get(Referral, referral_id) if 1 <= referral_id <= INT_MAX else None
    if referral is None:
        raise NotFoundError(
            f"referral {referral_id} not found", f"未找到编号为 {referral_id} 的推荐记录"
        )
    ledger_id = session.scalar(
        select(GraduateLedger.id).where(GraduateLedger.person_id == referral.person_id)
    )
    if ledger_id is None:
        return None
    service = "job_referral" if referral.vacancy_id is not None else "skills_training"
    return add_action(
        session,
        caller,
        ledger_id,
        service=service,
        target_date=target_date or today + timedelta(days=REFERRAL_LEAD_DAYS),
        note=note,
        referral_id=referral_id,
        today=today,
    )


def _referral(
    session: Session, ledger: GraduateLedger, referral_id: int | None, service: str
) -> int | None:
    if referral_id is None:
        return None
    referral = session.get(Referral, referral_id) if 1 <= referral_id <= INT_MAX else None
    if referral is None or referral.person_id != ledger.person_id:
        raise conflict(
            "unknown_referral",
            f"referral {referral_id} does not exist or is not of this ledger's person",
            "所选推荐记录不存在，或不属于该毕业生",
            field="referral_id",
        )
    allowed = SERVICES_FOR_VACANCY if referral.vacancy_id is not None else SERVICES_FOR_COURSE
    if service not in allowed:
        allowed_zh = "、".join(
            LEDGER_SERVICES.label(c) for c in LEDGER_SERVICES.codes if c in allowed
        )
        raise conflict(
            "referral_service_mismatch",
            f"a referral to a {'vacancy' if referral.vacancy_id else 'course'} fits services "
            f"{', '.join(sorted(allowed))}, not {service!r}",
            f"该推荐记录只能对应以下服务项目：{allowed_zh}",
            field="service",
        )
    taken = session.scalar(select(LedgerAction.id).where(LedgerAction.referral_id == referral_id))
    if taken is not None:
        raise conflict(
            "referral_planned",
            f"referral {referral_id} is already planned as action {taken}",
            f"该推荐记录已列入服务计划（编号 {taken}）",
            field="referral_id",
        )
    return referral.id


def _new_status(action: LedgerAction, value: object) -> str:
    if value is None:
        return action.status
    if not isinstance(value, str):
        raise ValidationError("wrong_type", "status must be text", "状态格式不正确", "status")
    status = parse_code(LEDGER_ACTION_STATUSES, value, "status")
    if status == "planned" and action.status != "planned":
        raise conflict(
            "action_closed",
            f"action {action.id} is {action.status}; it cannot be planned again",
            f"该服务计划已{LEDGER_ACTION_STATUSES.label(action.status)}，不能改回“计划中”",
            field="status",
        )
    return status


def _date(value: object, field: str, zh: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(
        "bad_date", f"{field} must be a date (YYYY-MM-DD)", f"{zh}格式应为 年-月-日", field
    )


def _audit(
    session: Session, caller: Caller, action_name: str, ledger: GraduateLedger, item: LedgerAction
) -> None:
    append_audit(
        session,
        actor=caller.username,
        action=action_name,
        entity="graduate_ledger",
        entity_id=str(ledger.id),
        detail={"action_id": item.id, "service": item.service, "status": item.status},
    )
