"""Ranked vacancies for one person with Chinese reasons: what counselors see on every line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from features.congestion import CONGESTION, WINDOW_DAYS
from features.reasons import ability_statements, congestion_note
from features.request import job_matrix, job_request
from features.schema import JOB_FEATURE_SET
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend_core import MAX_REASONS, Order, explain, rank, reasons_of
from serving.services.skill_courses import SkillCourse, skill_courses
from training.baselines import job_rule_scores

__all__ = [
    "MAX_REASONS",
    "UNASSESSED_ZH",
    "JobLine",
    "JobList",
    "congestion_order",
    "load_note",
    "reasons_of",
    "recommend_jobs",
]

FloatArray = npt.NDArray[np.float64]

# Said wherever a person never assessed gets recommendations: the typical scores of the person's
# disability category and level stand in for the assessment in the ranking, never to exclude.
UNASSESSED_ZH = (
    "此人尚无职业能力评估：能力匹配暂按同类别、同等级残疾人的一般情况估计，只用于排序，"
    "不据此排除任何岗位。请尽快安排评估。"
)
# The feature whose contribution says a line is held down by skills the person lacks.
SKILLS_SHARED = "x_skills_overlap"
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
    plain_rank: int  # where the model alone put it; the served rank also prices the load


@dataclass(frozen=True)
class JobList:
    person_id: int
    model: str
    feature_set: str
    degraded: bool
    assessed: bool  # whether the snapshot holds an assessment of the person
    lines: list[JobLine] = field(default_factory=list)
    skill_courses: list[SkillCourse] = field(default_factory=list)  # beside the lines

    @property
    def no_eligible_vacancy(self) -> bool:
        return not self.lines


def recommend_jobs(
    snapshot: ServingSnapshot,
    model: ServedModel,
    person_id: int,
    at: datetime,
    k: int = 10,
    *,
    with_skill_courses: bool = True,
) -> JobList:
    """The person's ``k`` best vacancies in the served order, explained; and the courses that
    teach what holds them down (``with_skill_courses``: a caller that keeps only the lines, as
    the nightly batch, leaves them out)."""
    names = JOB_FEATURE_SET.names
    # A model reads the input matrix only, which the NumPy engine makes without the frame.
    lookups, frames = snapshot.lookups, snapshot.frames
    fast = job_matrix(frames, person_id, at) if model.booster is not None else None
    rows, features = fast or (job_request(frames, person_id, at), None)
    assessed = person_id in lookups.accommodations_needed  # one entry per assessed person
    result = JobList(person_id, model.label, JOB_FEATURE_SET.version, model.degraded, assessed)
    if rows.height == 0:
        return result
    served_order = congestion_order(snapshot, rows, features, names, k)
    ranked = rank(model, rows, names, job_rule_scores, k, features=features, order=served_order)
    needed = lookups.accommodations_needed.get(person_id, [])
    held_back: list[int] = []  # lines the skills in common hold down
    for position, row in enumerate(ranked.rows):
        vacancy = lookups.vacancies[row["vacancy_id"]]
        reasons, cautions = explain(
            model, row, ranked.contributions[position], names, RULE_FEATURES
        )
        if model.booster is not None:
            short = ranked.contributions[position][names.index(SKILLS_SHARED)] < 0
        else:
            short = bool(vacancy.wanted) and not row[SKILLS_SHARED]
        if short:
            held_back.append(int(row["vacancy_id"]))
        plain_rank = int(ranked.plain_ranks[position])
        note = load_note(snapshot, row, plain_rank, position + 1)
        result.lines.append(
            JobLine(
                vacancy_id=int(row["vacancy_id"]),
                title=vacancy.title,
                employer=vacancy.employer,
                score=float(ranked.scores[position]),
                reasons=reasons,
                cautions=cautions,
                statements=ability_statements(row, vacancy.offered, needed),
                congestion=note,
                plain_rank=plain_rank,
            )
        )
    if not with_skill_courses:
        return result
    county = lookups.person_counties.get(person_id)
    result.skill_courses.extend(skill_courses(lookups, person_id, county, held_back, at.date()))
    return result


def congestion_order(
    snapshot: ServingSnapshot,
    rows: pl.DataFrame,
    features: FloatArray | None,
    names: list[str],
    k: int,
) -> Order:
    """The person's list of ``k`` in the order the congestion prices give it
    (``features.congestion``), with the recent load as of the snapshot's read."""
    load = snapshot.load(rows["vacancy_id"].to_numpy())
    openings = _openings(rows, features, names)

    def served(scores: FloatArray) -> npt.NDArray[np.intp]:
        return CONGESTION.order(scores, load, openings, k)

    return served


def load_note(
    snapshot: ServingSnapshot, row: dict[str, Any], plain_rank: int, rank: int
) -> str | None:
    """What a line says about the competition for the post: why the load moved it down or up,
    else the referrals so far against the openings (``congestion_note``)."""
    openings = int(row["v_openings"] or 1)
    recent = snapshot.load.count(int(row["vacancy_id"]))
    weeks = WINDOW_DAYS // 7
    if plain_rank < rank:
        return f"该岗位已推荐较多人（近{weeks}周已推荐{recent}人，招{openings}人），排序已适当下调"
    if plain_rank > rank and recent == 0:
        return f"该岗位近{weeks}周尚无人推荐（招{openings}人），竞争较小，排序已适当上调"
    referred = round((row["x_congestion"] or 0.0) * openings)
    return congestion_note(referred, openings)


def _openings(rows: pl.DataFrame, features: FloatArray | None, names: list[str]) -> FloatArray:
    """Each row's openings (at least one), from the model's matrix when there is one."""
    if features is not None:
        values = features[:, names.index("v_openings")]
    else:
        values = rows["v_openings"].cast(pl.Float64).fill_null(1.0).to_numpy()
    return np.nan_to_num(np.asarray(values, np.float64), nan=1.0)
