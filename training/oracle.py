"""Evaluation against the synthetic city's hidden ground truth (``training/oracle*`` are the only
training modules that may read it): the oracle ordering, jobs judged on whole candidate sets and
the recall of candidate generation."""

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

__all__ = [
    "CandidateEvaluation",
    "Latents",
    "RecallReport",
    "Scorer",
    "candidate_recall",
    "candidate_set_evaluation",
    "job_oracle_scores",
    "judge",
    "load_latents",
    "seeker_queries",
]

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


def job_oracle_scores(context: FeatureContext, latents: Latents, frame: pl.DataFrame) -> np.ndarray:
    """The best possible ordering of logged items: the truth's expected graded relevance."""
    outcome = job_truth(context, latents).outcome(
        frame["person_id"].to_numpy(), frame["vacancy_id"].to_numpy()
    )
    return outcome.expected_grade


Scorer = Callable[[pl.DataFrame], np.ndarray]


@dataclass(frozen=True)
class CandidateEvaluation:
    """Models ranking each sampled person's whole candidate set, judged by the ground truth."""

    metrics: dict[str, dict[str, float]]
    frame: pl.DataFrame  # query_id, person_id, item id, grade (= true expected grade)
    scores: dict[str, np.ndarray]
    exposure_gini: float
    never_recommended: float


def seeker_queries(latents: Latents, person_ids: list[int]) -> tuple[datetime, pl.LazyFrame]:
    """One query per person at the city's as-of date (query id = person id)."""
    at = datetime(latents.as_of.year, latents.as_of.month, latents.as_of.day, tzinfo=UTC)
    queries = pl.LazyFrame(
        {"query_id": person_ids, "person_id": person_ids, "at": [at] * len(person_ids)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    return at, queries


def judge(
    frame: pl.DataFrame,
    item: str,
    scorers: dict[str, Scorer],
    open_ids: np.ndarray,
    *,
    k: int = 10,
) -> CandidateEvaluation:
    """Score every row of ``frame`` (features plus ``grade`` = the true expected grade) with each
    model; NDCG@5/k per model, and the exposure of the ranker's top-k over ``open_ids``."""
    from training.metrics import exposure_gini, ranking_report, share_never_recommended

    scores = {name: np.asarray(score(frame), dtype=np.float64) for name, score in scorers.items()}
    scores["oracle"] = frame["grade"].to_numpy()
    query_ids = frame["query_id"].to_numpy()
    metrics = {
        name: {
            key: value
            for key, value in ranking_report(values, scores["oracle"], query_ids, (5, k)).items()
            if key.startswith("ndcg")
        }
        for name, values in scores.items()
    }
    top = (
        frame.select("query_id", item)
        .with_columns(score=pl.Series(scores["ranker"]) if "ranker" in scores else pl.lit(0.0))
        .sort("score", descending=True)
        .group_by("query_id", maintain_order=True)
        .head(k)[item]
        .to_numpy()
    )
    return CandidateEvaluation(
        metrics=metrics,
        frame=frame.select("query_id", "person_id", item, "grade"),
        scores=scores,
        exposure_gini=float(exposure_gini(top, open_ids)),
        never_recommended=float(share_never_recommended(top, open_ids)),
    )


def candidate_set_evaluation(
    context: FeatureContext,
    latents: Latents,
    scorers: dict[str, Scorer],
    person_ids: list[int],
    *,
    k: int = 10,
) -> CandidateEvaluation:
    """Rank every candidate vacancy of each person at the city's as-of date; the gain of an item
    is its true expected grade, so the oracle's NDCG is 1 and nothing is limited to logged lists."""
    from features.jobs import job_features

    at, queries = seeker_queries(latents, person_ids)
    people = people_at(context, queries).collect()
    candidates = job_candidates(context, people.lazy()).collect()
    frame = (
        job_features(context, people.lazy(), candidates.lazy().select("query_id", "vacancy_id"))
        .collect()
        .sort("query_id", "vacancy_id")
    )
    truth = job_truth(context, latents)
    relevance = truth.outcome(frame["person_id"].to_numpy(), frame["vacancy_id"].to_numpy())
    frame = frame.with_columns(grade=pl.Series(relevance.expected_grade))
    return judge(frame, "vacancy_id", scorers, open_at(context, at), k=k)
