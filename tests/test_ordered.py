"""Float sums in a fixed order (features.ordered)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from features.ordered import ordered_sum


def _adversarial(columns: int, rows: int) -> pl.DataFrame:
    """Values of very different sizes, where the order of additions changes the last bits."""
    rng = np.random.default_rng(0)
    return pl.DataFrame(
        {
            f"c{i}": rng.standard_normal(rows) * 10.0 ** rng.integers(-8, 8, rows)
            for i in range(columns)
        }
    )


def test_the_sum_is_a_left_fold_in_every_run() -> None:
    frame = _adversarial(13, 2000)
    expected = frame["c0"].to_numpy().copy()
    for name in frame.columns[1:]:
        expected = expected + frame[name].to_numpy()
    plan = frame.lazy().select(ordered_sum([pl.col(c) for c in frame.columns]).alias("sum"))
    for _ in range(30):  # sum_horizontal gives several different results in 30 such runs
        got = plan.collect(engine="in-memory")["sum"].to_numpy()
        assert np.array_equal(got, expected)


def test_null_terms_count_as_zero_only_when_asked() -> None:
    frame = pl.DataFrame({"a": [1.5, None, None], "b": [None, 2.0, None]})
    terms = [pl.col("a"), pl.col("b")]
    skipped = frame.select(ordered_sum(terms, skip_nulls=True).alias("s"))["s"].to_list()
    assert skipped == [1.5, 2.0, 0.0]  # what sum_horizontal gives
    assert frame.select(ordered_sum(terms).alias("s"))["s"].to_list() == [None, None, None]


def test_no_terms_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one term"):
        ordered_sum([])
