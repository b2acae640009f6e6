"""Dated running counts built from the referral history, for point-in-time lookups.

Each history has one row per key and moment with the running totals *after* everything that
happened at that moment. A lookup for a moment t takes the last row strictly before t
(``features.tables.History.locate``), so nothing that happened at or after t leaks into features
for t.
"""

from __future__ import annotations

import polars as pl

from features.sources import Snapshot

HIRED = ("hired", "retained_6m")


def _running(frame: pl.LazyFrame, key: str, counts: dict[str, pl.Expr]) -> pl.LazyFrame:
    """Running totals per key after each moment; only moments that change a total are kept."""
    changes = pl.any_horizontal(list(counts.values()))
    return (
        frame.filter(changes)
        .group_by(key, "at")
        .agg(*(expr.cast(pl.Int32).sum().alias(name) for name, expr in counts.items()))
        .sort(key, "at")
        .with_columns(pl.col(name).cum_sum().over(key) for name in counts)
    )


def _job_events(snapshot: Snapshot) -> pl.LazyFrame:
    referrals = snapshot.referrals.lazy().filter(pl.col("vacancy_id").is_not_null())
    return snapshot.events.lazy().join(
        referrals.select(
            pl.col("id").alias("referral_id"), "person_id", "vacancy_id", "referred_at"
        ),
        on="referral_id",
    )


def person_history(snapshot: Snapshot) -> pl.LazyFrame:
    """Per person: job referrals, applications, interviews, hires and refusals so far."""
    referred = (
        snapshot.referrals.lazy()
        .filter(pl.col("vacancy_id").is_not_null())
        .select("person_id", pl.col("referred_at").alias("at"), pl.lit("new").alias("stage"))
    )
    events = _job_events(snapshot).select("person_id", "at", "stage")
    return _running(
        pl.concat([referred, events]),
        "person_id",
        {
            "past_referrals": pl.col("stage") == "new",
            "past_applied": pl.col("stage") == "applied",
            "past_interviewed": pl.col("stage") == "interviewed",
            "past_hired": pl.col("stage") == "hired",
            "past_refused": pl.col("stage") == "refused",
        },
    )


def vacancy_history(snapshot: Snapshot) -> pl.LazyFrame:
    """Per vacancy: referrals so far (congestion), and how many of them applied and were
    interviewed."""
    referred = (
        snapshot.referrals.lazy()
        .filter(pl.col("vacancy_id").is_not_null())
        .select("vacancy_id", pl.col("referred_at").alias("at"), pl.lit("new").alias("stage"))
    )
    events = _job_events(snapshot).select("vacancy_id", "at", "stage")
    return _running(
        pl.concat([referred, events]),
        "vacancy_id",
        {
            "vacancy_referrals": pl.col("stage") == "new",
            "vacancy_applied": pl.col("stage") == "applied",
            "vacancy_interviewed": pl.col("stage") == "interviewed",
        },
    )


def employer_history(snapshot: Snapshot) -> pl.LazyFrame:
    """Per employer: referrals of persons with disabilities so far, and how many of them applied,
    were interviewed and were hired."""
    employers = snapshot.vacancies.lazy().select(pl.col("id").alias("vacancy_id"), "employer_id")
    referred = (
        snapshot.referrals.lazy()
        .filter(pl.col("vacancy_id").is_not_null())
        .select("vacancy_id", pl.col("referred_at").alias("at"), pl.lit("new").alias("stage"))
    )
    events = _job_events(snapshot).select("vacancy_id", "at", "stage")
    return _running(
        pl.concat([referred, events]).join(employers, on="vacancy_id"),
        "employer_id",
        {
            "employer_referrals": pl.col("stage") == "new",
            "employer_applied": pl.col("stage") == "applied",
            "employer_interviewed": pl.col("stage") == "interviewed",
            "employer_hires": pl.col("stage") == "hired",
        },
    )


def course_history(snapshot: Snapshot) -> pl.LazyFrame:
    """Per course: referrals, enrolments, completions and jobs found so far."""
    referrals = snapshot.referrals.lazy().filter(pl.col("course_id").is_not_null())
    events = snapshot.events.lazy().join(
        referrals.select(pl.col("id").alias("referral_id"), "course_id"), on="referral_id"
    )
    return _running(
        events.select("course_id", "at", "stage"),
        "course_id",
        {
            "course_referrals": pl.col("stage") == "referred",
            "course_enrolled": pl.col("stage") == "enrolled",
            "course_completed": pl.col("stage") == "completed",
            "course_employed": pl.col("stage") == "employed_6m",
        },
    )
