"""The two rankers as data: what differs between the jobs and the courses ranker, in one place.

Training, the registry, the promotion gate and the service ask ``RANKER_KINDS[name]`` for the
kind's feature set, training frame, grades, monotone constraints, baselines, evaluation, oracle,
request rows and registered model, instead of testing ``kind == "jobs"`` where they need one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

import polars as pl

from features.context import FeatureContext
from features.request import RequestFrames, course_request, job_request
from features.schema import COURSE_FEATURE_SET, JOB_FEATURE_SET, FeatureSet
from features.training_frames import (
    COURSE_GRADES,
    JOB_GRADES,
    course_training_frame,
    job_training_frame,
)
from training import baselines
from training.constraints import COURSE_MONOTONE, JOB_MONOTONE
from training.oracle import Scorer, candidate_set_evaluation, job_oracle_scores
from training.oracle_courses import course_candidate_set_evaluation, course_oracle_scores
from training.tracking import COURSES_MODEL, JOBS_MODEL

Kind = Literal["jobs", "courses"]


@dataclass(frozen=True)
class RankerKind:
    name: Kind
    model_name: str  # the registered model (MLflow)
    feature_set: FeatureSet
    grades: Mapping[str, int]  # outcome stage → relevance grade
    monotone: Mapping[str, int]  # feature → LightGBM monotone constraint
    training_frame: Callable[[FeatureContext], pl.LazyFrame]
    rule_scores: Scorer
    popularity_scores: Scorer
    candidate_set_evaluation: Callable[..., Any]
    oracle_scores: Callable[..., Any]
    request: Callable[[RequestFrames, int, datetime], pl.DataFrame]  # one person's rows
    # TrainConfig settings of this kind over the code's defaults (a --config file overrides them)
    train_settings: Mapping[str, Any]


JOBS = RankerKind(
    name="jobs",
    model_name=JOBS_MODEL,
    feature_set=JOB_FEATURE_SET,
    grades=JOB_GRADES,
    monotone=JOB_MONOTONE,
    training_frame=job_training_frame,
    rule_scores=baselines.job_rule_scores,
    popularity_scores=baselines.job_popularity_scores,
    candidate_set_evaluation=candidate_set_evaluation,
    oracle_scores=job_oracle_scores,
    request=job_request,
    train_settings=MappingProxyType({}),
)
COURSES = RankerKind(
    name="courses",
    model_name=COURSES_MODEL,
    feature_set=COURSE_FEATURE_SET,
    grades=COURSE_GRADES,
    monotone=COURSE_MONOTONE,
    training_frame=course_training_frame,
    rule_scores=baselines.course_rule_scores,
    popularity_scores=baselines.course_popularity_scores,
    candidate_set_evaluation=course_candidate_set_evaluation,
    oracle_scores=course_oracle_scores,
    request=course_request,
    # The course lists hold three courses and one noisy outcome chain each: 7-leaf trees fit
    # that noise, 3-leaf trees rank whole candidate sets better on three cities (+1.3% to
    # +3.0% NDCG@10, "Courses: why the ranker ties the logistic" in experiments/training.md).
    train_settings=MappingProxyType({"num_leaves": 3}),
)
RANKER_KINDS: dict[str, RankerKind] = {kind.name: kind for kind in (JOBS, COURSES)}
