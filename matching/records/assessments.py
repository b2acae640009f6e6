"""Vocational ability assessments of one person, scoped like the person they belong to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from matching.access import Caller
from matching.errors import NotFoundError
from matching.imports import SPECS
from matching.imports.spec import EntitySpec
from matching.pages import DEFAULT_PAGE_SIZE, Page, paginate
from matching.records.persons import get_person
from matching.records.rows import cell_text, cells_of, ensure_unique, validated_record
from matching.records.writes import insert_record, update_record
from matching.storage import Assessment, Person

ASSESSMENTS = SPECS["assessments"]
# The person comes from the route, never from the body.
FROM_PERSON = frozenset({"id_number"})


def get_assessment(session: Session, assessment_id: int, caller: Caller) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or not caller.reaches(assessment.person):
        raise NotFoundError(
            f"assessment {assessment_id} not found in your county",
            f"未找到编号为{assessment_id}的评估记录（或不在您的管辖范围内）",
        )
    return assessment


def list_assessments(
    session: Session,
    person_id: int,
    caller: Caller,
    *,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Page[Assessment]:
    """A person's assessments, the newest first."""
    person = get_person(session, person_id, caller)
    return paginate(
        session,
        Assessment,
        [Assessment.person_id == person.id],
        order_by=[Assessment.assessed_on.desc(), Assessment.id.desc()],
        page=page,
        page_size=page_size,
    )


def create_assessment(
    session: Session,
    person_id: int,
    values: Mapping[str, object],
    *,
    caller: Caller,
    actor: str,
) -> Assessment:
    """Record an assessment of a person, as an assessments import row of them would."""
    person = get_person(session, person_id, caller)
    cells = cells_of(ASSESSMENTS, values, exclude=FROM_PERSON)
    cells["id_number"] = person.id_number
    record = validated_record(session, of_person(person.id), cells)
    ensure_unique(session, ASSESSMENTS, record)
    return insert_record(session, ASSESSMENTS, Assessment, record, actor=actor)


def update_assessment(
    session: Session,
    assessment_id: int,
    changes: Mapping[str, object],
    *,
    caller: Caller,
    actor: str,
) -> Assessment:
    assessment = get_assessment(session, assessment_id, caller)
    cells = stored_cells(assessment) | cells_of(ASSESSMENTS, changes, exclude=FROM_PERSON)
    record = validated_record(session, of_person(assessment.person_id), cells)
    ensure_unique(session, ASSESSMENTS, record, exclude_id=assessment.id)
    update_record(session, ASSESSMENTS, assessment, record, actor=actor)
    return assessment


def of_person(person_id: int) -> EntitySpec:
    """The assessments spec matching its row's resident ID to this person only (the same ID
    may be stored in another county, ``matching.person_conflicts``)."""
    return replace(ASSESSMENTS, reach=Person.id == person_id)


def stored_cells(assessment: Assessment) -> dict[str, str]:
    """The assessment as the cells of an assessments import row."""
    values: dict[str, Any] = {
        field.key: getattr(assessment, field.key)
        for field in ASSESSMENTS.fields
        if field.key not in FROM_PERSON
    }
    values["id_number"] = assessment.person.id_number
    return {key: cell_text(value, key) for key, value in values.items()}
