"""Queue a person stored in another county under the same ID or certificate number.

Called after a person is written (API create or change, import insert or update), in the same
transaction. Each pair is queued once (in either order) and audited as
``person_conflict_detected`` with the two person ids and counties, never the numbers. A
city-wide writer cannot create such a pair (the ID is refused as taken, 409), so in practice
the writer is a county's counselor and ``new`` is the record they just wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from matching.storage import Person, PersonConflict, append_audit

CHUNK = 500


def queue_conflicts(
    session: Session, persons: Sequence[Person], *, actor: str, via: str
) -> list[PersonConflict]:
    """Queue every pair of one of ``persons`` (flushed) with a person of another county holding
    the same ID (kind ``same_id_number``) or else the same certificate (``same_certificate``)."""
    queued: list[PersonConflict] = []
    for start in range(0, len(persons), CHUNK):
        queued += _queue_chunk(session, persons[start : start + CHUNK], actor=actor, via=via)
    return queued


def _queue_chunk(
    session: Session, persons: Sequence[Person], *, actor: str, via: str
) -> list[PersonConflict]:
    numbers = {person.id_number for person in persons}
    certificates = {person.certificate_number for person in persons} - {None}
    others = list(
        session.scalars(
            select(Person)
            .where(or_(Person.id_number.in_(numbers), Person.certificate_number.in_(certificates)))
            .order_by(Person.id)
        )
    )
    by_number: dict[str, list[Person]] = defaultdict(list)
    by_certificate: dict[str, list[Person]] = defaultdict(list)
    for other in others:  # indexed, not compared pairwise: an import brings thousands at once
        by_number[other.id_number].append(other)
        if other.certificate_number:
            by_certificate[other.certificate_number].append(other)
    pairs = [
        (person, other, kind)
        for person in persons
        for other in _candidates(person, by_number, by_certificate)
        if other.id != person.id
        and other.county != person.county
        and (kind := _kind(person, other)) is not None
    ]
    if not pairs:
        return []
    ids = {person.id for person, _, _ in pairs} | {other.id for _, other, _ in pairs}
    known = {
        frozenset((row.new_person_id, row.existing_person_id))
        for row in session.scalars(
            select(PersonConflict).where(
                or_(
                    PersonConflict.new_person_id.in_(ids),
                    PersonConflict.existing_person_id.in_(ids),
                )
            )
        )
    }
    queued: list[tuple[PersonConflict, Person, Person]] = []
    for person, other, kind in pairs:
        pair = frozenset((person.id, other.id))
        if pair in known:
            continue
        known.add(pair)
        conflict = PersonConflict(
            new_person_id=person.id,
            existing_person_id=other.id,
            kind=kind,
            status="open",
            detected_by=actor,
        )
        session.add(conflict)
        queued.append((conflict, person, other))
    session.flush()
    for conflict, person, other in queued:
        append_audit(
            session,
            actor=actor,
            action="person_conflict_detected",
            entity="person_conflict",
            entity_id=str(conflict.id),
            detail={
                "kind": conflict.kind,
                "via": via,
                "new_person_id": person.id,
                "new_county": person.county,
                "existing_person_id": other.id,
                "existing_county": other.county,
            },
        )
    return [conflict for conflict, _, _ in queued]


def _candidates(
    person: Person,
    by_number: dict[str, list[Person]],
    by_certificate: dict[str, list[Person]],
) -> list[Person]:
    """The others sharing ``person``'s ID or certificate, in id order (as they were read)."""
    found = {other.id: other for other in by_number.get(person.id_number, ())}
    if person.certificate_number:
        found |= {other.id: other for other in by_certificate.get(person.certificate_number, ())}
    return [found[key] for key in sorted(found)]


def _kind(person: Person, other: Person) -> str | None:
    if other.id_number == person.id_number:
        return "same_id_number"
    if person.certificate_number and other.certificate_number == person.certificate_number:
        return "same_certificate"
    return None
