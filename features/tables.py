"""Tables prepared once per snapshot and looked up by key, without a join per query.

A request for one person must not hash a whole table or history to find a handful of rows, so
lookups are gathers by key (or binary searches in columns sorted once per snapshot), and the
columns of the rows found are fetched in one gather of a packed struct. A training frame uses
the same lookups for all its rows; they need no sort of the rows.

The expressions are built once per table and reused: building them costs more Python time than
running them on one person's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

ROW = pl.UInt32
DENSE_SLACK = 4  # keys up to this many times the row count are looked up in a dense array


@dataclass(frozen=True, eq=False)
class Keyed:
    """Rows with a unique integer key (a database id), sorted by it."""

    key: str
    frame: pl.DataFrame
    _memo: dict[tuple[object, ...], pl.Expr] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of(cls, frame: pl.DataFrame, key: str) -> Keyed:
        return cls(key, frame.sort(key, maintain_order=True).rechunk())

    def row(self, key: str) -> pl.Expr:
        """The row whose key equals column ``key``, null when there is none."""
        memo = ("row", key)
        if memo not in self._memo:
            self._memo[memo] = _dense_row(self.frame[self.key], pl.col(key))
        return self._memo[memo]

    def attach(self, rows: pl.LazyFrame, row: str, columns: Sequence[str]) -> pl.LazyFrame:
        """``rows`` with the table's ``columns`` in row ``row`` (null for a null row)."""
        memo = ("attach", row, tuple(columns))
        if memo not in self._memo:
            self._memo[memo] = _packed(self.frame.select(columns), row).gather(pl.col(row))
        return rows.with_columns(self._memo[memo]).unnest(_packed_name(row))


@dataclass(frozen=True, eq=False)
class History:
    """Rows sorted by (key, at), each with an integer code ordered the same way, so that the
    last row of a key before a moment is one binary search away.

    Row numbers count from 1; row 0 stands for "nothing yet".
    """

    key: str
    frame: pl.DataFrame
    moments: pl.Series  # the distinct ``at`` values, ascending
    codes: pl.Series  # key * (len(moments) + 1) + rank of ``at`` among the moments
    _memo: dict[tuple[object, ...], pl.Expr] = field(default_factory=dict, init=False, repr=False)
    _columns: dict[tuple[str, int | None], pl.Series] = field(
        default_factory=dict, init=False, repr=False
    )

    @classmethod
    def of(cls, frame: pl.DataFrame, key: str, *, at: str = "at") -> History:
        """``frame`` sorted by (key, at), keeping the given order of rows at the same moment."""
        frame = frame.sort(key, at, maintain_order=True).rechunk()
        moments = frame[at].unique().sort()
        rank = moments.search_sorted(frame[at], side="left").cast(pl.Int64)
        codes = frame[key].cast(pl.Int64) * (len(moments) + 1) + rank
        return cls(key, frame, moments, codes.rechunk())

    def locate(self, rows: pl.LazyFrame, key: str, at: str, name: str) -> pl.LazyFrame:
        """``rows`` with column ``name``: the number of the last row of key column ``key``
        strictly before column ``at``, 0 when there is none."""
        first, second = self.lookup(key, at, name)
        return rows.with_columns(first).with_columns(second)

    def lookup(self, key: str, at: str, name: str) -> tuple[pl.Expr, pl.Expr]:
        """``locate`` as two steps, to run in consecutive ``with_columns`` (next to other
        expressions): the first gives ``name`` a position, the second checks its key."""
        memo = ("lookup", key, at, name)
        if memo not in self._memo:
            earlier = pl.lit(self.moments).search_sorted(pl.col(at), side="left").cast(pl.Int64)
            target = pl.col(key).cast(pl.Int64) * (len(self.moments) + 1) + earlier
            # the number of rows before the target is the number of the last of them
            self._memo[memo] = pl.lit(self.codes).search_sorted(target, side="left").alias(name)
            keys = pl.concat(
                [self.frame[self.key].head(0).extend_constant(None, 1), self.frame[self.key]]
            )
            same_key = pl.lit(keys.rechunk()).gather(pl.col(name)) == pl.col(key)
            self._memo[(*memo, "check")] = (
                pl.when(same_key).then(pl.col(name)).otherwise(0).alias(name)
            )
        return self._memo[memo], self._memo[(*memo, "check")]

    def values(
        self, row: str, columns: Sequence[str], *, missing: int | None = None
    ) -> list[pl.Expr]:
        """The ``columns`` in row number ``row``; row 0 reads as ``missing`` (e.g. 0 for running
        counts before the first event)."""
        return [
            pl.lit(self._column(name, missing)).gather(pl.col(row)).alias(name) for name in columns
        ]

    def attach(
        self, rows: pl.LazyFrame, row: str, columns: Sequence[str], *, missing: int | None = None
    ) -> pl.LazyFrame:
        """``rows`` with ``values(row, columns, missing)``, fetched in one gather."""
        memo = ("attach", row, tuple(columns), missing)
        if memo not in self._memo:
            values = pl.DataFrame([self._column(name, missing) for name in columns])
            self._memo[memo] = _packed(values, row).gather(pl.col(row))
        return rows.with_columns(self._memo[memo]).unnest(_packed_name(row))

    def _column(self, name: str, missing: int | None) -> pl.Series:
        """The column after a first row holding ``missing``, for row number 0."""
        memo = (name, missing)
        if memo not in self._columns:
            column = self.frame[name]
            first = column.head(0).extend_constant(missing, 1)
            self._columns[memo] = pl.concat([first, column]).rechunk()
        return self._columns[memo]


def _dense_row(keys: pl.Series, key: pl.Expr) -> pl.Expr:
    """Row of each key through an array indexed by key, or a binary search for sparse keys."""
    if keys.len() == 0:
        return pl.lit(None, dtype=ROW)
    low, high = keys.min(), keys.max()
    assert isinstance(low, int) and isinstance(high, int)
    if low >= 0 and high <= DENSE_SLACK * keys.len() + 1000:
        rows = pl.Series(range(keys.len()), dtype=ROW)
        dense = pl.Series([None] * (high + 1), dtype=ROW).scatter(keys, rows)
        return pl.lit(dense).gather(pl.when(key.is_between(0, high)).then(key))
    position = pl.lit(keys).search_sorted(key, side="left").clip(None, keys.len() - 1)
    return pl.when(pl.lit(keys).gather(position) == key).then(position)


def _packed_name(row: str) -> str:
    return f"_{row}_columns"


def _packed(frame: pl.DataFrame, row: str) -> pl.Expr:
    return pl.lit(frame.to_struct(_packed_name(row)).rechunk())
