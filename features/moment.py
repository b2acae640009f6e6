"""Request time, prepared once per snapshot and day: the person features of every person and the
vacancy features of every open vacancy as of one moment.

A feature reads the clock in two ways only: the day of the moment (ages, days open, days
registered) and the history rows strictly before it (``features.tables.History``). So between
two consecutive history moments of a snapshot, within one day, every feature has one value, and
a request there can take its person row and its vacancies' columns from frames built for the
whole window instead of building them for itself. ``Moment.covers`` says whether a moment is in
the window; ``features.request.RequestFrames`` builds new frames when it is not (at midnight
UTC, or when a dated event such as an assessment known from tomorrow comes due).

The frames come from the same functions as the training frames (``people_at``,
``vacancy_features``); ``tests/test_moment.py`` checks that a request built from them equals one
built for itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import numpy as np
import polars as pl

from features.one_person import OnePerson
from features.tables import ROW, History, Keyed

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
DAY_MICROS: Final = 86_400_000_000


def micros_of(at: datetime) -> int:
    """Microseconds since the epoch of a moment (a naive moment is taken as UTC)."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True, eq=False)
class Moment:
    """Features as of any moment in (``after``, ``until``] (microseconds since the epoch).

    ``people``: ``people_at`` of every person of the snapshot (query_id 1) by person_id, with
    ``rows`` giving each person's row; ``vacancies``: ``vacancy_features`` of every open vacancy
    by vacancy_id. ``person_columns`` and ``vacancy_columns`` are what the pair features read of
    each; ``open_vacancies`` is what candidate generation reads; ``one_person`` holds the same
    as NumPy arrays (``features.one_person``; None when they hold values it does not model).
    """

    after: int
    until: int
    people: Keyed
    rows: dict[int, int]
    vacancies: Keyed
    person_columns: tuple[str, ...]
    vacancy_columns: tuple[str, ...]
    open_vacancies: Keyed  # the context's open vacancy table with the employers' counts
    one_person: OnePerson | None  # the frames as arrays for one person's job request

    def covers(self, micros: int) -> bool:
        return self.after < micros <= self.until

    def person(self, person_id: int) -> pl.DataFrame | None:
        """The person's row (``at`` still the moment it was built at), None for a person the
        snapshot lacks."""
        row = self.rows.get(person_id)
        return None if row is None else self.people.frame.slice(row, 1)

    def pairs(self, items: pl.LazyFrame, person_id: int, at: pl.Series) -> pl.LazyFrame:
        """``items`` (query_id, vacancy_id) of one person (of this snapshot) with the columns
        the pair features read: person_id, the one-row ``at`` and gathers of both tables."""
        rows = items.with_columns(
            pl.lit(person_id, pl.Int64).alias("person_id"),
            pl.lit(at).first(),
            self.vacancies.row("vacancy_id").alias("_vacancy_row"),
        )
        rows = self.vacancies.attach(rows, "_vacancy_row", self.vacancy_columns)
        return self._with_person(rows, person_id, self.person_columns)

    def person_rows(self, person_id: int, query_ids: pl.Series, at: pl.Series) -> pl.LazyFrame:
        """The person's row once per query id (``at`` the one-row moment)."""
        rows = pl.LazyFrame([query_ids]).with_columns(pl.lit(at).first())
        columns = [c for c in self.people.frame.columns if c not in ("query_id", "at")]
        return self._with_person(rows, person_id, columns).drop("_person_row")

    def people_rows(self, person_ids: Sequence[int], times: int, at: pl.Series) -> pl.LazyFrame:
        """``person_rows`` of several persons of the snapshot in one frame: each person's row
        ``times`` times in a row, query ids 1, 2, … through all of them (``at`` one row)."""
        person_rows = np.repeat(np.array([self.rows[p] for p in person_ids], np.int64), times)
        rows = pl.LazyFrame(
            [pl.Series("query_id", np.arange(1, person_rows.size + 1), pl.Int64)]
        ).with_columns(
            pl.lit(at).first(),
            pl.Series("_person_row", person_rows).cast(ROW),
        )
        columns = [c for c in self.people.frame.columns if c not in ("query_id", "at")]
        return self.people.attach(rows, "_person_row", columns).drop("_person_row")

    def _with_person(
        self, rows: pl.LazyFrame, person_id: int, columns: list[str] | tuple[str, ...]
    ) -> pl.LazyFrame:
        """``rows`` with the person's ``columns`` gathered row by row, not broadcast from one
        row: polars divides by a broadcast value through its reciprocal, which differs from the
        training frames' quotients in the last bit."""
        rows = rows.with_columns(
            pl.repeat(self.rows[person_id], pl.len(), dtype=ROW).alias("_person_row")
        )
        return self.people.attach(rows, "_person_row", columns)


def window(micros: int, histories: tuple[History, ...]) -> tuple[int, int]:
    """The widest (after, until] around ``micros`` within its UTC day with no history moment
    m such that a moment in it is on the other side of m from ``micros`` ("strictly before")."""
    day_start = micros - micros % DAY_MICROS
    after, until = day_start - 1, day_start + DAY_MICROS - 1
    for history in histories:
        moments = history.moments.dt.epoch("us")
        split = int(moments.search_sorted(micros, side="left"))  # moments[:split] < micros
        if split > 0:
            after = max(after, int(moments[split - 1]))
        if split < moments.len():
            until = min(until, int(moments[split]))
    return after, until
