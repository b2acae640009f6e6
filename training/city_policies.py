"""Policies of the city replay: who is shown what.

A policy takes the candidate frame of every replayed session at once (``query_id``,
``person_id``, ``vacancy_id``, ``at``, the job feature set and ``score`` = the plain ranker's
score) and returns the served lists (``query_id``, ``vacancy_id``, ``rank`` 1..k). It sees
everyone's candidates together, so a policy that prices the load on each vacancy (issue 19 §3)
fits the same signature as one that ranks each list alone. It never sees the ground truth.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl

from features.congestion import CONGESTION, WINDOW_DAYS, CongestionPolicy
from features.moment import micros_of
from training.baselines import job_rule_scores

__all__ = [
    "LIST_SIZE",
    "Policy",
    "congestion_policy",
    "plain_policy",
    "rule_policy",
    "top_k",
]

LIST_SIZE = 10  # the counselor's printed list: the served top-10 (LIST_SIZES in the history ≤ 10)

Policy = Callable[[pl.DataFrame], pl.DataFrame]
Scores = Callable[[pl.DataFrame], npt.NDArray[np.float64]]


def top_k(scores: Scores, k: int = LIST_SIZE) -> Policy:
    """Each session's k best candidates by ``scores`` (ties by vacancy id, so it is stable)."""

    def policy(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.select("query_id", "vacancy_id")
            .with_columns(_s=pl.Series(np.asarray(scores(frame), dtype=np.float64)))
            .sort(["query_id", "_s", "vacancy_id"], descending=[False, True, False])
            .group_by("query_id", maintain_order=True)
            .head(k)
            .with_columns(rank=pl.int_range(1, pl.len() + 1).over("query_id").cast(pl.Int64))
            .drop("_s")
        )

    return policy


def plain_policy(k: int = LIST_SIZE) -> Policy:
    """The served ranking today: the champion's score, each list alone."""
    return top_k(lambda frame: frame["score"].to_numpy().astype(np.float64), k)


def rule_policy(k: int = LIST_SIZE) -> Policy:
    """The transparent rule jobmatch falls back to (``training.baselines.job_rule_scores``)."""
    return top_k(job_rule_scores, k)


def congestion_policy(
    prior: pl.DataFrame,
    pricing: CongestionPolicy = CONGESTION,
    k: int = LIST_SIZE,
    window_days: int = WINDOW_DAYS,
) -> Policy:
    """The served congestion-aware ranking (``features.congestion``), replayed session by
    session in time order: each list is priced with the load of the ``window_days`` before its
    moment, counted from ``prior`` (the referrals before the replay: ``person_id``,
    ``vacancy_id``, ``referred_at``) and from the lists this policy served before it, as the
    service counts its snapshot's referrals (counselors follow the lists: what is served is
    recommended)."""

    def policy(frame: pl.DataFrame) -> pl.DataFrame:
        return _priced_lists(frame, prior, pricing, k, window_days)

    return policy


def _priced_lists(
    frame: pl.DataFrame,
    prior: pl.DataFrame,
    pricing: CongestionPolicy,
    k: int,
    window_days: int,
) -> pl.DataFrame:
    frame = frame.sort("query_id", "vacancy_id")
    before = prior.filter(pl.col("vacancy_id").is_not_null())
    vacancy_ids = np.unique(
        np.concatenate([frame["vacancy_id"].to_numpy(), before["vacancy_id"].to_numpy()])
    ).astype(np.int64)
    load = _Load(vacancy_ids, window_days)
    for person, vacancy, at in zip(
        before["person_id"].to_list(),
        before["vacancy_id"].to_list(),
        before["referred_at"].dt.epoch("us").to_list(),
        strict=True,
    ):
        load.add(int(person), int(vacancy), int(at))
    load.settle()
    queries = frame["query_id"].to_numpy()
    bounds = np.flatnonzero(np.diff(queries)) + 1
    starts = np.concatenate([[0], bounds]).astype(np.int64)
    ends = np.concatenate([bounds, [len(queries)]]).astype(np.int64)
    vacancies = frame["vacancy_id"].to_numpy().astype(np.int64)
    dense = np.searchsorted(vacancy_ids, vacancies)
    persons = frame["person_id"].to_numpy().astype(np.int64)
    scores = frame["score"].to_numpy().astype(np.float64)
    openings = np.nan_to_num(frame["v_openings"].to_numpy().astype(np.float64), nan=1.0)
    moments = np.array([micros_of(at) for at in frame["at"].gather(starts).to_list()])
    order = np.argsort(moments, kind="stable")
    chosen: list[npt.NDArray[np.int64]] = []
    for session in order.tolist():
        start, end = int(starts[session]), int(ends[session])
        at = int(moments[session])
        load.expire(at)
        # best first; ties by vacancy id (the rows are in vacancy order within a session)
        top = (
            pricing.order(scores[start:end], load.counts[dense[start:end]], openings[start:end], k)[
                :k
            ]
            + start
        )
        chosen.append(top)
        for row in top.tolist():
            load.add(int(persons[row]), int(vacancies[row]), at)
    rows = np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
    served: pl.DataFrame = frame.select("query_id", "vacancy_id")[rows.tolist()]
    return served.with_columns(
        rank=pl.int_range(1, pl.len() + 1).over("query_id").cast(pl.Int64)
    ).sort("query_id", "rank")


class _Load:
    """Distinct persons recommended each vacancy within a sliding window of moments."""

    def __init__(self, vacancy_ids: npt.NDArray[np.int64], window_days: int) -> None:
        self._ids = vacancy_ids
        self._window = window_days * 86_400_000_000
        self.counts = np.zeros(len(vacancy_ids), np.float64)
        self._events: list[tuple[int, int, int]] = []  # (moment, vacancy row, person)
        self._seen: dict[tuple[int, int], int] = {}  # (vacancy row, person) → events in window
        self._head = 0

    def add(self, person: int, vacancy: int, at: int) -> None:
        row = int(np.searchsorted(self._ids, vacancy))
        self._events.append((at, row, person))
        key = (row, person)
        self._seen[key] = self._seen.get(key, 0) + 1
        if self._seen[key] == 1:
            self.counts[row] += 1

    def settle(self) -> None:
        """Order the events added so far by moment (the prior rows come in any order)."""
        self._events.sort()

    def expire(self, at: int) -> None:
        """Forget the events older than the window before ``at``."""
        while self._head < len(self._events) and self._events[self._head][0] < at - self._window:
            _, row, person = self._events[self._head]
            key = (row, person)
            self._seen[key] -= 1
            if self._seen[key] == 0:
                del self._seen[key]
                self.counts[row] -= 1
            self._head += 1
