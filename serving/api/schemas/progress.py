"""API models of progress against the plan (``matching.progress``): the report and the list
behind a figure. They are read from the domain's dataclasses (``from_attributes``), so the API
answers exactly the object the pages and reports show."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

READ = ConfigDict(from_attributes=True)


class ReasonOut(BaseModel):
    """Why a figure, target or pace is missing (a figure that cannot be computed is never 0)."""

    model_config = READ

    code: str
    message: str
    message_zh: str


class FigureOut(BaseModel):
    """A count, or a share 0–1 with its numerator and denominator; ``value`` null exactly when
    ``reason`` says why. ``listed``: the rows of its list."""

    model_config = READ

    value: float | None
    numerator: int | None
    denominator: int | None
    listed: int
    reason: ReasonOut | None


class TargetOut(BaseModel):
    """The target line for the year and scope, how it was derived and the plan's words."""

    model_config = READ

    value: float
    basis: str
    basis_zh: str
    source: str


class PaceOut(BaseModel):
    """``expected``: the target line at the period's end; ``gap``: still missing for the year
    (persons or counties); ``per_month``: needed in each month left (counts only)."""

    model_config = READ

    expected: float
    gap: float
    on_track: bool
    per_month: float | None
    reason: ReasonOut | None


class GroupOut(BaseModel):
    model_config = READ

    group: str
    label_zh: str
    month: FigureOut | None
    year_to_date: FigureOut
    link: str | None = Field(description="its list; null for roles that may not read persons")


class MeasureOut(BaseModel):
    model_config = READ

    key: str
    name_zh: str
    name: str
    unit: str
    rule_zh: str
    month: FigureOut | None = Field(description="the month asked for; null without a month")
    year_to_date: FigureOut
    target: TargetOut | None
    target_reason: ReasonOut | None
    pace: PaceOut | None
    month_link: str | None
    link: str | None = Field(description="the list behind the year to date; null for analysts")
    groups: list[GroupOut]


class ProgressOut(BaseModel):
    """Every measure of the plan for one period and scope (county null: the whole city)."""

    model_config = READ

    year: int
    month: int | None
    county: str | None
    county_zh: str
    today: date
    period_start: date
    period_end: date
    through: date = Field(description="the last day counted (today, while the period runs)")
    complete: bool
    breakdown: str | None
    working_age: tuple[int, int]
    plan_note: str
    plan_note_zh: str
    measures: list[MeasureOut]


class ProgressRecordOut(BaseModel):
    """A counted row: the record that qualified, and for person measures the person (ID number
    masked; no disability)."""

    model_config = READ

    record: str
    record_id: int
    day: date | None
    detail_zh: str
    counted: bool = Field(description="in a share's numerator (always true for counts)")
    county: str
    person_id: int | None
    name: str | None
    id_number: str | None


class ProgressRecordsPage(BaseModel):
    """A page of the list behind a figure; ``reason`` when the figure cannot be computed."""

    total: int
    page: int
    page_size: int
    reason: ReasonOut | None
    items: list[ProgressRecordOut]
