"""Employers (by unified social credit code) and their vacancies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matching.storage.base import Base, Timestamped


class Employer(Timestamped, Base):
    """An employer with the staff figures the quota and levy rules need."""

    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(24))
    county: Mapped[str] = mapped_column(String(8), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    staff_count: Mapped[int]
    established_posts: Mapped[int | None]
    is_school: Mapped[bool] = mapped_column(default=False)
    average_wage: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    disabled_staff_severe: Mapped[int] = mapped_column(default=0)
    disabled_staff_other: Mapped[int] = mapped_column(default=0)
    accommodations: Mapped[list[str]] = mapped_column(default=list)
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    vacancies: Mapped[list[Vacancy]] = relationship(back_populates="employer")


class Vacancy(Timestamped, Base):
    """An opening; the demand profile uses the assessment dimensions, prefixed ``demand_``."""

    __tablename__ = "vacancies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    occupation_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    county: Mapped[str] = mapped_column(String(8), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    work_mode: Mapped[str] = mapped_column(String(16))
    hours_per_day: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    pay_min: Mapped[int]
    pay_max: Mapped[int]
    openings: Mapped[int]
    reserved_for_disabled: Mapped[bool] = mapped_column(default=False)
    graduate_oriented: Mapped[bool] = mapped_column(default=False)
    age_min: Mapped[int | None] = mapped_column(SmallInteger)
    age_max: Mapped[int | None] = mapped_column(SmallInteger)
    education_min: Mapped[str | None] = mapped_column(String(24))
    demand_vision: Mapped[int] = mapped_column(SmallInteger)
    demand_hearing: Mapped[int] = mapped_column(SmallInteger)
    demand_speech: Mapped[int] = mapped_column(SmallInteger)
    demand_reading_writing: Mapped[int] = mapped_column(SmallInteger)
    demand_fine_dexterity: Mapped[int] = mapped_column(SmallInteger)
    demand_lifting: Mapped[int] = mapped_column(SmallInteger)
    demand_standing: Mapped[int] = mapped_column(SmallInteger)
    demand_mobility: Mapped[int] = mapped_column(SmallInteger)
    demand_learning: Mapped[int] = mapped_column(SmallInteger)
    demand_attention: Mapped[int] = mapped_column(SmallInteger)
    demand_social: Mapped[int] = mapped_column(SmallInteger)
    demand_stress: Mapped[int] = mapped_column(SmallInteger)
    demand_computer: Mapped[int] = mapped_column(SmallInteger)
    accommodations_offered: Mapped[list[str]] = mapped_column(default=list)
    skills_wanted: Mapped[list[str]] = mapped_column(default=list)
    opened_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    employer: Mapped[Employer] = relationship(back_populates="vacancies")
