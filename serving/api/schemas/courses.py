"""API models of training courses; a course names its training base, as in an import."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from matching.records.courses import COURSES
from matching.storage import Course
from serving.api.schemas.common import (
    WRITE_CONFIG,
    Columns,
    Items,
    Number,
    Stamp,
    Text,
    Whole,
)

_c, _n = Columns(COURSES).text, Columns(COURSES).value


class CourseChanges(BaseModel):
    """Fields to change (PATCH). Changing a base field changes the base for all its courses,
    as an import does; the whole course is validated again after the change."""

    model_config = WRITE_CONFIG

    code: Text | None = _c("code", limit=40)
    base_code: Text | None = _c("base_code", limit=40)
    base_name: Text | None = _c("base_name", limit=100)
    base_county: Text | None = _c("base_county")
    base_accessibility: Items | None = _n("base_accessibility")
    title: Text | None = _c("title", limit=100)
    occupation_code: Text | None = _c("occupation_code")
    description: Text | None = _c("description", limit=2000)
    skills: Items | None = _n("skills")
    duration_days: Whole | None = _n("duration_days")
    next_intake: Text | None = _c("next_intake")
    capacity: Whole | None = _n("capacity")
    accessibility: Items | None = _n("accessibility")
    fee_subsidy: Number | None = _n("fee_subsidy")
    living_subsidy: Number | None = _n("living_subsidy")
    status: Text | None = _c("status")


class CourseCreate(CourseChanges):
    """A new course (POST), validated like one row of a courses import; a new base code
    creates the training base."""

    code: Text = _c("code", required=True, limit=40)
    base_code: Text = _c("base_code", required=True, limit=40)
    base_name: Text = _c("base_name", required=True, limit=100)
    base_county: Text = _c("base_county", required=True)
    title: Text = _c("title", required=True, limit=100)
    duration_days: Whole = _n("duration_days", required=True)
    capacity: Whole = _n("capacity", required=True)


class CourseRecord(BaseModel):
    """A course as stored (codes, not labels), with its training base."""

    id: int
    code: str
    base_id: int
    base_code: str
    base_name: str
    base_county: str
    base_accessibility: list[str]
    title: str
    occupation_code: str | None
    description: str | None
    skills: list[str]
    duration_days: int
    next_intake: date | None
    capacity: int
    accessibility: list[str]
    fee_subsidy: float
    living_subsidy: float
    status: str
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, course: Course) -> CourseRecord:
        base = course.base
        values = {name: getattr(course, name) for name in cls.model_fields if hasattr(course, name)}
        values |= {
            "base_code": base.code,
            "base_name": base.name,
            "base_county": base.county,
            "base_accessibility": base.accessibility,
        }
        return cls.model_validate(values)
