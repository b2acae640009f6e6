"""Resolve a queued pair: ``transfer`` (the person moved) or ``dismiss`` (a mistaken entry).

- **transfer** keeps the existing record, the one with the history, and moves it to the county
  of the new registration: every row referring to the new record (``queue.DEPENDENTS``:
  assessments, referrals with their events, the ledger, fair registrations) is re-pointed to
  it, the profile fields the counselor filled in are copied onto it (they are the newer facts:
  where the person lives now, phone, status, education, preferences; an empty field does not
  erase a stored one, and a graduate stays a graduate), the earlier registration date is kept,
  and the new record is deleted. The kept record's ledger moves county with it. Refused (409)
  when both records have a ledger, or an assessment on the same day: someone must decide which
  one stands. Fair pre-match results already computed keep the old person id (a snapshot).
- **dismiss** deletes the new record, allowed only while nothing refers to it (409 otherwise:
  a record with history is a transfer, not a mistake).

Other open conflicts naming the deleted record follow the kept one (or are closed as
``superseded``). Each resolution is audited as ``person_conflict_resolved`` (ids, counties,
counts, field names and the note, masked; never a number).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.errors import ConflictError, NotFoundError, ValidationError
from matching.person_conflicts.queue import DEPENDENTS, dependent_counts
from matching.storage import (
    Assessment,
    FairCandidate,
    GraduateLedger,
    Person,
    PersonConflict,
    append_audit,
)
from matching.validators import mask_sensitive

ACTIONS = ("transfer", "dismiss")
PROFILE = (
    "name", "certificate_number", "disability_category", "disability_level", "hukou",
    "education", "employment_status", "phone", "school", "major", "graduation_year",
    "expected_pay_min", "preferred_hours_per_day", "preferred_work_modes", "commute_km",
    "latitude", "longitude",
)  # fmt: skip
"""Fields a transfer copies from the new registration when it has a value."""
STATUS_ZH = {"transferred": "已转移", "dismissed": "已撤销", "superseded": "已合并"}


def resolve_conflict(
    session: Session, conflict_id: int, action: str, *, caller: Caller, note: str | None = None
) -> PersonConflict:
    caller.require_conflict_queue()
    if action not in ACTIONS:
        raise ValidationError(
            "unknown_action",
            f"action must be one of {', '.join(ACTIONS)}, got {action[:20]!r}",
            "处理方式应为：transfer（转移）或 dismiss（撤销新登记）",
            field="action",
        )
    conflict = session.get(PersonConflict, conflict_id, with_for_update=True)
    if conflict is None:
        raise NotFoundError(
            f"person conflict {conflict_id} not found", f"未找到编号为{conflict_id}的跨县冲突记录"
        )
    if conflict.status != "open":
        raise ConflictError(
            f"person conflict {conflict_id} is already {conflict.status}",
            f"该冲突已处理（{STATUS_ZH.get(conflict.status, conflict.status)}），不能再次处理",
        )
    new = session.get(Person, conflict.new_person_id) if conflict.new_person_id else None
    kept = session.get(Person, conflict.existing_person_id) if conflict.existing_person_id else None
    if new is None or kept is None:  # not reached: deleting a person settles its conflicts
        raise ConflictError(
            "a person of this conflict no longer exists", "冲突中的人员记录已不存在"
        )
    if action == "transfer":
        follow(session, conflict, removed=new.id, kept=kept.id, actor=caller.username)
        detail = transfer(session, new, kept)
    else:
        detail = dismissible(session, new)
        follow(session, conflict, removed=new.id, kept=None, actor=caller.username)
        session.execute(delete(Person).where(Person.id == new.id))
    removed_id = new.id
    session.expunge(new)
    conflict.new_person_id = None  # as the database's ON DELETE SET NULL has made it
    conflict.status = "transferred" if action == "transfer" else "dismissed"
    conflict.resolved_by = caller.username
    conflict.resolved_at = datetime.now(UTC)
    conflict.note = mask_sensitive(note)[:500] if note else None
    session.flush()
    append_audit(
        session,
        actor=caller.username,
        action="person_conflict_resolved",
        entity="person_conflict",
        entity_id=str(conflict.id),
        detail={
            "action": action,
            "removed_person_id": removed_id,
            "kept_person_id": kept.id,
            "note": conflict.note,
            **detail,
        },
    )
    return conflict


def transfer(session: Session, new: Person, kept: Person) -> dict[str, Any]:
    """Move ``kept`` to ``new``'s county with everything of ``new``, and delete ``new``."""
    counts = dependent_counts(session, [new.id, kept.id])
    if counts[new.id]["ledgers"] and counts[kept.id]["ledgers"]:
        raise ConflictError(
            "both records have a graduate ledger",
            "两条记录都有一人一策台账，请先关闭其中一份台账或联系县区核实后再转移",
        )
    both_days = set(
        session.scalars(select(Assessment.assessed_on).where(Assessment.person_id == new.id))
    ) & set(session.scalars(select(Assessment.assessed_on).where(Assessment.person_id == kept.id)))
    if both_days:
        raise ConflictError(
            "both records have an assessment on the same day",
            "两条记录在同一天都有职业能力评估（"
            + "、".join(day.isoformat() for day in sorted(both_days))
            + "），请先修改其中一条的评估日期后再转移",
        )
    kept_fairs = select(FairCandidate.fair_id).where(FairCandidate.person_id == kept.id)
    session.execute(
        delete(FairCandidate).where(
            FairCandidate.person_id == new.id, FairCandidate.fair_id.in_(kept_fairs)
        )
    )
    for column in DEPENDENTS.values():
        session.execute(update(column.class_).where(column == new.id).values({column.key: kept.id}))
    session.execute(
        update(GraduateLedger).where(GraduateLedger.person_id == kept.id).values(county=new.county)
    )
    copied = [key for key in PROFILE if getattr(new, key) not in (None, [], "")]
    values = {key: getattr(new, key) for key in copied}
    values |= {
        "county": new.county,
        "registered_on": min(new.registered_on, kept.registered_on),
        "is_graduate": kept.is_graduate or new.is_graduate,
    }
    from_county = kept.county
    session.execute(delete(Person).where(Person.id == new.id))  # its keys free up for ``kept``
    for key, value in values.items():
        setattr(kept, key, value)
    session.flush()
    return {
        "from_county": from_county,
        "to_county": new.county,
        "moved": {name: counts[new.id][name] for name in DEPENDENTS},
        "fields": sorted(copied),
    }


