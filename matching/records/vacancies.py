"""Vacancies (招聘岗位): readable by every staff role; written city-wide or in one's own county.

An update that changes the occupation gives the demand profile of the new occupation to every
demand not given in the same update, as re-importing the row without demand columns would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session, selectinload

from matching import codes
from matching.access import Caller
from matching.errors import NotFoundError
from matching.imports import SPECS
from matching.imports.vacancies import DEMAND_KEYS
from matching.pages import DEFAULT_PAGE_SIZE, Page, paginate
from matching.records.filters import code, prefix, substring
from matching.records.rows import cell_text, cells_of, ensure_unique, validated_record
from matching.records.writes import insert_record, update_record
from matching.storage import Vacancy

VACANCIES = SPECS["vacancies"]
WHAT_ZH = "招聘岗位"


@dataclass(frozen=True)
class VacancyFilters:
    county: str | None = None
    occupation: str | None = None
    status: str | None = None
    channel: str | None = None
    work_mode: str | None = None
    employer_id: int | None = None
    reserved_for_disabled: bool | None = None
    graduate_oriented: bool | None = None
    title: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found = [
            code(Vacancy.county, codes.COUNTIES, self.county, "county"),
            prefix(Vacancy.occupation_code, self.occupation, "occupation"),
            code(Vacancy.status, codes.VACANCY_STATUSES, self.status, "status"),
            code(Vacancy.channel, codes.VACANCY_CHANNELS, self.channel, "channel"),
            code(Vacancy.work_mode, codes.WORK_MODES, self.work_mode, "work_mode"),
            None if self.employer_id is None else Vacancy.employer_id == self.employer_id,
            None
            if self.reserved_for_disabled is None
            else Vacancy.reserved_for_disabled.is_(self.reserved_for_disabled),
            None
            if self.graduate_oriented is None
            else Vacancy.graduate_oriented.is_(self.graduate_oriented),
            substring(Vacancy.title, self.title, "title"),
        ]
        return [condition for condition in found if condition is not None]


def get_vacancy(session: Session, vacancy_id: int) -> Vacancy:
    vacancy = session.get(Vacancy, vacancy_id, options=[selectinload(Vacancy.employer)])
    if vacancy is None:
        raise NotFoundError(
            f"vacancy {vacancy_id} not found", f"未找到编号为{vacancy_id}的招聘岗位"
        )
    return vacancy


def search_vacancies(
    session: Session, filters: VacancyFilters, *, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> Page[Vacancy]:
    return paginate(
        session,
        Vacancy,
        filters.conditions(),
        order_by=[Vacancy.id],
        page=page,
        page_size=page_size,
        options=[selectinload(Vacancy.employer)],
    )


def create_vacancy(
    session: Session, values: Mapping[str, object], *, caller: Caller, actor: str
) -> Vacancy:
    """Post a vacancy of a stored employer (named by credit code, as in an import)."""
    record = validated_record(session, VACANCIES, cells_of(VACANCIES, values))
    caller.require_county(record["county"], WHAT_ZH)
    ensure_unique(session, VACANCIES, record)
    vacancy = insert_record(session, VACANCIES, Vacancy, record, actor=actor)
    session.refresh(vacancy, ["employer"])
    return vacancy


def update_vacancy(
    session: Session,
    vacancy_id: int,
    changes: Mapping[str, object],
    *,
    caller: Caller,
    actor: str,
) -> Vacancy:
    vacancy = get_vacancy(session, vacancy_id)
    caller.require_county(vacancy.county, WHAT_ZH)
    changed_cells = cells_of(VACANCIES, changes)
    cells = stored_cells(vacancy) | changed_cells
    record = validated_record(session, VACANCIES, cells)
    if record["occupation_code"] != vacancy.occupation_code:
        for key in DEMAND_KEYS:
            if key not in changed_cells:
                cells[key] = ""
        record = validated_record(session, VACANCIES, cells)
    caller.require_county(record["county"], WHAT_ZH)
    ensure_unique(session, VACANCIES, record, exclude_id=vacancy.id)
    update_record(session, VACANCIES, vacancy, record, actor=actor)
    session.refresh(vacancy, ["employer"])
    return vacancy


def stored_cells(vacancy: Vacancy) -> dict[str, str]:
    values: dict[str, Any] = {
        field.key: getattr(vacancy, field.key)
        for field in VACANCIES.fields
        if field.key != "credit_code"
    }
    values["credit_code"] = vacancy.employer.credit_code
    return {key: cell_text(value, key) for key, value in values.items()}
