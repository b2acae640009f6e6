"""The list behind a progress figure: the persons (or bases) it counts, a page at a time.

The rows come from the same ``measures.entries`` and ``counting.counted`` as the figure, so a
list's ``total`` equals the figure's ``listed``. Persons' lists need ``Act.READ`` besides
``Act.PROGRESS`` (analysts get aggregates only) and hold only the persons the caller reaches (a
graduates' case worker's list holds the graduates among them, so it may be shorter than the
county's figure); ID numbers are masked and no disability is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.errors import ValidationError
from matching.pages import Page, check_page, offset_of
from matching.progress.counting import counted, group_of
from matching.progress.definitions import MEASURES, Measure, Reason
from matching.progress.measures import Scope, entries
from matching.progress.periods import Period
from matching.progress.report import check_breakdown, report_county
from matching.storage import Person
from matching.validators import mask_resident_id

__all__ = ["ProgressRecord", "RecordsAnswer", "measure_of", "progress_records"]


@dataclass(frozen=True, slots=True)
class ProgressRecord:
    """One counted row: the record that qualified (``record``: referral, ledger, person or
    training_base, and its id), its day, what it says, whether it is in a share's numerator,
    and the person (masked ID) when the measure counts persons."""

    record: str
    record_id: int
    day: date | None
    detail_zh: str
    counted: bool
    county: str
    person_id: int | None = None
    name: str | None = None
    id_number: str | None = None


@dataclass(frozen=True, slots=True)
class RecordsAnswer:
    """A page of rows, or the reason the figure (and so its list) does not exist."""

    page: Page[ProgressRecord]
    reason: Reason | None


def measure_of(key: str) -> Measure:
    if key in MEASURES:
        return MEASURES[key]
    raise ValidationError(
        "unknown_measure",
        f"unknown measure {key!r}; allowed: {', '.join(MEASURES)}",
        "统计项目无效，可选：" + "、".join(f"{m.key}（{m.name_zh}）" for m in MEASURES.values()),
        field="measure",
    )


def progress_records(
    session: Session,
    caller: Caller,
    *,
    measure: str,
    year: int,
    month: int | None = None,
    county: str | None = None,
    to_date: bool = False,
    breakdown: str | None = None,
    group: str | None = None,
    today: date | None = None,
    working_age: tuple[int, int] = (16, 59),
    page: int = 1,
    page_size: int = 20,
) -> RecordsAnswer:
    """The rows counted by ``measure``'s figure for the month (``to_date``: January to the
    month's end; no month: the year to date), within ``county`` and ``group`` of ``breakdown``."""
    chosen = measure_of(measure)
    code = report_county(caller, county)
    if chosen.personal:
        caller.require_act(Act.READ)
    if (breakdown is None) != (group is None):
        raise ValidationError(
            "group_needs_breakdown",
            "breakdown and group go together (e.g. breakdown=category&group=4)",
            "分组方式（breakdown）与分组（group）须同时给出",
            field="group",
        )
    check_breakdown(breakdown)
    check_page(page, page_size)
    period = Period(year, month, today or date.today())
    persons = caller.person_condition() if chosen.personal else true()
    found = entries(session, chosen.key, period, Scope(code, persons, working_age))
    if isinstance(found, Reason):
        return RecordsAnswer(Page([], 0, page, page_size), found)
    start = period.year_start if to_date or not month else period.start
    rows = counted(chosen, found, start, period.through)
    if breakdown is not None:
        rows = [row for row in rows if group_of(row, breakdown) == group]
    rows.sort(key=lambda row: (row.day or date.min, row.county, row.key, row.record_id))
    shown = rows[offset_of(page, page_size) :][:page_size]
    people = _people(session, [row.key for row in shown]) if chosen.personal else {}
    items = [
        ProgressRecord(
            row.record,
            row.record_id,
            row.day,
            row.detail_zh,
            row.hit,
            row.county,
            *((row.key, *people[row.key]) if chosen.personal else ()),
        )
        for row in shown
    ]
    return RecordsAnswer(Page(items, len(rows), page, page_size), None)


def _people(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """person id → (name, masked ID number) for the rows of one page."""
    query = select(Person.id, Person.name, Person.id_number).where(Person.id.in_(ids))
    return {pid: (name, mask_resident_id(number)) for pid, name, number in session.execute(query)}
