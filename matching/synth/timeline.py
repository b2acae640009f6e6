"""Turn sampled stage outcomes into referral rows and their dated stage events.

Events after the city's as-of date have not happened yet: they are dropped and the referral's
current stage is the last one reached by then, so the newest referrals have open outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import numpy.typing as npt
import polars as pl

DAY = np.timedelta64(1, "D")


def as_datetime64(day: date) -> np.datetime64:
    return np.datetime64(datetime(day.year, day.month, day.day), "s")


@dataclass
class EventLog:
    """Collects (referral, stage, time, refusal reason) columns from vectorised draws."""

    as_of: np.datetime64
    referral: list[npt.NDArray[np.int64]] = field(default_factory=list)
    stage: list[npt.NDArray[np.str_]] = field(default_factory=list)
    at: list[npt.NDArray[np.datetime64]] = field(default_factory=list)
    reason: list[npt.NDArray[np.object_]] = field(default_factory=list)

    def add(
        self,
        referrals: npt.NDArray[np.int64],
        stage: str,
        at: npt.NDArray[np.datetime64],
        mask: npt.NDArray[np.bool_],
        reason: npt.NDArray[np.object_] | None = None,
    ) -> None:
        keep = mask & (at <= self.as_of)
        self.referral.append(referrals[keep])
        self.stage.append(np.full(int(keep.sum()), stage))
        self.at.append(at[keep])
        self.reason.append(
            np.full(int(keep.sum()), None, dtype=object) if reason is None else reason[keep]
        )

    def frame(self, first_id: int = 1) -> pl.DataFrame:
        referral = np.concatenate(self.referral)
        at = np.concatenate(self.at)
        order = np.lexsort((at, referral))
        n = len(referral)
        return pl.DataFrame(
            {
                "id": np.arange(first_id, first_id + n),
                "referral_id": referral[order],
                "stage": np.concatenate(self.stage)[order],
                "at": at[order].astype("datetime64[us]"),
                "refusal_reason": np.concatenate(self.reason)[order].tolist(),
                "note": [None] * n,
                "recorded_by": [None] * n,
            },
            schema_overrides={
                "refusal_reason": pl.String,
                "note": pl.String,
                "recorded_by": pl.Int64,
            },
            strict=False,
        ).with_columns(pl.col("at").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))


def current_stage(events: pl.DataFrame) -> pl.DataFrame:
    """Each referral's last event: its current stage and refusal reason."""
    return (
        events.sort("referral_id", "at", "id")
        .group_by("referral_id", maintain_order=True)
        .last()
        .select("referral_id", "stage", "refusal_reason")
    )


def after(
    rng: np.random.Generator, start: npt.NDArray[np.datetime64], low: int, high: int
) -> npt.NDArray[np.datetime64]:
    """Start plus a whole number of days in [low, high] and a time of day in office hours."""
    days = rng.integers(low, high + 1, len(start))
    seconds = rng.integers(8 * 3600, 17 * 3600, len(start))
    midnight = start.astype("datetime64[D]").astype("datetime64[s]")
    return np.asarray(midnight + days * DAY + seconds * np.timedelta64(1, "s"))


def utc(at: npt.NDArray[np.datetime64]) -> list[datetime]:
    return [
        datetime.fromtimestamp(int(x), UTC) for x in at.astype("datetime64[s]").astype(np.int64)
    ]
