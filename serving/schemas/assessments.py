"""API models of vocational ability assessments (the person comes from the route)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, Strict

from matching.records.assessments import ASSESSMENTS
from matching.storage import Assessment
from serving.schemas.common import (
    WRITE_CONFIG,
    Items,
    Number,
    Stamp,
    Text,
    Whole,
    column,
    text_ceiling,
)

# A score 0-4, or its level name (基本胜任...), as an import cell may hold it.
Score = Whole | Annotated[str, Strict(), Field(max_length=20)]


def _c(key: str, required: bool = False, limit: int = 50) -> Any:
    return column(ASSESSMENTS, key, required=required, max_length=text_ceiling(limit))


def _score(key: str, required: bool = False) -> Any:
    return column(ASSESSMENTS, key, required=required)


class AssessmentChanges(BaseModel):
    """Fields to change (PATCH); the whole assessment is validated again after the change."""

    model_config = WRITE_CONFIG

    assessed_on: Text | None = _c("assessed_on")
    assessor: Text | None = _c("assessor")
    vision: Score | None = _score("vision")
    hearing: Score | None = _score("hearing")
    speech: Score | None = _score("speech")
    reading_writing: Score | None = _score("reading_writing")
    fine_dexterity: Score | None = _score("fine_dexterity")
    lifting: Score | None = _score("lifting")
    standing: Score | None = _score("standing")
    mobility: Score | None = _score("mobility")
    learning: Score | None = _score("learning")
    attention: Score | None = _score("attention")
    social: Score | None = _score("social")
    stress: Score | None = _score("stress")
    computer: Score | None = _score("computer")
    sustainable_hours: Number | None = column(ASSESSMENTS, "sustainable_hours")
    skills: Items | None = column(ASSESSMENTS, "skills")
    certificates: Items | None = column(ASSESSMENTS, "certificates")
    accommodations_needed: Items | None = column(ASSESSMENTS, "accommodations_needed")
    preferred_forms: Items | None = column(ASSESSMENTS, "preferred_forms")
    notes: Text | None = _c("notes", limit=500)


class AssessmentCreate(AssessmentChanges):
    """A new assessment of the person in the route, validated like an assessments import row."""

    assessed_on: Text = _c("assessed_on", required=True)
    vision: Score = _score("vision", required=True)
    hearing: Score = _score("hearing", required=True)
    speech: Score = _score("speech", required=True)
    reading_writing: Score = _score("reading_writing", required=True)
    fine_dexterity: Score = _score("fine_dexterity", required=True)
    lifting: Score = _score("lifting", required=True)
    standing: Score = _score("standing", required=True)
    mobility: Score = _score("mobility", required=True)
    learning: Score = _score("learning", required=True)
    attention: Score = _score("attention", required=True)
    social: Score = _score("social", required=True)
    stress: Score = _score("stress", required=True)
    computer: Score = _score("computer", required=True)
    sustainable_hours: Number = column(ASSESSMENTS, "sustainable_hours", required=True)


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
