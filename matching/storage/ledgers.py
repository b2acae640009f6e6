"""一人一策 ledgers of disabled university graduates: the plan, every contact, every status.

A ledger belongs to one person and one county (copied from the person when it is opened, so
county scope works without a join). Its plan is a list of dated actions (``LedgerAction``), its
history a list of status changes (``LedgerStatusChange``, the first one being the opening), and
its contacts the follow-ups (``LedgerFollowUp``) that the 离校不断线 worklist is built from.
Rules about which moves are legal live in ``matching.ledgers``, not here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matching.storage.base import Base, Timestamped, utcnow


class GraduateLedger(Timestamped, Base):
    __tablename__ = "graduate_ledgers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    county: Mapped[str] = mapped_column(String(8), index=True)
    school: Mapped[str] = mapped_column(String(100))
    major: Mapped[str] = mapped_column(String(100))
    # codes.GRADUATE_DEGREES; empty only for ledgers opened before the degree was recorded.
    degree: Mapped[str | None] = mapped_column(String(16))
    graduation_year: Mapped[int] = mapped_column(SmallInteger)
    needs: Mapped[str | None] = mapped_column(Text)
    intended_services: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16))
    case_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    follow_ups: Mapped[list[LedgerFollowUp]] = relationship(
        back_populates="ledger",
        cascade="all, delete-orphan",
        order_by="(LedgerFollowUp.contacted_on, LedgerFollowUp.id)",
    )
    actions: Mapped[list[LedgerAction]] = relationship(
        back_populates="ledger",
        cascade="all, delete-orphan",
        order_by="(LedgerAction.target_date, LedgerAction.id)",
    )
    status_changes: Mapped[list[LedgerStatusChange]] = relationship(
        back_populates="ledger",
        cascade="all, delete-orphan",
        order_by="(LedgerStatusChange.changed_on, LedgerStatusChange.id)",
    )


class LedgerFollowUp(Base):
    __tablename__ = "ledger_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(
        ForeignKey("graduate_ledgers.id", ondelete="CASCADE"), index=True
    )
    contacted_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(500))
    result: Mapped[str | None] = mapped_column(String(500))

    ledger: Mapped[GraduateLedger] = relationship(back_populates="follow_ups")


class LedgerAction(Timestamped, Base):
    """One planned service (codes.LEDGER_SERVICES) with its target date; ``referral_id`` links
    a job referral made for it (a recommendation the graduate accepted)."""

    __tablename__ = "ledger_actions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="known_status"),
        CheckConstraint("(status = 'done') = (done_on IS NOT NULL)", name="done_on_iff_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(
        ForeignKey("graduate_ledgers.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[str] = mapped_column(String(24))
    target_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    ledger: Mapped[GraduateLedger] = relationship(back_populates="actions")


class LedgerStatusChange(Base):
    """One status the ledger entered, on which day and by whom; ``from_status`` is empty for the
    opening entry."""

    __tablename__ = "ledger_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(
        ForeignKey("graduate_ledgers.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    ledger: Mapped[GraduateLedger] = relationship(back_populates="status_changes")
