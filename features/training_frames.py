"""Training frames from the referral history: one row per referral, features as of its moment.

A query is one occasion a list was made for a person: a counselor's list (same person, same
moment), a fair visit or a self-application. The label is the furthest stage the referral
reached (graded relevance from codes.OUTCOME_STAGES / COURSE_STAGES ranks).
"""

from __future__ import annotations

import polars as pl

from features.context import FeatureContext
from features.course import course_features
from features.jobs import job_features, people_at
from matching import codes

JOB_GRADES = {item.code: item.rank for item in codes.OUTCOME_STAGES}
COURSE_GRADES = {item.code: item.rank for item in codes.COURSE_STAGES}


def grades(events: pl.LazyFrame, mapping: dict[str, int]) -> pl.LazyFrame:
    return events.group_by("referral_id").agg(
        grade=pl.col("stage").replace_strict(mapping, default=0, return_dtype=pl.Int32).max()
    )


def job_queries(referrals: pl.LazyFrame) -> pl.LazyFrame:
    """Referrals to vacancies with a query id per (person, moment, source)."""
    jobs = referrals.filter(pl.col("vacancy_id").is_not_null())
    return jobs.with_columns(
        query_id=pl.struct("person_id", "referred_at", "source").rank("dense").cast(pl.Int64)
    ).rename({"id": "referral_id", "referred_at": "at"})


def job_training_frame(context: FeatureContext) -> pl.LazyFrame:
    """Features, label and logging columns (shown_rank, source) of every job referral."""
    snapshot = context.snapshot
    referred = job_queries(snapshot.referrals.lazy())
    queries = referred.select("query_id", "person_id", "at").unique("query_id")
    items = referred.select("query_id", "vacancy_id", "referral_id", "shown_rank", "source")
    people = people_at(context, queries)
    features = job_features(context, people, items.select("query_id", "vacancy_id"))
    labels = grades(snapshot.events.lazy(), JOB_GRADES)
    return (
        features.join(items, on=["query_id", "vacancy_id"], how="left")
        .join(labels, on="referral_id", how="left")
        .with_columns(pl.col("grade").fill_null(0))
        .sort("at", "query_id", "vacancy_id")
    )


def course_training_frame(context: FeatureContext) -> pl.LazyFrame:
    """Features, label and logging columns of every course referral."""
    snapshot = context.snapshot
    referred = (
        snapshot.referrals.lazy()
        .filter(pl.col("course_id").is_not_null())
        .with_columns(query_id=pl.struct("person_id", "referred_at").rank("dense").cast(pl.Int64))
        .rename({"id": "referral_id", "referred_at": "at"})
    )
    queries = referred.select("query_id", "person_id", "at").unique("query_id")
    items = referred.select("query_id", "course_id", "referral_id", "shown_rank", "source")
    features = course_features(
        context.courses.lazy(),
        context.course_history,
        people_at(context, queries),
        items.select("query_id", "course_id"),
    )
    return (
        features.join(items, on=["query_id", "course_id"], how="left")
        .join(grades(snapshot.events.lazy(), COURSE_GRADES), on="referral_id", how="left")
        .with_columns(pl.col("grade").fill_null(0))
        .sort("at", "query_id", "course_id")
    )
