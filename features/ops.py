"""The operations a feature formula may use, for polars expressions and for NumPy arrays alike.

The pre-score's terms (``features.candidates.prescore_terms``) and the pair features
(``features.jobs.pair_terms``) are each written once, against ``Ops``: ``PolarsOps`` turns them
into the expressions every training frame is built with, ``NumpyOps`` evaluates them on one
person's arrays (``features.one_person``). Arithmetic and comparisons are the values' own
operators (a ``pl.Expr``, or a NumPy array or scalar); the rest is here, each NumPy twin the
operation polars performs on the same values, so that the two agree bit for bit
(``tests/test_one_person.py``). Divisions stay true divisions and sums left folds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any, Protocol, cast

import numpy as np
import polars as pl

from features.arrays import Array, left_sum
from features.geo import pair_distance_km
from features.ordered import ordered_sum
from features.vocabularies import Bitsets


class Column(Protocol):
    """A column-like value: a ``pl.Expr``, or a NumPy array or scalar."""

    def __add__(self, other: Column | float) -> Column: ...
    def __radd__(self, other: float) -> Column: ...
    def __sub__(self, other: Column | float) -> Column: ...
    def __rsub__(self, other: float) -> Column: ...
    def __mul__(self, other: Column | float) -> Column: ...
    def __rmul__(self, other: float) -> Column: ...
    def __truediv__(self, other: Column | float) -> Column: ...
    def __neg__(self) -> Column: ...
    def __invert__(self) -> Column: ...
    def __and__(self, other: Column) -> Column: ...
    def __lt__(self, other: Column | float) -> Column: ...
    def __le__(self, other: Column | float) -> Column: ...
    def __gt__(self, other: Column | float) -> Column: ...
    def __ge__(self, other: Column | float) -> Column: ...
    def __eq__(self, other: object) -> Column: ...  # type: ignore[override]


class Ops(Protocol):
    def col(self, name: str) -> Column: ...
    def where(self, condition: Column, then: Column | float, otherwise: float) -> Column: ...
    def quotient(self, numerator: Column, denominator: Column, otherwise: float) -> Column:
        """``numerator / denominator`` where the denominator is positive, else ``otherwise``."""
        ...

    def clip(self, value: Column, lower: float | None, upper: float | None) -> Column: ...
    def fill_null(self, value: Column, fill: float) -> Column: ...
    def lowest(self, names: Sequence[str]) -> Column:
        """The row-wise minimum of columns, a null skipped (``pl.min_horizontal``)."""
        ...

    def ordered_sum(self, terms: Sequence[Column], *, skip_nulls: bool = False) -> Column: ...
    def count_true(self, masks: Sequence[Column]) -> Column:
        """How many of ``masks`` hold (Int32), a null counting as false."""
        ...

    def floats(self, value: Column) -> Column: ...
    def int8(self, value: Column) -> Column: ...
    def int32(self, value: Column) -> Column: ...
    def sqrt(self, value: Column) -> Column: ...
    def size(self, name: str) -> Column:
        """The length of a list column."""
        ...

    def common(self, left: str, right: str) -> Column:
        """How many distinct members two list columns share."""
        ...

    def shared(self, sets: Bitsets, left: str, right: str) -> Column:
        """``Bitsets.shared``: members the bitsets ``left`` and ``right`` (prefixes) share."""
        ...

    def distance(self) -> Column:
        """``pair_distance_km`` of the person and the workplace."""
        ...


def expression(value: Column) -> pl.Expr:
    """A formula built with ``POLARS`` as the expression it is."""
    return cast(pl.Expr, value)


def _c(value: object) -> Column:
    return cast(Column, value)


class PolarsOps:
    """``Ops`` building polars expressions (the training frames' and the polars plans')."""

    def col(self, name: str) -> Column:
        return _c(pl.col(name))

    def where(self, condition: Column, then: Column | float, otherwise: float) -> Column:
        chosen = then if isinstance(then, float) else expression(then)
        return _c(pl.when(expression(condition)).then(chosen).otherwise(otherwise))

    def quotient(self, numerator: Column, denominator: Column, otherwise: float) -> Column:
        return self.where(denominator > 0, numerator / denominator, otherwise)

    def clip(self, value: Column, lower: float | None, upper: float | None) -> Column:
        return _c(expression(value).clip(lower, upper))

    def fill_null(self, value: Column, fill: float) -> Column:
        return _c(expression(value).fill_null(fill))

    def lowest(self, names: Sequence[str]) -> Column:
        return _c(pl.min_horizontal(list(names)))

    def ordered_sum(self, terms: Sequence[Column], *, skip_nulls: bool = False) -> Column:
        return _c(ordered_sum([expression(term) for term in terms], skip_nulls=skip_nulls))

    def count_true(self, masks: Sequence[Column]) -> Column:
        return _c(pl.sum_horizontal([expression(mask) for mask in masks]).cast(pl.Int32))

    def floats(self, value: Column) -> Column:
        return _c(expression(value).cast(pl.Float64))

    def int8(self, value: Column) -> Column:
        return _c(expression(value).cast(pl.Int8))

    def int32(self, value: Column) -> Column:
        return _c(expression(value).cast(pl.Int32))

    def sqrt(self, value: Column) -> Column:
        return _c(expression(value).sqrt())

    def size(self, name: str) -> Column:
        return _c(pl.col(name).list.len())

    def common(self, left: str, right: str) -> Column:
        return _c(pl.col(left).list.set_intersection(pl.col(right)).list.len())

    def shared(self, sets: Bitsets, left: str, right: str) -> Column:
        return _c(sets.shared(left, right))

    def distance(self) -> Column:
        return _c(pair_distance_km(pl.col("v_home_based") == 1))


POLARS = PolarsOps()


class NumpyOps:
    """``Ops`` on one person's values (NumPy scalars) and their rows' (arrays): ``columns``
    by name (a null as NaN), looked up in the mappings in turn (the last one only for what the
    others lack, so a lazy ``features.arrays.Rows`` gathers only what is read); a list column
    as its lengths in ``sizes`` and, where ``common`` reads it, as sets in ``sets`` (one for the
    person, one per row)."""

    def __init__(
        self,
        columns: Sequence[Mapping[str, Any]],
        rows: int,
        *,
        distance: Array | None = None,
        sizes: Mapping[str, Any] | None = None,
        sets: Mapping[str, Any] | None = None,
    ) -> None:
        *self._first, self._last = columns
        self._rows, self._distance = rows, distance
        self._sizes, self._sets = sizes or {}, sets or {}

    def col(self, name: str) -> Column:
        return _c(self._get(name))

    def _get(self, name: str) -> Any:
        for columns in self._first:
            if name in columns:
                return columns[name]
        return self._last[name]

    def where(self, condition: Column, then: Column | float, otherwise: float) -> Column:
        return _c(np.where(_a(condition), _a(then), otherwise))

    def quotient(self, numerator: Column, denominator: Column, otherwise: float) -> Column:
        positive = _a(denominator) > 0
        safe = np.where(positive, _a(denominator), 1)  # no division by zero where unused
        return _c(np.where(positive, _a(numerator) / safe, otherwise))

    def clip(self, value: Column, lower: float | None, upper: float | None) -> Column:
        if lower is not None and upper is not None:
            return _c(np.clip(_a(value), lower, upper))
        if lower is not None:
            return _c(np.maximum(_a(value), lower))
        assert upper is not None, "clip needs a bound"
        return _c(np.minimum(_a(value), upper))

    def fill_null(self, value: Column, fill: float) -> Column:
        array = _a(value)
        return _c(np.where(np.isnan(array), fill, array))

    def lowest(self, names: Sequence[str]) -> Column:
        return _c(reduce(np.fmin, [self._get(name) for name in names]))

    def ordered_sum(self, terms: Sequence[Column], *, skip_nulls: bool = False) -> Column:
        parts = [self.fill_null(term, 0.0) for term in terms] if skip_nulls else terms
        return _c(left_sum([_a(part) for part in parts]))

    def count_true(self, masks: Sequence[Column]) -> Column:
        return _c(left_sum([_a(mask).astype(np.int32) for mask in masks]))

    def floats(self, value: Column) -> Column:
        return _c(np.asarray(value).astype(np.float64))

    def int8(self, value: Column) -> Column:
        return _c(np.asarray(value).astype(np.int8))

    def int32(self, value: Column) -> Column:
        return _c(np.asarray(value).astype(np.int32))

    def sqrt(self, value: Column) -> Column:
        return _c(np.sqrt(_a(value)))

    def size(self, name: str) -> Column:
        return _c(self._sizes[name])

    def common(self, left: str, right: str) -> Column:
        mine, theirs = self._sets[left], self._sets[right]
        return _c(np.array([len(mine & other) for other in theirs], np.int64))

    def shared(self, sets: Bitsets, left: str, right: str) -> Column:
        words = range(sets.words)
        counts = [
            np.bitwise_count(self._get(f"{right}{word}") & self._get(f"{left}{word}"))
            for word in words
        ]
        if not counts:
            return _c(np.zeros(self._rows, np.int64))
        return _c(left_sum([count.astype(np.int64) for count in counts]))

    def distance(self) -> Column:
        assert self._distance is not None, "the distances come with the rows"
        return _c(self._distance)


def _a(value: Column | float) -> Array:
    return cast(Array, value)
