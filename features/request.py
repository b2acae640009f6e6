"""Request time: candidates and their features for one person at one moment.

The same functions build the training frames; only the queries differ (now instead of each past
referral's moment). ``tests/test_features.py`` checks both give the same numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import polars as pl

from features.candidates import DEFAULT_LIMIT, job_candidates
from features.context import FeatureContext
from features.course import course_features
from features.jobs import job_features, people_at
from features.sources import UTC_MICROS

# Small frames: the streaming engine's start-up costs more than the work itself.
ENGINE: Final = "in-memory"


def one_query(person_id: int, at: datetime) -> pl.LazyFrame:
    return pl.LazyFrame(
        {"query_id": [1], "person_id": [person_id], "at": [at]},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )


def job_request(
    context: FeatureContext, person_id: int, at: datetime, *, limit: int = DEFAULT_LIMIT
) -> pl.DataFrame:
    """Candidate vacancies for the person with their features (one row per vacancy)."""
    people = people_at(context, one_query(person_id, at)).collect(engine=ENGINE).lazy()
    candidates = job_candidates(context, people, limit=limit).collect(engine=ENGINE)
    items = candidates.lazy().select("query_id", "vacancy_id")
    return job_features(context, people, items).collect(engine=ENGINE)


def job_features_for(
    context: FeatureContext, person_id: int, at: datetime, vacancy_ids: list[int]
) -> pl.DataFrame:
    """Features of given vacancies for the person at a moment (no candidate generation)."""
    people = people_at(context, one_query(person_id, at)).collect(engine=ENGINE).lazy()
    items = pl.LazyFrame({"query_id": [1] * len(vacancy_ids), "vacancy_id": vacancy_ids})
    return job_features(context, people, items).collect(engine=ENGINE)


def course_request(context: FeatureContext, person_id: int, at: datetime) -> pl.DataFrame:
    """Every open course for the person with its features (courses are few: no cut)."""
    people = people_at(context, one_query(person_id, at)).collect(engine=ENGINE).lazy()
    open_courses = context.courses.lazy().filter(pl.col("_c_status") == "open")
    items = open_courses.select(pl.lit(1, dtype=pl.Int64).alias("query_id"), "course_id")
    return course_features(
        context.courses.lazy(), context.course_history.lazy(), people, items
    ).collect(engine=ENGINE)
