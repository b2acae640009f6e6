"""Vocational training bases for persons with disabilities and their courses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matching.storage.base import Base, Timestamped


class TrainingBase(Timestamped, Base):
    __tablename__ = "training_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    county: Mapped[str] = mapped_column(String(8), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    accessibility: Mapped[list[str]] = mapped_column(default=list)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    courses: Mapped[list[Course]] = relationship(back_populates="base")


class Course(Timestamped, Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    occupation_code: Mapped[str | None] = mapped_column(String(12))
    description: Mapped[str | None] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(default=list)
    duration_days: Mapped[int]
    next_intake: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int]
    accessibility: Mapped[list[str]] = mapped_column(default=list)
    fee_subsidy: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    living_subsidy: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    status: Mapped[str] = mapped_column(String(12), default="open")

    base: Mapped[TrainingBase] = relationship(back_populates="courses")
