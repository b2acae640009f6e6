"""Referrals of a person to a vacancy or a course, and every stage they went through.

The rank at which the item was shown is kept: the ranker learns from these outcomes and must
correct for position bias.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matching.storage.base import Base, Timestamped, utcnow


class Referral(Timestamped, Base):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint("(vacancy_id IS NULL) <> (course_id IS NULL)", name="exactly_one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    fair_id: Mapped[int | None] = mapped_column(ForeignKey("fairs.id"))
    referred_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    referred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    shown_rank: Mapped[int | None] = mapped_column(SmallInteger)
    model_version: Mapped[str | None] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(16))
    refusal_reason: Mapped[str | None] = mapped_column(String(32))

    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralEvent.at"
    )


class ReferralEvent(Base):
    """One stage reached, with its time: the history point-in-time features are built from."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    refusal_reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    referral: Mapped[Referral] = relationship(back_populates="events")
