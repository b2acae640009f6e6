"""What a progress report holds: the plan's measures for one period and scope, the same measures
broken down by each group, and the newly employed month by month against the pace line.

Every number here is read from ``matching.progress.progress_report`` — the object behind
``GET /api/progress`` — with the same arguments the API would get, so the workbook, the pages and
the API cannot disagree (tests/test_report_reconcile.py checks it). The monthly series is the
month figure of each month's own report, and its running total is each month's year to date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.progress import BREAKDOWNS, ProgressReport, Reason, TargetLine, progress_report

__all__ = [
    "BREAKDOWN_ZH",
    "PLACEMENTS",
    "MonthPoint",
    "ProgressContent",
    "progress_content",
]

PLACEMENTS = "newly_employed"
"""The measure the charts show: persons newly employed (新增就业)."""
BREAKDOWN_ZH = {
    "county": "县（市、区）",
    "category": "残疾类别",
    "level": "残疾等级",
    "sex": "性别",
    "hukou": "城乡",
}


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """One month of the year: persons newly employed in it (their first entry of the year), the
    year to its end, and where the pace line stands at its end (target × month / 12)."""

    month: int
    value: float | None
    cumulative: float | None
    pace: float | None
    reason: Reason | None


@dataclass(frozen=True, slots=True)
class ProgressContent:
    """The report of the period (``report``), one report per asked breakdown, and the months of
    the year up to the period's end."""

    report: ProgressReport
    breakdowns: dict[str, ProgressReport]
    months: list[MonthPoint]

    @property
    def placements_target(self) -> TargetLine | None:
        return self.report.measure(PLACEMENTS).target


def progress_content(
    source: Session | Engine,
    caller: Caller,
    year: int,
    month: int | None = None,
    county: str | None = None,
    *,
    today: date,
    working_age: tuple[int, int],
    breakdowns: Iterable[str] = tuple(BREAKDOWNS),
) -> ProgressContent:
    """The report of ``year`` (and ``month``) within ``county`` as ``caller`` may see it (county
    scope and links as the API gives them); bad input raises the API's errors."""

    def report(month_of: int | None, breakdown: str | None = None) -> ProgressReport:
        return progress_report(
            source,
            caller,
            year,
            month_of,
            county,
            breakdown=breakdown,
            today=today,
            working_age=working_age,
        )

    main = report(month)
    by_group = {name: report(month, name) for name in dict.fromkeys(breakdowns)}
    target = main.measure(PLACEMENTS).target
    months = []
    for number in range(1, (month or 12) + 1):
        found = main if number == month else report(number)
        measure = found.measure(PLACEMENTS)
        figure = measure.month
        assert figure is not None  # a month's report has a month figure
        months.append(
            MonthPoint(
                month=number,
                value=figure.value,
                cumulative=measure.year_to_date.value,
                pace=target.value * number / 12 if target else None,
                reason=figure.reason,
            )
        )
    return ProgressContent(main, by_group, months)
