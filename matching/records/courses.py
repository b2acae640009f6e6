"""Training courses (培训课程) with their bases: readable by every staff role, written city-wide.

A course names its training base by code, as in an import: a new code creates the base, a known
one gets the name, county (and accessibility, when given) of the write. Because a base is shared
by the courses of several counties' persons, only city-wide users (admins) write courses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from matching import codes
from matching.access import Caller
from matching.errors import NotFoundError, OutOfCounty
from matching.imports import SPECS
from matching.pages import DEFAULT_PAGE_SIZE, Page, paginate
from matching.records.filters import code, prefix, search_text, substring
from matching.records.rows import cell_text, cells_of, ensure_unique, validated_record
from matching.records.writes import insert_record, update_record
from matching.storage import Course, TrainingBase

COURSES = SPECS["courses"]
BASE_COLUMNS = {"base_code": "code", "base_name": "name", "base_county": "county",
                "base_accessibility": "accessibility"}  # fmt: skip


@dataclass(frozen=True)
class CourseFilters:
    county: str | None = None
    base_id: int | None = None
    base_code: str | None = None
    status: str | None = None
    occupation: str | None = None
    title: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        base_code = search_text(self.base_code, "base_code")
        county = code(TrainingBase.county, codes.COUNTIES, self.county, "county")
        found = [
            None if county is None else Course.base_id.in_(select(TrainingBase.id).where(county)),
            None if self.base_id is None else Course.base_id == self.base_id,
            None
            if base_code is None
            else Course.base_id.in_(select(TrainingBase.id).where(TrainingBase.code == base_code)),
            code(Course.status, codes.COURSE_STATUSES, self.status, "status"),
            prefix(Course.occupation_code, self.occupation, "occupation"),
            substring(Course.title, self.title, "title"),
        ]
        return [condition for condition in found if condition is not None]


def get_course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id, options=[selectinload(Course.base)])
    if course is None:
        raise NotFoundError(f"course {course_id} not found", f"未找到编号为{course_id}的培训课程")
    return course


def search_courses(
    session: Session, filters: CourseFilters, *, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> Page[Course]:
    return paginate(
        session,
        Course,
        filters.conditions(),
        order_by=[Course.id],
        page=page,
        page_size=page_size,
        options=[selectinload(Course.base)],
    )


def create_course(
    session: Session, values: Mapping[str, object], *, caller: Caller, actor: str
) -> Course:
    require_city_wide(caller)
    record = validated_record(session, COURSES, cells_of(COURSES, values))
    ensure_unique(session, COURSES, record)
    course = insert_record(session, COURSES, Course, record, actor=actor)
    session.refresh(course, ["base"])
    return course


def update_course(
    session: Session,
    course_id: int,
    changes: Mapping[str, object],
    *,
    caller: Caller,
    actor: str,
) -> Course:
    require_city_wide(caller)
    course = get_course(session, course_id)
    cells = stored_cells(course) | cells_of(COURSES, changes)
    if "base_accessibility" not in changes:
        del cells["base_accessibility"]  # leave the base's accessibility as it is
    record = validated_record(session, COURSES, cells)
    ensure_unique(session, COURSES, record, exclude_id=course.id)
    update_record(session, COURSES, course, record, actor=actor)
    session.refresh(course, ["base"])
    return course


def require_city_wide(caller: Caller) -> None:
    if not caller.city_wide:
        raise OutOfCounty(
            "courses and training bases are written by city-wide users (admins) only",
            "培训课程和培训基地由市级管理员统一维护，县级用户不能新增或修改",
        )


def stored_cells(course: Course) -> dict[str, str]:
    values: dict[str, Any] = {
        field.key: getattr(course, field.key)
        for field in COURSES.fields
        if field.key not in BASE_COLUMNS
    }
    for key, column in BASE_COLUMNS.items():
        values[key] = getattr(course.base, column)
    return {key: cell_text(value, key) for key, value in values.items()}
