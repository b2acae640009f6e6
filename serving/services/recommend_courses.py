"""Ranked training courses for one person with Chinese reasons, built like the vacancy lines
(:mod:`serving.services.recommend`) from the courses ranker's contributions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from features.context import FeatureContext
from features.reasons import ability_statements, congestion_note
from features.request import course_request
from features.schema import COURSE_FEATURE_SET
from matching import codes
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend_core import explain, rank
from training.baselines import course_rule_scores

__all__ = ["CourseFacts", "CourseLine", "CourseList", "course_facts", "recommend_courses"]

# The congestion note counts referrals of about one intake cycle (intakes open every few
# months): the feature ``y_congestion`` counts them since the course began, which on a course
# running for years says nothing about the next intake.
RECENT_DAYS = 90
# What the rule ranking weighs, phrased as reasons when no model scored the line.
RULE_FEATURES = ("y_worst_margin", "y_accessibility_coverage", "y_distance_km", "c_past_job_rate")


@dataclass(frozen=True)
class CourseLine:
    course_id: int
    title: str
    base: str  # the training base that runs it
    county: str  # the base's county, in Chinese
    next_intake: date | None
    score: float
    reasons: list[str]
    cautions: list[str]
    statements: list[str]
    congestion: str | None


@dataclass(frozen=True)
class CourseList:
    person_id: int
    model: str
    feature_set: str
    degraded: bool
    lines: list[CourseLine] = field(default_factory=list)


@dataclass(frozen=True)
class CourseFacts:
    """What course lines show besides their features, for some courses (or all): title, base,
    county, next intake and accessibility by course id, and the referrals of the last
    ``RECENT_DAYS`` before the moment asked."""

    details: dict[int, dict[str, Any]]
    recent: dict[int, int]


def course_facts(
    context: FeatureContext, at: datetime, course_ids: list[int] | None = None
) -> CourseFacts:
    """The facts of ``course_ids`` (None: every course) at ``at``."""
    return CourseFacts(_details(context, course_ids), _recent_referrals(context, course_ids, at))


def recommend_courses(
    snapshot: ServingSnapshot,
    model: ServedModel,
    person_id: int,
    at: datetime,
    k: int = 5,
    *,
    rows: pl.DataFrame | None = None,
    facts: CourseFacts | None = None,
) -> CourseList:
    """The ``k`` best open courses for the person at ``at`` (every open course is a candidate:
    there are a few hundred at most). A caller ranking many persons passes each one's ``rows``
    (``features.request.course_requests``) and the ``facts`` of every course, made once."""
    names = COURSE_FEATURE_SET.names
    result = CourseList(person_id, model.label, COURSE_FEATURE_SET.version, model.degraded)
    if rows is None:
        rows = course_request(snapshot.frames, person_id, at)
    # by course id, so that tied scores keep one order in every process (the frame's own order
    # comes from joins that do not keep one)
    rows = rows.sort("course_id")
    if rows.height == 0:
        return result
    ranked = rank(model, rows, names, course_rule_scores, k)
    if facts is None:
        facts = course_facts(snapshot.context, at, [int(row["course_id"]) for row in ranked.rows])
    details, recent = facts.details, facts.recent
    needed = snapshot.lookups.accommodations_needed.get(person_id, [])
    for position, row in enumerate(ranked.rows):
        course = details[row["course_id"]]
        reasons, cautions = explain(
            model, row, ranked.contributions[position], names, RULE_FEATURES
        )
        capacity = int(row["c_capacity"] or 0)
        result.lines.append(
            CourseLine(
                course_id=int(row["course_id"]),
                title=course["title"],
                base=course["base"],
                county=course["county"],
                next_intake=course["next_intake"],
                score=float(ranked.scores[position]),
                reasons=reasons,
                cautions=cautions,
                statements=ability_statements(
                    row,
                    course["offered"],
                    needed,
                    prefix="y_margin_",
                    target="课程对应职业要求",
                    provider="课程",
                ),
                congestion=congestion_note(
                    recent.get(int(row["course_id"]), 0),
                    capacity,
                    item="课程",
                    places="每期招",
                    since=f"近{RECENT_DAYS}天",
                ),
            )
        )
    return result


def _details(context: FeatureContext, course_ids: list[int] | None) -> dict[int, dict[str, Any]]:
    snapshot = context.snapshot
    courses = snapshot.courses
    if course_ids is not None:
        courses = courses.filter(pl.col("id").is_in(course_ids))
    courses = courses.join(
        snapshot.bases.select(
            pl.col("id").alias("base_id"),
            pl.col("name").alias("base"),
            pl.col("county").alias("base_county"),
        ),
        on="base_id",
        how="left",
    )
    return {
        row["id"]: {
            "title": row["title"],
            "base": row["base"] or "",
            "county": _county_label(row["base_county"]),
            "next_intake": row["next_intake"],
            "offered": row["accessibility"] or [],
        }
        for row in courses.iter_rows(named=True)
    }


def _recent_referrals(
    context: FeatureContext, course_ids: list[int] | None, at: datetime
) -> dict[int, int]:
    """Referrals to each course in the ``RECENT_DAYS`` before ``at``."""
    since = at - timedelta(days=RECENT_DAYS)
    asked = (
        pl.col("course_id").is_not_null()
        if course_ids is None
        else pl.col("course_id").is_in(course_ids)
    )
    recent = (
        context.snapshot.referrals.filter(
            asked & (pl.col("referred_at") >= since) & (pl.col("referred_at") <= at)
        )
        .group_by("course_id")
        .len()
    )
    return dict(zip(recent["course_id"].to_list(), recent["len"].to_list(), strict=True))


def _county_label(county: str | None) -> str:
    return codes.COUNTIES.label(county) if county in codes.COUNTIES.codes else (county or "")
