"""Congestion prices: the load on each vacancy, priced into the ranking (issue 19 §3).

Each list judged alone sends many people to the same few posts: an employer shortlists a few
applicants per opening, so the twentieth person sent to a one-opening post is lost to the city.
The served ranking therefore subtracts a *price* from the model's score of every vacancy whose
recent load — persons recommended it in the last ``WINDOW_DAYS`` — exceeds what its openings
can absorb, and keeps the last places of a list for the best posts nobody was sent to lately,
so that posts with spare openings reach someone's list.

One definition for the service and for the city replay (``training.city_policies``): the
service counts the load from the referrals of its snapshot, refreshed with it
(``serving.runtime.snapshot``); the replay counts the lists the policy itself served on earlier
days. Prices are in units of each list's own score spread (its standard deviation), so the
same settings hold for any champion, whatever the scale of its scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import polars as pl

from features.moment import micros_of

__all__ = ["CONGESTION", "WINDOW_DAYS", "CongestionPolicy", "LoadIndex", "recent_load"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Persons recommended a post over the last four weeks count as its load: about the time a
# referral stays open before the employer answers (the history's stage delays, matching/synth).
WINDOW_DAYS = 28
MICROS_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class CongestionPolicy:
    """How load becomes a price. ``per_opening``: recommendations per opening a post absorbs
    before it is priced; ``strength``: the price, in list standard deviations, of each further
    ``per_opening`` recommendations per opening; ``explore_slots``: places at the end of a list
    kept for the best posts nobody was recommended lately. Chosen on the seed-7 demo city and
    checked on seeds 11 and 23 (experiments/city.md)."""

    per_opening: float = 6.0
    strength: float = 2.0
    explore_slots: int = 2

    def prices(self, load: FloatArray, openings: FloatArray) -> FloatArray:
        """Price per item in list standard deviations: zero up to the absorbed load, then
        rising linearly."""
        absorbed = self.per_opening * np.maximum(openings, 1.0)
        return self.strength * np.maximum(load / absorbed - 1.0, 0.0)

    def adjust(self, scores: FloatArray, load: FloatArray, openings: FloatArray) -> FloatArray:
        """The scores of one list with the prices subtracted."""
        spread = float(np.std(scores)) if scores.size > 1 else 0.0
        if spread <= 0 or not np.isfinite(spread):
            spread = 1.0
        return scores - spread * self.prices(load, openings)

    def order(
        self, scores: FloatArray, load: FloatArray, openings: FloatArray, k: int
    ) -> npt.NDArray[np.intp]:
        """Every row, best first: by the priced scores, except that the last ``explore_slots``
        of the first ``k`` go to the best rows nobody was recommended lately (when the list
        has them), so that posts with spare openings reach someone's list."""
        adjusted = self.adjust(scores, load, openings)
        order = np.argsort(-adjusted, kind="stable")
        keep = k - int(self.explore_slots)
        if self.explore_slots <= 0 or order.size <= k or keep < 0:
            return order
        rest = order[keep:]
        idle = rest[load[rest] <= 0][: int(self.explore_slots)]
        if idle.size == 0:
            return order
        others = rest[~np.isin(rest, idle)]
        return np.concatenate([order[:keep], idle, others])


CONGESTION = CongestionPolicy()


@dataclass(frozen=True)
class LoadIndex:
    """Recent load per vacancy, looked up by id (an unknown id has no load)."""

    vacancy_ids: IntArray  # sorted
    load: FloatArray

    @classmethod
    def of(cls, counts: pl.DataFrame) -> LoadIndex:
        """From a frame of ``vacancy_id`` and ``load``."""
        ordered = counts.sort("vacancy_id")
        return cls(
            ordered["vacancy_id"].to_numpy().astype(np.int64),
            ordered["load"].to_numpy().astype(np.float64),
        )

    @classmethod
    def empty(cls) -> LoadIndex:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.float64))

    def __call__(self, vacancy_ids: npt.ArrayLike) -> FloatArray:
        wanted = np.asarray(vacancy_ids, dtype=np.int64)
        if self.vacancy_ids.size == 0:
            return np.zeros(wanted.shape, np.float64)
        rows = np.minimum(np.searchsorted(self.vacancy_ids, wanted), self.vacancy_ids.size - 1)
        found = self.vacancy_ids[rows] == wanted
        return np.where(found, self.load[rows], 0.0)

    def count(self, vacancy_id: int) -> int:
        return int(self([vacancy_id])[0])


def recent_load(referrals: pl.DataFrame, at: datetime, days: int = WINDOW_DAYS) -> LoadIndex:
    """Persons recommended each vacancy in the ``days`` before ``at`` (one per person and
    vacancy), from referral rows (``person_id``, ``vacancy_id``, ``referred_at``; a naive
    moment is taken as UTC, as everywhere in features)."""
    until = micros_of(at)
    since = until - days * MICROS_PER_DAY
    when = pl.col("referred_at").dt.epoch("us")
    counts = (
        referrals.lazy()
        .filter(pl.col("vacancy_id").is_not_null() & (when >= since) & (when < until))
        .group_by("vacancy_id")
        .agg(load=pl.col("person_id").n_unique().cast(pl.Float64))
        .collect()
    )
    return LoadIndex.of(counts)
