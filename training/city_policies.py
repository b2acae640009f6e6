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

from training.baselines import job_rule_scores

__all__ = ["LIST_SIZE", "Policy", "plain_policy", "rule_policy", "top_k"]

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
