"""API models of vocational ability assessments (the person comes from the route)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, Strict

from matching.records.assessments import ASSESSMENTS
from matching.storage import Assessment
from serving.api.schemas.common import (
    WRITE_CONFIG,
    Columns,
    Items,
    Number,
    Stamp,
    Text,
    Whole,
)

# A score 0-4, or its level name (基本胜任...), as an import cell may hold it.
Score = Whole | Annotated[str, Strict(), Field(max_length=20)]


_c, _n = Columns(ASSESSMENTS).text, Columns(ASSESSMENTS).value


class AssessmentChanges(BaseModel):
    """Fields to change (PATCH); the whole assessment is validated again after the change."""

    model_config = WRITE_CONFIG

    assessed_on: Text | None = _c("assessed_on")
    assessor: Text | None = _c("assessor")
    vision: Score | None = _n("vision")
    hearing: Score | None = _n("hearing")
    speech: Score | None = _n("speech")
    reading_writing: Score | None = _n("reading_writing")
    fine_dexterity: Score | None = _n("fine_dexterity")
    lifting: Score | None = _n("lifting")
    standing: Score | None = _n("standing")
    mobility: Score | None = _n("mobility")
    learning: Score | None = _n("learning")
    attention: Score | None = _n("attention")
    social: Score | None = _n("social")
    stress: Score | None = _n("stress")
    computer: Score | None = _n("computer")
    sustainable_hours: Number | None = _n("sustainable_hours")
    skills: Items | None = _n("skills")
    certificates: Items | None = _n("certificates")
    accommodations_needed: Items | None = _n("accommodations_needed")
    preferred_forms: Items | None = _n("preferred_forms")
    notes: Text | None = _c("notes", limit=500)


class AssessmentCreate(AssessmentChanges):
    """A new assessment of the person in the route, validated like an assessments import row."""

    assessed_on: Text = _c("assessed_on", required=True)
    vision: Score = _n("vision", required=True)
    hearing: Score = _n("hearing", required=True)
    speech: Score = _n("speech", required=True)
    reading_writing: Score = _n("reading_writing", required=True)
    fine_dexterity: Score = _n("fine_dexterity", required=True)
    lifting: Score = _n("lifting", required=True)
    standing: Score = _n("standing", required=True)
    mobility: Score = _n("mobility", required=True)
    learning: Score = _n("learning", required=True)
    attention: Score = _n("attention", required=True)
    social: Score = _n("social", required=True)
    stress: Score = _n("stress", required=True)
    computer: Score = _n("computer", required=True)
    sustainable_hours: Number = _n("sustainable_hours", required=True)


class AssessmentRecord(BaseModel):
    """An assessment as stored: a score 0-4 per dimension (codes.ASSESSMENT_DIMENSIONS)."""

    id: int
    person_id: int
    assessed_on: date
    assessor: str | None
    vision: int
    hearing: int
    speech: int
    reading_writing: int
    fine_dexterity: int
    lifting: int
    standing: int
    mobility: int
    learning: int
    attention: int
    social: int
    stress: int
    computer: int
    sustainable_hours: float
    skills: list[str]
    certificates: list[str]
    accommodations_needed: list[str]
    preferred_forms: list[str]
    notes: str | None
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentRecord:
        return cls.model_validate(assessment, from_attributes=True)
