"""API models of persons: what a write may send and what a read answers (masked numbers)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from matching.records.persons import PERSONS
from matching.storage import Person
from matching.validators import mask_certificate, mask_resident_id
from serving.api.schemas.common import (
    WRITE_CONFIG,
    Columns,
    Flag,
    Items,
    Number,
    SensitiveText,
    Stamp,
    Text,
    Whole,
)

_c, _n = Columns(PERSONS).text, Columns(PERSONS).value


class PersonChanges(BaseModel):
    """Fields to change (PATCH): only those sent are changed; null empties an optional field.
    Sex, disability category and level not sent are derived again from the ID and certificate."""

    model_config = WRITE_CONFIG

    id_number: SensitiveText | None = _n("id_number")
    name: Text | None = _c("name")
    certificate_number: SensitiveText | None = _n("certificate_number")
    disability_category: Text | None = _c("disability_category")
    disability_level: Text | None = _c("disability_level")
    sex: Text | None = _c("sex")
    county: Text | None = _c("county")
    hukou: Text | None = _c("hukou")
    education: Text | None = _c("education")
    employment_status: Text | None = _c("employment_status")
    phone: Text | None = _c("phone")
    registered_on: Text | None = _c("registered_on")
    is_graduate: Flag | None = _n("is_graduate")
    school: Text | None = _c("school", limit=100)
    major: Text | None = _c("major", limit=100)
    graduation_year: Whole | None = _n("graduation_year")
    expected_pay_min: Whole | None = _n("expected_pay_min")
    preferred_hours_per_day: Number | None = _n("preferred_hours_per_day")
    preferred_work_modes: Items | None = _n("preferred_work_modes")
    commute_km: Whole | None = _n("commute_km")


class PersonCreate(PersonChanges):
    """A new person (POST), validated like one row of a persons import: codes may be given as
    the Chinese label, the code or an alias; dates as 2024-03-01, 2024/3/1 or 2024年3月1日."""

    id_number: SensitiveText = _n("id_number", required=True)
    name: Text = _c("name", required=True)
    certificate_number: SensitiveText = _n("certificate_number", required=True)
    county: Text = _c("county", required=True)
    hukou: Text = _c("hukou", required=True)
    education: Text = _c("education", required=True)
    employment_status: Text = _c("employment_status", required=True)
    registered_on: Text = _c("registered_on", required=True)


class PersonRecord(BaseModel):
    """A person as stored (codes, not labels). ``id_number`` and ``certificate_number`` are
    masked; the birth date is not given (it is part of the ID), the age is."""

    id: int
    id_number: str
    certificate_number: str | None
    name: str
    sex: str
    age: int
    county: str
    hukou: str
    disability_category: str
    disability_level: str
    education: str
    employment_status: str
    phone: str | None
    registered_on: date
    is_graduate: bool
    school: str | None
    major: str | None
    graduation_year: int | None
    expected_pay_min: int | None
    preferred_hours_per_day: float | None
    preferred_work_modes: list[str]
    commute_km: int | None
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, person: Person, today: date | None = None) -> PersonRecord:
        day = today or date.today()
        born = person.birth_date
        age = day.year - born.year - int((day.month, day.day) < (born.month, born.day))
        hours = person.preferred_hours_per_day
        return cls(
            id=person.id,
            id_number=mask_resident_id(person.id_number),
            certificate_number=(
                mask_certificate(person.certificate_number) if person.certificate_number else None
            ),
            name=person.name,
            sex=person.sex,
            age=age,
            county=person.county,
            hukou=person.hukou,
            disability_category=person.disability_category,
            disability_level=person.disability_level,
            education=person.education,
            employment_status=person.employment_status,
            phone=person.phone,
            registered_on=person.registered_on,
            is_graduate=person.is_graduate,
            school=person.school,
            major=person.major,
            graduation_year=person.graduation_year,
            expected_pay_min=person.expected_pay_min,
            preferred_hours_per_day=None if hours is None else float(hours),
            preferred_work_modes=list(person.preferred_work_modes),
            commute_km=person.commute_km,
            created_at=person.created_at,
            updated_at=person.updated_at,
        )
