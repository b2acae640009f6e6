"""Recruitment fairs: participating vacancies (booths) and registered candidates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
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
