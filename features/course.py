"""Course features: what a course offers (static) and, as of the query's moment, how its past
participants fared; and the person–course pair features."""

from __future__ import annotations

import polars as pl

from features.geo import haversine_km
from features.ops import POLARS, expression
from features.schema import COURSE_FEATURE_SET, DIMENSIONS
from features.tables import History
from features.text import bigrams, set_cosine
from matching.occupations import load_occupations

COURSE_HISTORY = ["course_referrals", "course_enrolled", "course_completed", "course_employed"]
# Classroom provisions that make up for low abilities: (dimension, provision).
CLASSROOM_NEEDS = (
    ("hearing", "sign_interpreter"),
    ("vision", "screen_reader"),
    ("vision", "large_print_braille"),
    ("mobility", "step_free"),
)
LOW_ABILITY = 1.5


def course_table(courses: pl.LazyFrame, bases: pl.LazyFrame) -> pl.LazyFrame:
    """Static columns of every course with its base's place and its occupation's demands."""
    occupations = load_occupations()
    demand = {d: {code: float(o.demand[d]) for code, o in occupations.items()} for d in DIMENSIONS}
    names = {code: o.name for code, o in occupations.items()}
    return courses.join(
        bases.select(
            pl.col("id").alias("base_id"),
            "latitude",
            "longitude",
            pl.col("county").alias("base_county"),
        ),
        on="base_id",
        how="left",
    ).select(
        pl.col("id").alias("course_id"),
        c_duration_days=pl.col("duration_days").cast(pl.Float64),
        c_capacity=pl.col("capacity").cast(pl.Float64),
        c_accessibility=pl.col("accessibility").list.len().fill_null(0).cast(pl.Int32),
        c_fee_subsidy=pl.col("fee_subsidy").cast(pl.Float64),
        c_living_subsidy=pl.col("living_subsidy").cast(pl.Float64),
        _next_intake=pl.col("next_intake"),
        _c_status=pl.col("status"),
        _c_latitude=pl.col("latitude"),
        _c_longitude=pl.col("longitude"),
        _c_access=pl.col("accessibility").fill_null([]),
        _taught=pl.col("skills").fill_null([]),
        _c_text=bigrams(
            pl.concat_str(
                "title",
                pl.col("skills").list.join(""),
                pl.col("occupation_code").replace_strict(names, default=""),
                ignore_nulls=True,
            )
        ),
        **{
            f"_c_demand_{d}": pl.col("occupation_code").replace_strict(
                demand[d], default=2.0, return_dtype=pl.Float64
            )
            for d in DIMENSIONS
        },
    )


def course_features(
    context_courses: pl.LazyFrame,
    history: History,
    people: pl.LazyFrame,
    items: pl.LazyFrame,
) -> pl.LazyFrame:
    """people (features.jobs.people_at) × items (query_id, course_id) → ids and course features."""
    timed = items.join(people.select("query_id", "at"), on="query_id")
    rows = history.locate(
        timed.join(context_courses, on="course_id", how="left"),
        "course_id",
        "at",
        "_course_history",
    )
    rows = history.attach(rows, "_course_history", COURSE_HISTORY, missing=0)
    rows = rows.join(people.drop("at"), on="query_id", how="left")
    margins = [pl.col(f"p_{d}") - pl.col(f"_c_demand_{d}") for d in DIMENSIONS]
    distance = haversine_km(
        pl.col("_latitude"), pl.col("_longitude"), pl.col("_c_latitude"), pl.col("_c_longitude")
    )
    low = [
        (pl.col(f"p_{dim}") < LOW_ABILITY).fill_null(False) for dim, _provision in CLASSROOM_NEEDS
    ]
    met = [
        low_dim & pl.col("_c_access").list.contains(provision)
        for low_dim, (_dim, provision) in zip(low, CLASSROOM_NEEDS, strict=True)
    ]
    needs = pl.sum_horizontal([x.cast(pl.Int32) for x in low])
    served = pl.sum_horizontal([x.cast(pl.Int32) for x in met])
    enrolled = pl.col("course_enrolled").cast(pl.Float64)
    completed = pl.col("course_completed").cast(pl.Float64)
    return rows.with_columns(
        *(m.alias(f"y_margin_{d}") for m, d in zip(margins, DIMENSIONS, strict=True)),
        c_past_enrolled=pl.col("course_enrolled").cast(pl.Int32),
        c_past_completion_rate=pl.when(enrolled > 0).then(completed / enrolled).otherwise(None),
        c_past_job_rate=pl.when(completed > 0)
        .then(pl.col("course_employed").cast(pl.Float64) / completed)
        .otherwise(None),
        y_worst_margin=pl.min_horizontal(margins),
        y_accessibility_coverage=pl.when(needs > 0).then(served / needs).otherwise(1.0),
        y_new_skills=pl.col("_taught").list.set_difference("_skills").list.len().cast(pl.Int32),
        y_text_similarity=expression(set_cosine(POLARS, "_text", "_c_text")),
        y_distance_km=distance,
        y_commute_ratio=distance / pl.col("p_commute_km").clip(1.0, None),
        y_congestion=pl.col("course_referrals").cast(pl.Float64)
        / pl.col("c_capacity").clip(1.0, None),
    ).select("query_id", "person_id", "course_id", "at", *COURSE_FEATURE_SET.names)
