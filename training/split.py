"""Time-based splits of a training frame, with labels censored at each split's end.

Train on the older history, validate and test on the newest months. A referral's label is the
furthest stage it had reached by the end of its own split, so an outcome that happened during
the test months never labels a training row (no future leaks into the past).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class TimeSplit:
    train_end: datetime
    valid_end: datetime
    test_end: datetime

    @classmethod
    def newest_months(
        cls, end: datetime, *, valid_months: int = 2, test_months: int = 2
    ) -> TimeSplit:
        """``end`` is the newest moment in the data; it belongs to the test months."""
        test_start = end - timedelta(days=round(test_months * DAYS_PER_MONTH))
        valid_start = test_start - timedelta(days=round(valid_months * DAYS_PER_MONTH))
        return cls(train_end=valid_start, valid_end=test_start, test_end=end + timedelta(seconds=1))


@dataclass(frozen=True)
class SplitFrames:
    train: pl.DataFrame
    valid: pl.DataFrame
    test: pl.DataFrame


def censored_grades(events: pl.DataFrame, until: datetime, grades: dict[str, int]) -> pl.DataFrame:
    """Each referral's grade from the events before ``until`` only."""
    return (
        events.filter(pl.col("at") < until)
        .group_by("referral_id")
        .agg(grade=pl.col("stage").replace_strict(grades, default=0, return_dtype=pl.Int32).max())
    )


def split_frame(
    frame: pl.DataFrame, events: pl.DataFrame, split: TimeSplit, grades: dict[str, int]
) -> SplitFrames:
    """Rows by query time; labels censored at the end of each part."""
    parts = []
    for start, end in (
        (None, split.train_end),
        (split.train_end, split.valid_end),
        (split.valid_end, split.test_end),
    ):
        rows = frame.filter(pl.col("at") < end)
        if start is not None:
            rows = rows.filter(pl.col("at") >= start)
        labels = censored_grades(events, end, grades)
        parts.append(
            rows.drop("grade", strict=False)
            .join(labels, on="referral_id", how="left")
            .with_columns(pl.col("grade").fill_null(0))
        )
    return SplitFrames(*parts)
