"""Request and answer models of the fair routes (separate from storage rows and domain data).

Requests carry every rule that does not depend on stored state, so a body the schema accepts is
refused only by what is stored (404, 409). The pre-match day is bounded so that no schema-valid
setting can run past midnight (start 06:00–11:59, at most 24 slots of at most 30 minutes), and a
capacity rule's maximum can never be below its minimum.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

from matching import codes
from matching.fair_plans import MAX_CAPACITY, MAX_FAIR_VACANCIES, NewFair
from matching.imports.fields import BIDI_CONTROLS, INVISIBLE_FORMATS
from serving.api.schemas.common import MAX_ID, IdValue, OneOf, Stamp
from serving.api.schemas.imports import RejectLine

MAX_PICKED = 1000
MAX_PAGE_SIZE = 500  # pages of a pre-match's lists
# Printable text with at least one visible character and no bidi control (a name that reorders
# itself displays as something else), as the import specs' names (matching.imports.fields).
_NEVER = r"\x00-\x1f\x7f" + BIDI_CONTROLS
TEXT_PATTERN = rf"^[^{_NEVER}]*[^\s{_NEVER}{INVISIBLE_FORMATS}][^{_NEVER}]*$"


def _number(value: object) -> object:
    """A JSON number only (2.0 is the integer 2, as JSON Schema says; true and "2" are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON number")
    return value


def _text(value: object) -> object:
    """A date as JSON text ("2026-12-05"), not a number of seconds."""
    if not isinstance(value, str):
        raise ValueError("must be a date as text, YYYY-MM-DD")
    return value


Number = BeforeValidator(_number)
DateText = Annotated[date, BeforeValidator(_text)]
RecordId = IdValue
Flag = Annotated[bool, Strict()]
County = Annotated[str, OneOf(codes.COUNTIES.codes)]
Accommodation = Annotated[str, OneOf(codes.ACCOMMODATIONS.codes)]
Capacity = Annotated[
    int, Field(ge=0, le=MAX_CAPACITY, description="interviews the booth holds"), Number
]
BoothLabel = Annotated[str, Field(min_length=1, max_length=20, pattern=TEXT_PATTERN)]


class FairCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)]
    held_on: DateText
    venue: Annotated[str, Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
    county: County
    venue_accessibility: Annotated[
        list[Accommodation],
        Field(max_length=len(codes.ACCOMMODATIONS), description="accommodations the venue has"),
    ] = []
    online: Flag = False

    def new_fair(self) -> NewFair:
        """The domain's request (the API's POST /api/fairs and the pages' form)."""
        return NewFair(
            name=self.name,
            held_on=self.held_on,
            venue=self.venue,
            county=self.county,
            venue_accessibility=tuple(self.venue_accessibility),
            online=self.online,
        )


class BoothIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vacancy_id: RecordId
    interview_capacity: Capacity | None = Field(
        default=None, description="default: 4 per opening, at least 2 (new booths)"
    )
    booth: BoothLabel | None = None


class VacanciesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vacancies: Annotated[list[BoothIn], Field(min_length=1, max_length=MAX_FAIR_VACANCIES)]


class CandidatesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_ids: Annotated[list[RecordId], Field(min_length=1, max_length=MAX_PICKED)]


class CapacityRuleIn(BaseModel):
    """Interviews per booth = ⌈openings × per_opening⌉ within [minimum, maximum]."""

    model_config = ConfigDict(extra="forbid")

    per_opening: Annotated[float, Field(ge=0.5, le=20), Number] = 4.0
    minimum: Annotated[int, Field(ge=0, le=10), Number] = 2
    maximum: Annotated[int, Field(ge=10, le=MAX_CAPACITY), Number] | None = None


class PrematchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_booths: Annotated[
        int, Field(ge=1, le=10, description="booths per candidate (m)"), Number
    ] = 3
    slots: Annotated[int, Field(ge=1, le=24, description="interview slots per booth"), Number] = 9
    slot_minutes: Annotated[int, Field(ge=5, le=30), Number] = 20
    start: Annotated[
        str, Field(pattern=r"^(0[6-9]|1[01]):[0-5][0-9]$", description="HH:MM, 06:00–11:59")
    ] = "09:00"
    interviewers: Annotated[int, Field(ge=1, le=20), Number] | None = Field(
        default=None, description="per booth; default: as many as its capacity needs"
    )
    capacity_rule: CapacityRuleIn | None = Field(
        default=None, description="recompute capacities from openings (default: stored ones)"
    )
    naive_seed: Annotated[int, Field(ge=0, le=MAX_ID, description="arrival order"), Number] = 0


class FairOut(BaseModel):
    id: int
    name: str
    held_on: date
    venue: str
    county: str
    county_zh: str
    venue_accessibility: list[str]
    online: bool
    created_at: Stamp


class BoothOut(BaseModel):
    vacancy_id: int
    booth: str | None
    title: str
    employer: str
    county: str
    openings: int
    interview_capacity: int
    status: str


class WayOut(BaseModel):
    way: str
    label: str
    expected_hires: float
    interviews: int
    largest_queue: int
    booths_over_capacity: int
    no_booth_share: float


class PrematchSummary(BaseModel):
    """Aggregates of the latest pre-match (no person data): what analysts may read."""

    computed_at: Stamp
    model_version: str
    degraded: bool
    eligible_pairs: int
    lp_bound: float
    no_eligible_share: float
    ways: list[WayOut]


class FairDetail(FairOut):
    candidates: int = Field(description="registered candidates you may see")
    booths: list[BoothOut]
    latest_prematch: PrematchSummary | None


class FairPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[FairOut]


class BoothsAnswer(BaseModel):
    added: int
    updated: int


class RegistrationAnswer(BaseModel):
    """``total = registered + already_registered + rejected``; rejects name row and reason."""

    total: int
    registered: int
    already_registered: int
    rejected: int
    rejects: list[RejectLine]
    rejects_truncated: bool


class CandidateOut(BaseModel):
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    county: str
    registered_on: date


class CandidatePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[CandidateOut]


class BoothVisitOut(BaseModel):
    vacancy_id: int
    booth: str | None
    title: str
    employer: str
    slot: int
    start: str
    end: str
    probability: float
    reasons: list[str]


class CandidatePlanOut(BaseModel):
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    county: str
    status: str
    status_zh: str
    note: str | None
    booths: list[BoothVisitOut]


class IntervieweeOut(BaseModel):
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    county: str
    slot: int
    start: str
    end: str
    interviewer: int
    probability: float


class VacancyPlanOut(BaseModel):
    vacancy_id: int
    booth: str | None
    title: str
    employer: str
    county: str
    openings: int
    capacity: int
    interviewers: int
    eligible: int
    note: str | None
    shortlist: list[IntervieweeOut]


class CalibrationOut(BaseModel):
    method: str
    rows: int
    hires: int
    fair_rows: int
    fair_hires: int
    slope: float
    intercept: float
    fair_offset: float


class PrematchOut(PrematchSummary):
    """One page of candidates' plans and of employers' shortlists (the same page number and
    size for both lists); persons of counties you may not see are left out."""

    fair_id: int
    computed_by: str
    calibration: CalibrationOut
    parameters: dict[str, object]
    page: int
    page_size: int
    candidates_total: int
    vacancies_total: int
    candidates: list[CandidatePlanOut]
    vacancies: list[VacancyPlanOut]
