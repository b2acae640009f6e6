"""Request bodies and parameter types of the ledger routes.

The schema says everything a value may be: codes are enums (code or Chinese label), texts have
lengths and no control characters (required ones need a visible character), numbers are whole
and bounded (ids within PostgreSQL ``integer``), days are ``YYYY-MM-DD``. So a request that fits
the schema meets no 422 from the domain; what the stored state or today's date does not allow
is a 409 (``matching.ledgers.errors``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

from matching.codes import (
    COUNTIES,
    FOLLOWUP_CHANNELS,
    GRADUATE_DEGREES,
    GRADUATE_STATUSES,
    LEDGER_ACTION_STATUSES,
    LEDGER_SERVICES,
    CodeList,
)
from matching.ledgers.transitions import OPENING_STATUSES
from serving.api.schemas.common import IdValue, OneOf

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Printable text: no control characters but tab and line breaks (what the domain refuses);
# FILLED also needs one visible character (what is left after stripping spaces).
_OK = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
TEXT_PATTERN = rf"^{_OK}*$"
FILLED_PATTERN = rf"^{_OK}*[^\s\x00-\x1f\x7f-\x9f]{_OK}*$"


def _iso_day(value: object) -> object:
    """Only a YYYY-MM-DD text is a day (as the schema's ``format: date`` says): no timestamps,
    no numbers."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return date.fromisoformat(value)
    raise ValueError("a day must be written YYYY-MM-DD")


def _whole(value: object) -> object:
    """JSON Schema counts 5.0 as an integer, so it is one; text and true/false are not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


def choices(codes: CodeList, only: frozenset[str] | None = None) -> OneOf:
    """The codes of a list and their Chinese labels (an ``enum`` in the schema)."""
    kept = [c for c in codes if only is None or c.code in only]
    return OneOf(tuple(c.code for c in kept) + tuple(c.zh for c in kept))


# Whole numbers as the schema means them: 5 and 5.0, never "5".
# (The bounds come first: after a BeforeValidator, pydantic would not document them.)
Id = IdValue  # a record id, as every route spells it (serving.api.schemas.common)
Year = Annotated[int, Field(ge=2000, le=2100), BeforeValidator(_whole)]
Day = Annotated[date, BeforeValidator(_iso_day)]
Note = Annotated[str, Strict(), Field(max_length=500, pattern=TEXT_PATTERN)]
Status = Annotated[str, choices(GRADUATE_STATUSES)]
OpeningStatus = Annotated[str, choices(GRADUATE_STATUSES, OPENING_STATUSES)]
Degree = Annotated[str, choices(GRADUATE_DEGREES)]
Service = Annotated[str, choices(LEDGER_SERVICES)]
Channel = Annotated[str, choices(FOLLOWUP_CHANNELS)]
ActionStatus = Annotated[str, choices(LEDGER_ACTION_STATUSES)]
County = Annotated[str, choices(COUNTIES)]
Services = Annotated[list[Service], Field(max_length=20)]
School = Annotated[str, Strict(), Field(max_length=100, pattern=TEXT_PATTERN)]
FilledSchool = Annotated[str, Strict(), Field(max_length=100, pattern=FILLED_PATTERN)]
Needs = Annotated[str, Strict(), Field(max_length=2000, pattern=TEXT_PATTERN)]


# --- requests ----------------------------------------------------------------------------------
class LedgerCreate(BaseModel):
    """School, major, degree, graduation year and status default to the person's record (a
    blank school or major too)."""

    model_config = ConfigDict(extra="forbid")

    person_id: Id
    degree: Degree | None = None
    school: School | None = None
    major: School | None = None
    graduation_year: Year | None = None
    needs: Needs | None = None
    intended_services: Services = []
    status: OpeningStatus | None = Field(None, description="公益性岗位 only through a status move")
    case_worker_id: Id | None = None


class LedgerPatch(BaseModel):
    """Only the fields sent change; null clears needs and case_worker_id and leaves the other
    fields as they are."""

    model_config = ConfigDict(extra="forbid")

    degree: Degree | None = None
    school: FilledSchool | None = None
    major: FilledSchool | None = None
    graduation_year: Year | None = None
    needs: Needs | None = None
    intended_services: Services | None = None
    case_worker_id: Id | None = None


class ActionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: Service
    target_date: Day = Field(description="within five years from today")
    note: Note | None = None
    referral_id: Id | None = None


class ActionPatch(BaseModel):
    """null leaves status, done_on and target_date as they are; null clears the note."""

    model_config = ConfigDict(extra="forbid")

    status: ActionStatus | None = Field(None, description="done (已完成) or cancelled (已取消)")
    done_on: Day | None = Field(None, description="not in the future; alone it marks it done")
    target_date: Day | None = None
    note: Note | None = None


class FollowUpCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contacted_on: Day = Field(description="not in the future")
    channel: Channel
    action: Annotated[
        str,
        Strict(),
        Field(min_length=1, max_length=500, pattern=FILLED_PATTERN, description="what was done"),
    ]
    result: Note | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    changed_on: Day | None = Field(None, description="default: today; not before the last change")
    note: Note | None = None
