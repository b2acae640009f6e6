"""The period a progress figure covers: a calendar month or a whole year, and its year to date.

Days are Liaocheng's (UTC+8, no daylight saving): a hire recorded at 01:00 on 1 March local time
is stored as 17:00 UTC on 28 February and belongs to March. A period that has not ended yet is
counted up to ``today`` (``through``), the last day anything can have been recorded.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from matching.errors import ValidationError

__all__ = ["FIRST_YEAR", "LAST_YEAR", "LOCAL_TIME", "Period", "local_day"]

LOCAL_TIME = timezone(timedelta(hours=8), "UTC+8")
FIRST_YEAR = 2000
LAST_YEAR = 2100


def local_day(moment: datetime) -> date:
    """The local calendar day of a stored moment (SQLite gives stored UTC times back naive)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(LOCAL_TIME).date()


@dataclass(frozen=True, slots=True)
class Period:
    """``month`` None: the whole ``year``; otherwise that month, with the year to its end."""

    year: int
    month: int | None
    today: date

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValidationError(
                "year_out_of_range",
                f"year must be {FIRST_YEAR}..{LAST_YEAR}, got {self.year}",
                f"年份应在{FIRST_YEAR}至{LAST_YEAR}之间",
                field="year",
            )
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValidationError(
                "month_out_of_range",
                f"month must be 1..12, got {self.month}",
                "月份应在1至12之间",
                field="month",
            )

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def start(self) -> date:
        """The first day of the month, or of the year."""
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        """The last day of the month, or of the year."""
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def through(self) -> date:
        """The last day counted: the period's end, or today while it runs."""
        return min(self.end, self.today)

    @property
    def started(self) -> bool:
        return self.start <= self.today

    @property
    def complete(self) -> bool:
        """Whether the period is over (its figures will not change but by late records)."""
        return self.end < self.today

    @property
    def holds_today(self) -> bool:
        """Whether today lies in the period: only then can today's register stand for it."""
        return self.start <= self.today <= self.end

    @property
    def months_elapsed(self) -> float:
        """Months of the year up to the period's end (the pace line's share is this / 12); while
        the period runs, up to the end of today (15 June: 5.5), so the pace line and the months
        left stand where the year does, not where the period will end."""
        if not self.holds_today:
            return float(self.month or 12)
        days = calendar.monthrange(self.today.year, self.today.month)[1]
        return self.today.month - 1 + self.today.day / days

    @property
    def label_zh(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"
