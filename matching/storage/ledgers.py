"""一人一策 ledgers of disabled university graduates, with every follow-up contact."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matching.storage.base import Base, Timestamped


class GraduateLedger(Timestamped, Base):
    __tablename__ = "graduate_ledgers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    county: Mapped[str] = mapped_column(String(8), index=True)
    school: Mapped[str] = mapped_column(String(100))
    major: Mapped[str] = mapped_column(String(100))
    graduation_year: Mapped[int] = mapped_column(SmallInteger)
    needs: Mapped[str | None] = mapped_column(Text)
    intended_services: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16))
    case_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    follow_ups: Mapped[list[LedgerFollowUp]] = relationship(
        back_populates="ledger",
        cascade="all, delete-orphan",
        order_by="LedgerFollowUp.contacted_on",
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
