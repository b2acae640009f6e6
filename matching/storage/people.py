"""Persons and their vocational ability assessments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matching.storage.base import Base, Timestamped


class Person(Timestamped, Base):
    """A registered job seeker. ``id_number`` and ``certificate_number`` are sensitive.

    Both numbers are unique within a county, not city-wide: a counselor who registers a person
    already registered in another county must get the answer a new person gets (else the answer
    reveals the other county's record), so the second registration is stored and queued for an
    administrator (``PersonConflict``). The ID leads each key, so lookups by ID use its index.
    """

    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("id_number", "county", name="uq_persons_id_number_county"),
        UniqueConstraint(
            "certificate_number", "county", name="uq_persons_certificate_number_county"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18))
    certificate_number: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    county: Mapped[str] = mapped_column(String(8), index=True)
    hukou: Mapped[str] = mapped_column(String(8))
    disability_category: Mapped[str] = mapped_column(String(1))
    disability_level: Mapped[str] = mapped_column(String(1))
    education: Mapped[str] = mapped_column(String(24))
    employment_status: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    registered_on: Mapped[date] = mapped_column(Date)
    is_graduate: Mapped[bool] = mapped_column(default=False)
    school: Mapped[str | None] = mapped_column(String(100))
    major: Mapped[str | None] = mapped_column(String(100))
    graduation_year: Mapped[int | None] = mapped_column(SmallInteger)
    expected_pay_min: Mapped[int | None]
    preferred_hours_per_day: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    preferred_work_modes: Mapped[list[str]] = mapped_column(default=list)
    commute_km: Mapped[int | None] = mapped_column(SmallInteger)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Assessment.assessed_on"
    )


class Assessment(Timestamped, Base):
    """A vocational ability assessment: a score 0–4 per codes.ASSESSMENT_DIMENSIONS entry."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("person_id", "assessed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor: Mapped[str | None] = mapped_column(String(50))
    vision: Mapped[int] = mapped_column(SmallInteger)
    hearing: Mapped[int] = mapped_column(SmallInteger)
    speech: Mapped[int] = mapped_column(SmallInteger)
    reading_writing: Mapped[int] = mapped_column(SmallInteger)
    fine_dexterity: Mapped[int] = mapped_column(SmallInteger)
    lifting: Mapped[int] = mapped_column(SmallInteger)
    standing: Mapped[int] = mapped_column(SmallInteger)
    mobility: Mapped[int] = mapped_column(SmallInteger)
    learning: Mapped[int] = mapped_column(SmallInteger)
    attention: Mapped[int] = mapped_column(SmallInteger)
    social: Mapped[int] = mapped_column(SmallInteger)
    stress: Mapped[int] = mapped_column(SmallInteger)
    computer: Mapped[int] = mapped_column(SmallInteger)
    sustainable_hours: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    skills: Mapped[list[str]] = mapped_column(default=list)
    certificates: Mapped[list[str]] = mapped_column(default=list)
    accommodations_needed: Mapped[list[str]] = mapped_column(default=list)
    preferred_forms: Mapped[list[str]] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(String(500))

    person: Mapped[Person] = relationship(back_populates="assessments")
