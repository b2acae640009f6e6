"""Courses judged on whole candidate sets against the hidden ground truth (evaluation only, like
``training.oracle``): every open course for each sampled job seeker, as a request would see them
(``features.request.course_request``), with the true expected grade as the gain."""

from __future__ import annotations

import numpy as np
import polars as pl

from features.context import FeatureContext
from features.course import course_features
from features.jobs import people_at
from matching.synth.truth import CourseTruth
from training.oracle import CandidateEvaluation, Latents, Scorer, judge, seeker_queries

__all__ = ["course_candidate_set_evaluation", "course_oracle_scores"]


def course_truth(context: FeatureContext, latents: Latents) -> CourseTruth:
    snapshot = context.snapshot
    return CourseTruth(latents, snapshot.persons, snapshot.courses, snapshot.bases)


def course_oracle_scores(
    context: FeatureContext, latents: Latents, frame: pl.DataFrame
) -> np.ndarray:
    """The best possible ordering of logged course referrals: the truth's expected grade."""
    outcome = course_truth(context, latents).outcome(
        frame["person_id"].to_numpy(), frame["course_id"].to_numpy()
    )
    return outcome.expected_grade


def course_candidate_set_evaluation(
    context: FeatureContext,
    latents: Latents,
    scorers: dict[str, Scorer],
    person_ids: list[int],
    *,
    k: int = 10,
) -> CandidateEvaluation:
    """Rank every open course for each person at the as-of date (courses are few: no cut)."""
    _at, queries = seeker_queries(latents, person_ids)
    people = people_at(context, queries).collect()
    open_courses = context.courses.filter(pl.col("_c_status") == "open").select("course_id")
    items = people.select("query_id").join(open_courses, how="cross")
    frame = (
        course_features(context.courses.lazy(), context.course_history, people.lazy(), items.lazy())
        .collect()
        .sort("query_id", "course_id")
    )
    truth = course_truth(context, latents)
    relevance = truth.outcome(frame["person_id"].to_numpy(), frame["course_id"].to_numpy())
    frame = frame.with_columns(grade=pl.Series(relevance.expected_grade))
    return judge(frame, "course_id", scorers, open_courses["course_id"].to_numpy(), k=k)
