"""From counted rows to figures: once per person and year, shares of a state, counties with a base,
and the pace a target asks for. Pure functions over ``measures.Entry`` rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from matching.codelist import CodeList
from matching.codes import COUNTIES, DISABILITY_CATEGORIES, DISABILITY_LEVELS, HUKOU, SEXES
from matching.progress.definitions import Measure, Reason, Shape, no_denominator
from matching.progress.measures import Entry
from matching.progress.periods import Period
from matching.progress.targets import PLAN_COUNTIES, TargetLine

__all__ = [
    "BREAKDOWNS",
    "Figure",
    "Pace",
    "counted",
    "figure_of",
    "first_per_person",
    "group_of",
    "pace_of",
]

BREAKDOWNS: dict[str, CodeList] = {
    "county": COUNTIES,
    "category": DISABILITY_CATEGORIES,
    "level": DISABILITY_LEVELS,
    "sex": SEXES,
    "hukou": HUKOU,
}
"""The groups a figure may be broken down by, each with the code list naming its groups."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A count (persons, counties) or a share (0–1, with its numerator and denominator);
    ``value`` None exactly when ``reason`` says why. ``listed`` is how many rows its list has."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    listed: int = 0
    reason: Reason | None = None


@dataclass(frozen=True, slots=True)
class Pace:
    """Where the target line stands at the period's end (``expected``), what is still missing
    for the year's target (``gap``: persons, or counties), and — for yearly counts — how many a
    month the months after the period must bring (``per_month``, else ``reason``)."""

    expected: float
    gap: float
    on_track: bool
    per_month: float | None
    reason: Reason | None


def group_of(entry: Entry, breakdown: str) -> str:
    return {
        "county": entry.county,
        "category": entry.category,
        "level": entry.level,
        "sex": entry.sex,
        "hukou": entry.hukou,
    }[breakdown]


def first_per_person(rows: Iterable[Entry]) -> list[Entry]:
    """Each person's first entry of the year (by day, then the record's kind and id)."""
    first: dict[int, Entry] = {}
    for row in sorted(rows, key=lambda r: (r.day or date.min, r.record, r.record_id)):
        first.setdefault(row.key, row)
    return list(first.values())


def counted(measure: Measure, rows: list[Entry], start: date, through: date) -> list[Entry]:
    """The rows a figure of ``measure`` from ``start`` to ``through`` counts (its list):
    flows, persons whose first entry of the year falls in the window; states and registers,
    every row (the whole denominator)."""
    if measure.shape is not Shape.FLOW:
        return rows
    return [row for row in first_per_person(rows) if start <= (row.day or date.min) <= through]


def figure_of(
    measure: Measure, rows: list[Entry], counties: Iterable[str] = PLAN_COUNTIES
) -> Figure:
    """The figure of the counted ``rows`` (``counted``); ``counties`` are those a base count is
    held against."""
    if measure.shape is Shape.FLOW:
        return Figure(float(len(rows)), listed=len(rows))
    if measure.shape is Shape.REGISTER:
        wanted = [county for county in counties if county in PLAN_COUNTIES]
        covered = len({row.county for row in rows} & set(wanted))
        return Figure(float(covered), covered, len(wanted), listed=len(rows))
    if not rows:
        return Figure(None, reason=no_denominator("persons in this group", "该组人员"))
    hits = sum(row.hit for row in rows)
    return Figure(hits / len(rows), hits, len(rows), listed=len(rows))


def pace_of(measure: Measure, figure: Figure, target: TargetLine, period: Period) -> Pace | None:
    """The pace of ``figure`` (the year to date) against ``target``; None when there is no
    figure (its reason says why)."""
    if figure.value is None:
        return None
    if measure.shape is Shape.FLOW:
        elapsed = period.months_elapsed
        expected = target.value * elapsed / 12
        gap = max(0.0, target.value - figure.value)
        left = 12 - elapsed
        if left > 0:
            return Pace(expected, gap, figure.value >= expected, gap / left, None)
        return Pace(expected, gap, figure.value >= expected, None, _no_month_left(period.year))
    if measure.shape is Shape.REGISTER:
        gap = max(0.0, float(figure.denominator or 0) - figure.value)
        return Pace(float(figure.denominator or 0), gap, gap == 0, None, _not_monthly())
    denominator = figure.denominator or 0
    needed = max(0, math.ceil(target.value * denominator - (figure.numerator or 0) - 1e-9))
    return Pace(target.value, float(needed), figure.value >= target.value, None, _not_monthly())


def _no_month_left(year: int) -> Reason:
    return Reason(
        "year_over",
        f"the period reaches the end of {year}: no month is left to make up the gap",
        f"统计期已到{year}年末，当年已无剩余月份",
    )


def _not_monthly() -> Reason:
    return Reason(
        "no_monthly_pace",
        "a share or a floor has no monthly pace; gap says how many persons or counties are missing",
        "比例或下限类目标不按月分解；差距为尚缺的人数或县（市、区）数",
    )
