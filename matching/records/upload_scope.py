"""Keep an import inside the uploader's county: rows of other counties are rejected.

``scoped(spec, caller)`` narrows the persons the import may match by resident ID to the
caller's reach (``EntitySpec.reach``) and wraps the spec's ``prepare``: after it has built each
row's record, a row is rejected when the record's county is not the uploader's, or (employers,
vacancies, whose keys are unique city-wide) when the record it would update is stored in
another county. Rejected rows are not written, like any invalid row. A persons row whose ID is
stored only in another county is not rejected: it is a new person of the uploader's county, and
the pair is queued for an administrator (``matching.person_conflicts``), so the answer is the
one a new ID gets and reveals nothing of the other county.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from matching.access import Caller
from matching.codes import COUNTIES
from matching.errors import OutOfCounty, ValidationError
from matching.imports import EntitySpec
from matching.imports.runner import chunks
from matching.imports.spec import ParsedRow
from matching.storage import Employer, Person, Vacancy

RowCheck = Callable[[Session, Caller, list[ParsedRow]], None]


def scoped(spec: EntitySpec, caller: Caller) -> EntitySpec:
    """``spec`` unchanged for a city-wide caller, else with rows outside the county rejected."""
    if caller.city_wide:
        return spec
    check = CHECKS.get(spec.name)
    if check is None or caller.graduates_only:
        raise OutOfCounty(
            f"{spec.name} files are imported by city-wide users only",
            f"{spec.zh}文件只能由市级管理员导入",
        )
    original = spec.prepare

    def prepare(session: Session, rows: list[ParsedRow], reach: ColumnElement[bool]) -> None:
        original(session, rows, reach)
        check(session, caller, [row for row in rows if row.ok])

    return replace(spec, prepare=prepare, reach=caller.person_condition())


def stored_counties(
    session: Session, key: InstrumentedAttribute[Any], county: InstrumentedAttribute[Any],
    values: list[Any],
) -> dict[Any, str]:  # fmt: skip
    found: dict[Any, str] = {}
    for chunk in chunks(sorted(set(values))):
        for value, stored in session.execute(select(key, county).where(key.in_(chunk))):
            found[value] = stored
    return found


def keyed_check(
    key_column: InstrumentedAttribute[Any], county_column: InstrumentedAttribute[Any], key: str
) -> RowCheck:
    """Check the record's county and the county of the stored record with the same key."""

    def check(session: Session, caller: Caller, rows: list[ParsedRow]) -> None:
        stored = stored_counties(
            session, key_column, county_column, [row.record[key] for row in rows]
        )
        for row in rows:
            if not caller.sees_county(row.record["county"]):
                row.reject("county", outside(caller, row.record["county"]))
                continue
            elsewhere = stored.get(row.record[key])
            if elsewhere is not None and not caller.sees_county(elsewhere):
                row.reject(key, stored_elsewhere())

    return check


def county_check(session: Session, caller: Caller, rows: list[ParsedRow]) -> None:
    """A persons row of another county is rejected; its ID is looked up within reach only."""
    del session
    for row in rows:
        if not caller.sees_county(row.record["county"]):
            row.reject("county", outside(caller, row.record["county"]))


def assessment_check(session: Session, caller: Caller, rows: list[ParsedRow]) -> None:
    """An assessment of a person of another county: "no such person", as the API answers.

    (``prepare`` already looks persons up within reach; this is the second line.)"""
    counties = stored_counties(
        session, Person.id, Person.county, [row.record["person_id"] for row in rows]
    )
    for row in rows:
        if not caller.sees_county(counties.get(row.record["person_id"])):
            row.reject(
                "id_number",
                ValidationError(
                    "person_not_found",
                    "no registered person has this resident ID",
                    "系统中没有该身份证号的登记人员，请先导入人员信息",
                ),
            )


def outside(caller: Caller, county: str) -> ValidationError:
    return ValidationError(
        "out_of_county",
        f"the row's county {county} is not the uploader's county {caller.county}",
        f"只能导入本县（市、区）（{caller.county_zh}）的记录，本行为{COUNTIES.label(county)}",
    )


def stored_elsewhere() -> ValidationError:
    return ValidationError(
        "stored_in_other_county",
        "a record with this key is stored in another county",
        "该记录已由其他县（市、区）登记，本县不能导入修改；如需变更请联系市级管理员",
    )


CHECKS: dict[str, RowCheck] = {
    "persons": county_check,
    "assessments": assessment_check,
    "employers": keyed_check(Employer.credit_code, Employer.county, "credit_code"),
    "vacancies": keyed_check(Vacancy.code, Vacancy.county, "code"),
}
