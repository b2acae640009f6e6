"""The administrator's view of the conflict queue: both records of each pair side by side.

Numbers are masked; each side says how much history hangs on it (assessments, referrals,
ledgers, fair registrations), which is what decides between a transfer (keep the record with
the history) and a dismissal (drop the new one, possible only while it has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from matching.access import Caller
from matching.errors import ValidationError
from matching.pages import Page, paginate
from matching.storage import (
    Assessment,
    FairCandidate,
    GraduateLedger,
    Person,
    PersonConflict,
    Referral,
)
from matching.storage.conflicts import CONFLICT_STATUSES
from matching.validators import mask_certificate, mask_resident_id

DEPENDENTS: dict[str, InstrumentedAttribute[int]] = {
    "assessments": Assessment.person_id,
    "referrals": Referral.person_id,
    "ledgers": GraduateLedger.person_id,
    "fair_registrations": FairCandidate.person_id,
}
"""Every table that refers to a person (``person_conflicts`` aside): what a transfer moves."""


@dataclass(frozen=True)
class PersonSide:
    id: int
    name: str
    id_number: str  # masked
    certificate_number: str | None  # masked
    county: str
    registered_on: date
    created_at: datetime
    counts: dict[str, int]


@dataclass(frozen=True)
class ConflictView:
    id: int
    kind: str
    status: str
    detected_at: datetime
    detected_by: str
    resolved_by: str | None
    resolved_at: datetime | None
    note: str | None
    new: PersonSide | None  # None once deleted (a resolved conflict)
    existing: PersonSide | None


def list_conflicts(
    session: Session, caller: Caller, *, status: str | None, page: int, page_size: int
) -> Page[ConflictView]:
    """Conflicts of ``status`` (all when None), oldest first."""
    caller.require_conflict_queue()
    if status is not None and status not in CONFLICT_STATUSES:
        raise ValidationError(
            "unknown_status",
            f"status must be one of {', '.join(CONFLICT_STATUSES)}",
            "状态应为：" + "、".join(CONFLICT_STATUSES),
            field="status",
        )
    conditions = [] if status is None else [PersonConflict.status == status]
    found = paginate(
        session,
        PersonConflict,
        conditions,
        order_by=[PersonConflict.id],
        page=page,
        page_size=page_size,
    )
    ids = {pid for c in found.items for pid in (c.new_person_id, c.existing_person_id) if pid}
    sides = person_sides(session, ids)
    views = [conflict_view(conflict, sides) for conflict in found.items]
    return Page(views, found.total, found.page, found.page_size)


def conflict_view(conflict: PersonConflict, sides: dict[int, PersonSide]) -> ConflictView:
    return ConflictView(
        id=conflict.id,
        kind=conflict.kind,
        status=conflict.status,
        detected_at=conflict.detected_at,
        detected_by=conflict.detected_by,
        resolved_by=conflict.resolved_by,
        resolved_at=conflict.resolved_at,
        note=conflict.note,
        new=sides.get(conflict.new_person_id) if conflict.new_person_id else None,
        existing=sides.get(conflict.existing_person_id) if conflict.existing_person_id else None,
    )


def person_sides(session: Session, ids: Iterable[int]) -> dict[int, PersonSide]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    counts = dependent_counts(session, wanted)
    return {
        person.id: PersonSide(
            id=person.id,
            name=person.name,
            id_number=mask_resident_id(person.id_number),
            certificate_number=(
                mask_certificate(person.certificate_number) if person.certificate_number else None
            ),
            county=person.county,
            registered_on=person.registered_on,
            created_at=person.created_at,
            counts=counts[person.id],
        )
        for person in session.scalars(select(Person).where(Person.id.in_(wanted)))
    }


def dependent_counts(session: Session, person_ids: list[int]) -> dict[int, dict[str, int]]:
    """For each person, how many rows of each ``DEPENDENTS`` table refer to them."""
    counts = {pid: dict.fromkeys(DEPENDENTS, 0) for pid in person_ids}
    for name, column in DEPENDENTS.items():
        query = select(column, func.count()).where(column.in_(person_ids)).group_by(column)
        for pid, count in session.execute(query):
            counts[pid][name] = count
    return counts
