"""Persons (求职登记人员): read, search, create and update, within the caller's county.

A person outside the caller's scope is answered exactly like a missing one (404), and a
search counts only the persons the caller sees.

A resident ID or certificate number taken is 409 within what the caller sees: their own county
for a counselor, the whole city for a city-wide caller. A counselor registering (or changing a
person to) an ID stored in another county gets the answer a new ID gets, and the pair is queued
for an administrator (``matching.person_conflicts``): a 409 there would tell anyone with a
counselor account whether an ID belongs to a registered disabled person elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from matching import codes
from matching.access import Caller
from matching.errors import NotFoundError, ValidationError
from matching.imports import SPECS
from matching.pages import DEFAULT_PAGE_SIZE, Page, paginate
from matching.person_conflicts.detect import queue_conflicts
from matching.records.filters import code, substring
from matching.records.rows import cell_text, cells_of, ensure_unique, validated_record
from matching.records.writes import insert_record, update_record
from matching.storage import Person
from matching.validators import parse_certificate, parse_resident_id

PERSONS = SPECS["persons"]
# Columns an import derives from the ID and certificate when their cells are empty.
DERIVED = ("sex", "disability_category", "disability_level")
UNIQUE_ALSO = (("certificate_number", "残疾人证号"),)
NUMBERS = ("id_number", "certificate_number")
# The API names the person by id: the import's lookup by resident ID finds the record being
# changed, or nothing for a new one (the ID may be stored in another county, which is queued,
# or in two, which must not make a create ambiguous).
NEW_PERSON = replace(PERSONS, reach=false())


@dataclass(frozen=True)
class PersonFilters:
    """Search filters; codes may be given in any spelling the code lists accept."""

    county: str | None = None
    disability_category: str | None = None
    disability_level: str | None = None
    employment_status: str | None = None
    sex: str | None = None
    is_graduate: bool | None = None
    name: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found = [
            code(Person.county, codes.COUNTIES, self.county, "county"),
            code(Person.disability_category, codes.DISABILITY_CATEGORIES,
                 self.disability_category, "disability_category"),
            code(Person.disability_level, codes.DISABILITY_LEVELS, self.disability_level,
                 "disability_level"),
            code(Person.employment_status, codes.EMPLOYMENT_STATUSES, self.employment_status,
                 "employment_status"),
            code(Person.sex, codes.SEXES, self.sex, "sex"),
            substring(Person.name, self.name, "name"),
            None if self.is_graduate is None else Person.is_graduate.is_(self.is_graduate),
        ]  # fmt: skip
        return [condition for condition in found if condition is not None]


def get_person(session: Session, person_id: int, caller: Caller) -> Person:
    person = session.get(Person, person_id)
    if person is None or not caller.reaches(person):
        raise NotFoundError(
            f"person {person_id} not found in your county",
            f"未找到编号为{person_id}的人员（或不在您的管辖范围内）",
        )
    return person


def search_persons(
    session: Session,
    filters: PersonFilters,
    caller: Caller,
    *,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Page[Person]:
    return paginate(
        session,
        Person,
        [caller.person_condition(), *filters.conditions()],
        order_by=[Person.id],
        page=page,
        page_size=page_size,
    )


def create_person(
    session: Session, values: Mapping[str, object], *, caller: Caller, actor: str
) -> Person:
    """Register a person as a persons import of this one row would (403 outside the county)."""
    record = validated_record(session, NEW_PERSON, cells_of(PERSONS, values))
    caller.require_county(record["county"], "人员")
    ensure_unique(session, PERSONS, record, also=UNIQUE_ALSO, within=taken_within(caller, record))
    person = insert_record(session, PERSONS, Person, record, actor=actor)
    queue_conflicts(session, [person], actor=actor, via="api")
    return person


def update_person(
    session: Session,
    person_id: int,
    changes: Mapping[str, object],
    *,
    caller: Caller,
    actor: str,
) -> Person:
    """Change some fields; the whole row is validated again as an import of it would be.

    Sex, disability category and level not given are derived again from the ID and certificate.
    """
    person = get_person(session, person_id, caller)
    cells = stored_cells(person)
    for key in DERIVED:
        cells[key] = ""
    cells |= cells_of(PERSONS, changes)
    record = validated_record(session, replace(PERSONS, reach=Person.id == person.id), cells)
    caller.require_county(record["county"], "人员")
    numbers_kept = all(record[key] == getattr(person, key) for key in NUMBERS)
    within = Person.county == record["county"] if numbers_kept else taken_within(caller, record)
    ensure_unique(session, PERSONS, record, exclude_id=person.id, also=UNIQUE_ALSO, within=within)
    if update_record(session, PERSONS, person, record, actor=actor):
        queue_conflicts(session, [person], actor=actor, via="api")
    return person


def taken_within(caller: Caller, record: Mapping[str, Any]) -> ColumnElement[bool]:
    """Where a person's ID or certificate counts as taken (409): the record's county for a
    county caller (the other counties' records are not theirs to know of), everywhere for a
    city-wide caller, who sees every county and must not make a second record of anyone."""
    return true() if caller.city_wide else Person.county == record["county"]


def stored_cells(person: Person) -> dict[str, str]:
    """The person as the cells of a persons import row."""
    values: dict[str, Any] = {field.key: getattr(person, field.key) for field in PERSONS.fields}
    return {key: cell_text(value, key) for key, value in values.items()}


def persons_by_number(session: Session, text: str, caller: Caller) -> list[Person]:
    """The persons the caller reaches whose resident ID (18 characters) or certificate number
    (20) is exactly ``text``: never a partial match, which would list strangers' records to
    anyone who types a few digits. ``ValidationError`` names what is wrong with the number."""
    number = "".join(text.split()).upper()
    if len(number) == 20:
        column, value = Person.certificate_number, parse_certificate(number).number
    elif len(number) == 18:
        column, value = Person.id_number, parse_resident_id(number).number
    else:
        raise ValidationError(
            "number_incomplete",
            "give a whole resident ID (18 characters) or certificate number (20)",
            "请输入完整的18位身份证号或20位残疾人证号（不支持按部分号码查找）",
            field="q",
        )
    query = select(Person).where(column == value, caller.person_condition()).order_by(Person.id)
    return list(session.scalars(query))
