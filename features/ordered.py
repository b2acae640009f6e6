"""Sums of float columns in a fixed order.

``pl.sum_horizontal`` adds its inputs in a tree that polars' thread pool shapes as it runs: in
the in-memory engine two runs over the same 13 float columns can differ in the last bit. A
feature must have one value, the same in a training frame and in a request, so float sums are
left folds, added in the order the terms are given.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def ordered_sum(terms: Sequence[pl.Expr], *, skip_nulls: bool = False) -> pl.Expr:
    """``((t0 + t1) + t2) + …``; with ``skip_nulls`` a null term counts as 0 (as
    ``sum_horizontal`` does), otherwise a null term makes the sum null."""
    if not terms:
        raise ValueError("ordered_sum needs at least one term")
    parts = [term.fill_null(0.0) for term in terms] if skip_nulls else list(terms)
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total
