"""Evaluation against the synthetic city's hidden ground truth (the only training module that may
read it): the oracle ordering and the recall of candidate generation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from features.candidates import DEFAULT_LIMIT, DEFAULT_MARGIN, job_candidates
from features.context import FeatureContext
from features.jobs import people_at
from features.sources import UTC_MICROS
from matching.synth.truth import JobTruth, Latents

CHUNK = 100


@dataclass(frozen=True)
class RecallReport:
    persons: int
    k: int
    recall: float  # mean share of each person's true top-k that survives candidate generation
    mean_candidates: float
    max_candidates: int
    limit: int


def load_latents(folder: Path) -> Latents:
    """The ground truth saved beside the database by ``jobmatch synth``."""
    return Latents.load(folder)


def job_truth(context: FeatureContext, latents: Latents) -> JobTruth:
    snapshot = context.snapshot
    return JobTruth(latents, snapshot.persons, snapshot.vacancies, snapshot.employers)


def open_at(context: FeatureContext, day: datetime) -> np.ndarray:
    """Ids of vacancies open on the day (the same rule candidate generation applies)."""
    frame = context.open_vacancies.filter(
        (pl.col("_opened_on") <= day.date())
        & (pl.col("_deadline").is_null() | (pl.col("_deadline") >= day.date()))
    )
    return frame["vacancy_id"].to_numpy()


def candidate_recall(
    context: FeatureContext,
    latents: Latents,
    person_ids: list[int],
    *,
    k: int = 10,
    limit: int = DEFAULT_LIMIT,
    margin: float = DEFAULT_MARGIN,
    progress: Callable[[int], None] = lambda _n: None,
) -> RecallReport:
    """For each person at the city's as-of date: the true top-k open vacancies by hire
    probability, and the share of them candidate generation keeps."""
    at = datetime(latents.as_of.year, latents.as_of.month, latents.as_of.day, tzinfo=UTC)
    truth = job_truth(context, latents)
    vacancies = open_at(context, at)
    recalls: list[float] = []
    sizes: list[int] = []
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        queries = pl.LazyFrame(
            {"query_id": chunk, "person_id": chunk, "at": [at] * len(chunk)},
            schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
        )
        people = people_at(context, queries).collect().lazy()
        kept = job_candidates(context, people, limit=limit, margin=margin).collect()
        by_person = {
            int(pid): set(group["vacancy_id"].to_list())
            for (pid,), group in kept.group_by("query_id")
        }
        for pid in chunk:
            hire = truth.outcome(np.full(len(vacancies), pid), vacancies).hire
            top = vacancies[np.argsort(-hire, kind="stable")[:k]]
            candidates = by_person.get(pid, set())
            recalls.append(len(candidates.intersection(top.tolist())) / k)
            sizes.append(len(candidates))
        progress(len(chunk))
    return RecallReport(
        persons=len(person_ids),
        k=k,
        recall=float(np.mean(recalls)),
        mean_candidates=float(np.mean(sizes)),
        max_candidates=int(max(sizes)),
        limit=limit,
    )
