"""The queue of persons registered in two counties, for an administrator to resolve.

A counselor who registers a person whose resident ID (or certificate number) is already stored
in another county gets the answer a new person gets, so that the answer reveals nothing of the
other county; the pair goes into this queue instead. Rows are kept after resolution (the
history of who decided what); a deleted person's id becomes empty (``SET NULL``). Rules about
detection and resolution live in ``matching.person_conflicts``, not here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matching.storage.base import Base, utcnow

CONFLICT_KINDS = ("same_id_number", "same_certificate")
CONFLICT_STATUSES = ("open", "transferred", "dismissed", "superseded")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class PersonConflict(Base):
    """``new_person_id`` was registered (or changed) by ``detected_by`` while
    ``existing_person_id`` held the same number in another county."""

    __tablename__ = "person_conflicts"
    __table_args__ = (
        UniqueConstraint("new_person_id", "existing_person_id", name="uq_person_conflicts_pair"),
        CheckConstraint(_in("kind", CONFLICT_KINDS), name="known_kind"),
        CheckConstraint(_in("status", CONFLICT_STATUSES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    new_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    existing_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    detected_by: Mapped[str] = mapped_column(String(50))
    resolved_by: Mapped[str | None] = mapped_column(String(50))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(String(500))
