"""Employers (用人单位): readable by every staff role; written city-wide or in one's own county."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from matching import codes
from matching.access import Caller
from matching.errors import NotFoundError
from matching.imports import SPECS
from matching.pages import DEFAULT_PAGE_SIZE, Page, paginate
from matching.records.filters import code, search_text, substring
from matching.records.rows import cell_text, cells_of, ensure_unique, validated_record
from matching.records.writes import insert_record, update_record
from matching.storage import Employer

EMPLOYERS = SPECS["employers"]
WHAT_ZH = "用人单位"


@dataclass(frozen=True)
class EmployerFilters:
    county: str | None = None
    kind: str | None = None
    name: str | None = None
    credit_code: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        credit_code = search_text(self.credit_code, "credit_code")
        found = [
            code(Employer.county, codes.COUNTIES, self.county, "county"),
            code(Employer.kind, codes.EMPLOYER_KINDS, self.kind, "kind"),
            substring(Employer.name, self.name, "name"),
            None if credit_code is None else Employer.credit_code == credit_code.upper(),
        ]
        return [condition for condition in found if condition is not None]


def get_employer(session: Session, employer_id: int) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise NotFoundError(
            f"employer {employer_id} not found", f"未找到编号为{employer_id}的用人单位"
        )
    return employer


def search_employers(
    session: Session, filters: EmployerFilters, *, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> Page[Employer]:
    return paginate(
        session,
        Employer,
        filters.conditions(),
        order_by=[Employer.id],
        page=page,
        page_size=page_size,
    )


def create_employer(
    session: Session, values: Mapping[str, object], *, caller: Caller, actor: str
) -> Employer:
    record = validated_record(session, EMPLOYERS, cells_of(EMPLOYERS, values))
    caller.require_county(record["county"], WHAT_ZH)
    ensure_unique(session, EMPLOYERS, record)
    return insert_record(session, EMPLOYERS, Employer, record, actor=actor)


def update_employer(
    session: Session,
    employer_id: int,
    changes: Mapping[str, object],
    *,
    caller: Caller,
    actor: str,
) -> Employer:
    employer = get_employer(session, employer_id)
    caller.require_county(employer.county, WHAT_ZH)
    record = validated_record(
        session, EMPLOYERS, stored_cells(employer) | cells_of(EMPLOYERS, changes)
    )
    caller.require_county(record["county"], WHAT_ZH)
    ensure_unique(session, EMPLOYERS, record, exclude_id=employer.id)
    update_record(session, EMPLOYERS, employer, record, actor=actor)
    return employer


def stored_cells(employer: Employer) -> dict[str, str]:
    values: dict[str, Any] = {field.key: getattr(employer, field.key) for field in EMPLOYERS.fields}
    return {key: cell_text(value, key) for key, value in values.items()}
