"""Request time: candidates and their features for one person at one moment.

The same functions build the training frames; only the queries differ (now instead of each past
referral's moment). ``tests/test_features.py`` checks both give the same numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

import polars as pl

from features.candidates import DEFAULT_LIMIT, job_candidates
from features.context import FeatureContext
from features.course import course_features
from features.jobs import job_features, people_at
from features.sources import UTC_MICROS

# Small frames: the streaming engine's start-up costs more than the work itself.
ENGINE: Final = "in-memory"
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# The plans are written lean (columns picked, cheap filters first); optimising them costs more
# than it saves for one person.
OPTIMIZATIONS: Final = pl.QueryOptFlags.none()


def collect(frame: pl.LazyFrame) -> pl.DataFrame:
    """Run a request-sized plan. ``collect_all`` runs it on polars' own thread pool, which spares
    a hand-over between threads at each parallel step (about 10% of a request here)."""
    (result,) = pl.collect_all([frame], engine=ENGINE, optimizations=OPTIMIZATIONS)
    return result


def one_query(person_id: int, at: datetime) -> pl.LazyFrame:
    """The query frame of one person at one moment (a naive moment is taken as UTC)."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    micros = (moment - EPOCH) // timedelta(microseconds=1)  # polars converts datetimes slowly
    return pl.DataFrame(
        [
            pl.Series("query_id", [1], pl.Int64),
            pl.Series("person_id", [person_id], pl.Int64),
            pl.Series("at", [micros], pl.Int64).cast(UTC_MICROS),
        ]
    ).lazy()


def job_request(
    context: FeatureContext, person_id: int, at: datetime, *, limit: int = DEFAULT_LIMIT
) -> pl.DataFrame:
    """Candidate vacancies for the person with their features (one row per vacancy)."""
    people = collect(people_at(context, one_query(person_id, at))).lazy()
    candidates = collect(job_candidates(context, people, limit=limit))
    items = candidates.lazy().select("query_id", "vacancy_id")
    return collect(job_features(context, people, items))


def job_features_for(
    context: FeatureContext, person_id: int, at: datetime, vacancy_ids: list[int]
) -> pl.DataFrame:
    """Features of given vacancies for the person at a moment (no candidate generation)."""
    people = collect(people_at(context, one_query(person_id, at))).lazy()
    items = pl.LazyFrame({"query_id": [1] * len(vacancy_ids), "vacancy_id": vacancy_ids})
    return collect(job_features(context, people, items))


def course_request(context: FeatureContext, person_id: int, at: datetime) -> pl.DataFrame:
    """Every open course for the person with its features (courses are few: no cut)."""
    people = collect(people_at(context, one_query(person_id, at))).lazy()
    open_courses = context.courses.lazy().filter(pl.col("_c_status") == "open")
    items = open_courses.select(pl.lit(1, dtype=pl.Int64).alias("query_id"), "course_id")
    return collect(course_features(context.courses.lazy(), context.course_history, people, items))
