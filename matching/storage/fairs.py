"""Recruitment fairs: participating vacancies (booths) and registered candidates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from matching.storage.base import Base, Timestamped


class Fair(Timestamped, Base):
    __tablename__ = "fairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(8), index=True)
    venue_accessibility: Mapped[list[str]] = mapped_column(default=list)
    online: Mapped[bool] = mapped_column(default=False)


class FairVacancy(Base):
    __tablename__ = "fair_vacancies"

    fair_id: Mapped[int] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), primary_key=True)
    booth: Mapped[str | None] = mapped_column(String(20))
    interview_capacity: Mapped[int]


class FairCandidate(Base):
    __tablename__ = "fair_candidates"

    fair_id: Mapped[int] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    registered_on: Mapped[date] = mapped_column(Date)


class FairPrematch(Timestamped, Base):
    """The latest pre-match of a fair (one row per fair, replaced by each run): who ran it with
    which model, its parameters and the whole result as JSON (ID numbers masked, never full)."""

    __tablename__ = "fair_prematches"

    fair_id: Mapped[int] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    computed_by: Mapped[str] = mapped_column(String(50))
    model_version: Mapped[str] = mapped_column(String(60))
    parameters: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
