"""API models of vacancies; a vacancy names its employer by credit code, as in an import."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from matching.records.vacancies import VACANCIES
from matching.storage import Vacancy
from serving.api.schemas.common import (
    WRITE_CONFIG,
    Columns,
    Flag,
    Items,
    Number,
    Stamp,
    Text,
    Whole,
)

_c, _n = Columns(VACANCIES).text, Columns(VACANCIES).value


class VacancyChanges(BaseModel):
    """Fields to change (PATCH). When the occupation changes, demands not sent take the new
    occupation's profile; the whole vacancy is validated again after the change."""

    model_config = WRITE_CONFIG

    code: Text | None = _c("code", limit=40)
    credit_code: Text | None = _c("credit_code")
    occupation_code: Text | None = _c("occupation_code")
    title: Text | None = _c("title", limit=100)
    description: Text | None = _c("description", limit=2000)
    county: Text | None = _c("county")
    channel: Text | None = _c("channel")
    work_mode: Text | None = _c("work_mode")
    hours_per_day: Number | None = _n("hours_per_day")
    pay_min: Whole | None = _n("pay_min")
    pay_max: Whole | None = _n("pay_max")
    openings: Whole | None = _n("openings")
    reserved_for_disabled: Flag | None = _n("reserved_for_disabled")
    graduate_oriented: Flag | None = _n("graduate_oriented")
    age_min: Whole | None = _n("age_min")
    age_max: Whole | None = _n("age_max")
    education_min: Text | None = _c("education_min")
    demand_vision: Whole | None = _n("demand_vision")
    demand_hearing: Whole | None = _n("demand_hearing")
    demand_speech: Whole | None = _n("demand_speech")
    demand_reading_writing: Whole | None = _n("demand_reading_writing")
    demand_fine_dexterity: Whole | None = _n("demand_fine_dexterity")
    demand_lifting: Whole | None = _n("demand_lifting")
    demand_standing: Whole | None = _n("demand_standing")
    demand_mobility: Whole | None = _n("demand_mobility")
    demand_learning: Whole | None = _n("demand_learning")
    demand_attention: Whole | None = _n("demand_attention")
    demand_social: Whole | None = _n("demand_social")
    demand_stress: Whole | None = _n("demand_stress")
    demand_computer: Whole | None = _n("demand_computer")
    accommodations_offered: Items | None = _n("accommodations_offered")
    skills_wanted: Items | None = _n("skills_wanted")
    opened_on: Text | None = _c("opened_on")
    deadline: Text | None = _c("deadline")
    status: Text | None = _c("status")


class VacancyCreate(VacancyChanges):
    """A new vacancy (POST), validated like one row of a vacancies import; demands not sent take
    the occupation's profile."""

    code: Text = _c("code", required=True, limit=40)
    credit_code: Text = _c("credit_code", required=True)
    occupation_code: Text = _c("occupation_code", required=True)
    title: Text = _c("title", required=True, limit=100)
    county: Text = _c("county", required=True)
    work_mode: Text = _c("work_mode", required=True)
    hours_per_day: Number = _n("hours_per_day", required=True)
    pay_min: Whole = _n("pay_min", required=True)
    pay_max: Whole = _n("pay_max", required=True)
    openings: Whole = _n("openings", required=True)
    opened_on: Text = _c("opened_on", required=True)


class VacancyRecord(BaseModel):
    """A vacancy as stored (codes, not labels), with its employer's credit code and name."""

    id: int
    code: str
    employer_id: int
    credit_code: str
    employer_name: str
    occupation_code: str
    title: str
    description: str | None
    county: str
    channel: str
    work_mode: str
    hours_per_day: float
    pay_min: int
    pay_max: int
    openings: int
    reserved_for_disabled: bool
    graduate_oriented: bool
    age_min: int | None
    age_max: int | None
    education_min: str | None
    demand_vision: int
    demand_hearing: int
    demand_speech: int
    demand_reading_writing: int
    demand_fine_dexterity: int
    demand_lifting: int
    demand_standing: int
    demand_mobility: int
    demand_learning: int
    demand_attention: int
    demand_social: int
    demand_stress: int
    demand_computer: int
    accommodations_offered: list[str]
    skills_wanted: list[str]
    opened_on: date
    deadline: date | None
    status: str
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, vacancy: Vacancy) -> VacancyRecord:
        values = {
            name: getattr(vacancy, name)
            for name in cls.model_fields
            if name not in ("credit_code", "employer_name")
        }
        values |= {
            "credit_code": vacancy.employer.credit_code,
            "employer_name": vacancy.employer.name,
        }
        return cls.model_validate(values)
