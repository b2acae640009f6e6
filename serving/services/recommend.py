"""Ranked vacancies for one person with Chinese reasons: what counselors see on every line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from features.reasons import ability_statements, congestion_note
from features.request import job_matrix, job_request
from features.schema import JOB_FEATURE_SET
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend_core import MAX_REASONS, explain, rank, reasons_of
from training.baselines import job_rule_scores

__all__ = ["MAX_REASONS", "JobLine", "JobList", "reasons_of", "recommend_jobs"]

# What the rule ranking weighs, phrased as reasons when no model scored the line.
RULE_FEATURES = ("x_distance_km", "x_accommodation_coverage", "x_mode_fit")


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


def recommend_jobs(
    snapshot: ServingSnapshot, model: ServedModel, person_id: int, at: datetime, k: int = 10
) -> JobList:
    names = JOB_FEATURE_SET.names
    # A model reads the input matrix only, which the NumPy engine makes without the frame.
    lookups, frames = snapshot.lookups, snapshot.frames
    fast = job_matrix(frames, person_id, at) if model.booster is not None else None
    rows, features = fast or (job_request(frames, person_id, at), None)
    result = JobList(person_id, model.label, JOB_FEATURE_SET.version, model.degraded)
    if rows.height == 0:
        return result
    ranked = rank(model, rows, names, job_rule_scores, k, features=features)
    needed = lookups.accommodations_needed.get(person_id, [])
    for position, row in enumerate(ranked.rows):
        vacancy = lookups.vacancies[row["vacancy_id"]]
        reasons, cautions = explain(
            model, row, ranked.contributions[position], names, RULE_FEATURES
        )
        referred = round((row["x_congestion"] or 0.0) * (row["v_openings"] or 1.0))
        result.lines.append(
            JobLine(
                vacancy_id=int(row["vacancy_id"]),
                title=vacancy.title,
                employer=vacancy.employer,
                score=float(ranked.scores[position]),
                reasons=reasons,
                cautions=cautions,
                statements=ability_statements(row, vacancy.offered, needed),
                congestion=congestion_note(referred, int(row["v_openings"] or 1)),
            )
        )
    return result
