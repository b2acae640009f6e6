"""API models of employers."""

from __future__ import annotations

from pydantic import BaseModel

from matching.records.employers import EMPLOYERS
from matching.storage import Employer
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

_c, _n = Columns(EMPLOYERS).text, Columns(EMPLOYERS).value


class EmployerChanges(BaseModel):
    """Fields to change (PATCH); the whole employer is validated again after the change."""

    model_config = WRITE_CONFIG

    credit_code: Text | None = _c("credit_code")
    name: Text | None = _c("name", limit=100)
    kind: Text | None = _c("kind")
    county: Text | None = _c("county")
    address: Text | None = _c("address", limit=200)
    staff_count: Whole | None = _n("staff_count")
    established_posts: Whole | None = _n("established_posts")
    is_school: Flag | None = _n("is_school")
    average_wage: Number | None = _n("average_wage")
    disabled_staff_severe: Whole | None = _n("disabled_staff_severe")
    disabled_staff_other: Whole | None = _n("disabled_staff_other")
    accommodations: Items | None = _n("accommodations")
    contact_phone: Text | None = _c("contact_phone")


class EmployerCreate(EmployerChanges):
    """A new employer (POST), validated like one row of an employers import."""

    credit_code: Text = _c("credit_code", required=True)
    name: Text = _c("name", required=True, limit=100)
    kind: Text = _c("kind", required=True)
    county: Text = _c("county", required=True)
    staff_count: Whole = _n("staff_count", required=True)


class EmployerRecord(BaseModel):
    """An employer as stored (codes, not labels)."""

    id: int
    credit_code: str
    name: str
    kind: str
    county: str
    address: str | None
    staff_count: int
    established_posts: int | None
    is_school: bool
    average_wage: float | None
    disabled_staff_severe: int
    disabled_staff_other: int
    accommodations: list[str]
    contact_phone: str | None
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, employer: Employer) -> EmployerRecord:
        return cls.model_validate(employer, from_attributes=True)