def dismissible(session: Session, new: Person) -> dict[str, Any]:
    """Refuse (409) to dismiss ``new`` while anything refers to it."""
    counts = dependent_counts(session, [new.id])[new.id]
    if any(counts.values()):
        raise ConflictError(
            f"the new record has dependent rows: {counts}",
            "新登记的记录已有评估、推荐、台账或招聘会登记，不能撤销；如确为同一人，请选择“转移”",
        )
    return {"county": new.county}


def follow(
    session: Session, resolved: PersonConflict, *, removed: int, kept: int | None, actor: str
) -> None:
    """Other open conflicts naming the removed record name the kept one instead; those that
    become a record paired with itself, or repeat another pair, or lose their record
    (``kept`` None) are closed as superseded."""
    others = session.scalars(
        select(PersonConflict).where(
            PersonConflict.id != resolved.id,
            PersonConflict.status == "open",
            or_(
                PersonConflict.new_person_id == removed,
                PersonConflict.existing_person_id == removed,
            ),
        )
    )
    pairs = {
        frozenset((row.new_person_id, row.existing_person_id))
        for row in session.scalars(select(PersonConflict).where(PersonConflict.id != resolved.id))
    }
    for other in others:
        ends = [
            kept if end == removed else end
            for end in (other.new_person_id, other.existing_person_id)
        ]
        pair = frozenset(ends)
        if kept is None or len(pair) < 2 or pair in pairs:
            other.status = "superseded"
            other.resolved_by = actor
            other.resolved_at = datetime.now(UTC)
            continue
        pairs.add(pair)
        other.new_person_id, other.existing_person_id = ends
