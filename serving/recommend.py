"""Ranked vacancies for one person with Chinese reasons: what counselors see on every line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from features.context import FeatureContext
from features.reasons import ability_statements, congestion_note, explainable, phrase
from features.request import job_request
from features.schema import JOB_FEATURES
from serving.models import ServedModel
from training.baselines import job_rule_scores

MAX_REASONS = 3
# Features that speak about the same thing: one phrase per topic on a line.
TOPICS = {
    "x_distance_km": "distance",
    "x_commute_ratio": "distance",
    "x_same_county": "distance",
    "v_pay_min": "pay",
    "v_pay_max": "pay",
    "x_pay_vs_expectation": "pay",
    "v_employer_quota_gap": "quota",
    "v_employer_disabled_rate": "quota",
    "v_channel": "channel",
    "v_reserved": "channel",
}


@dataclass(frozen=True)
class JobLine:
    vacancy_id: int
    title: str
    employer: str
    score: float
    reasons: list[str]
    cautions: list[str]
    statements: list[str]
    congestion: str | None


@dataclass(frozen=True)
class JobList:
    person_id: int
    model: str
    feature_set: str
    degraded: bool
    lines: list[JobLine] = field(default_factory=list)

    @property
    def no_eligible_vacancy(self) -> bool:
        return not self.lines


def reasons_of(
    row: dict[str, Any], contributions: np.ndarray, names: list[str]
) -> tuple[list[str], list[str]]:
    """Up to three phrases: the strongest explainable contributions, for and against."""
    order = np.argsort(-np.abs(contributions[: len(names)]))
    reasons: list[str] = []
    cautions: list[str] = []
    topics: set[str] = set()
    for index in order:
        name = names[index]
        topic = TOPICS.get(name, name)
        if not explainable(name) or topic in topics or len(reasons) + len(cautions) >= MAX_REASONS:
            continue
        supportive = bool(contributions[index] > 0)
        found = phrase(name, row, supportive=supportive)
        if found is not None and found.text not in reasons + cautions:
            (reasons if supportive else cautions).append(found.text)
            topics.add(topic)
    return reasons, cautions


def recommend_jobs(
    context: FeatureContext, model: ServedModel, person_id: int, at: datetime, k: int = 10
) -> JobList:
    names = JOB_FEATURES.names
    rows = job_request(context, person_id, at)
    result = JobList(person_id, model.label, JOB_FEATURES.version, model.degraded)
    if rows.height == 0:
        return result
    features = rows.select(names)
    if model.booster is not None:
        scores = np.asarray(model.booster.predict(features.to_pandas()), dtype=np.float64)
    else:
        scores = job_rule_scores(rows)
    top = np.argsort(-scores, kind="stable")[:k]
    chosen = rows[top.tolist()]
    contributions = (
        np.asarray(model.booster.predict(chosen.select(names).to_pandas(), pred_contrib=True))
        if model.booster is not None
        else np.zeros((chosen.height, len(names) + 1))
    )
    details = _details(context, person_id, chosen["vacancy_id"].to_list())
    for position, row in enumerate(chosen.iter_rows(named=True)):
        vacancy = details[row["vacancy_id"]]
        reasons, cautions = reasons_of(row, contributions[position], names)
        if model.booster is None:
            reasons = [
                p.text
                for n in ("x_distance_km", "x_accommodation_coverage", "x_mode_fit")
                if (p := phrase(n, row, supportive=True)) is not None
            ][:MAX_REASONS]
        referred = round((row["x_congestion"] or 0.0) * (row["v_openings"] or 1.0))
        result.lines.append(
            JobLine(
                vacancy_id=int(row["vacancy_id"]),
                title=vacancy["title"],
                employer=vacancy["employer"],
                score=float(scores[top[position]]),
                reasons=reasons,
                cautions=cautions,
                statements=ability_statements(row, vacancy["offered"], vacancy["needed"]),
                congestion=congestion_note(referred, int(row["v_openings"] or 1)),
            )
        )
    return result


def _details(
    context: FeatureContext, person_id: int, vacancy_ids: list[int]
) -> dict[int, dict[str, Any]]:
    snapshot = context.snapshot
    vacancies = snapshot.vacancies.filter(pl.col("id").is_in(vacancy_ids)).join(
        snapshot.employers.select(
            pl.col("id").alias("employer_id"), pl.col("name").alias("employer")
        ),
        on="employer_id",
    )
    latest = snapshot.assessments.filter(pl.col("person_id") == person_id).sort("assessed_on")
    needed = latest["accommodations_needed"][-1].to_list() if latest.height else []
    return {
        row["id"]: {
            "title": row["title"],
            "employer": row["employer"],
            "offered": row["accommodations_offered"] or [],
            "needed": needed,
        }
        for row in vacancies.iter_rows(named=True)
    }
