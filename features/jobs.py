"""Job features for (query, vacancy) pairs: one code path for training frames and requests.

``job_features(context, queries, items)`` is the only way features are made: the training frame
passes every past referral's moment, a request passes now. Nothing here reads the clock.
"""

from __future__ import annotations

import polars as pl

from features.context import FeatureContext
from features.geo import haversine_km
from features.person import person_features
from features.schema import DIMENSIONS, JOB_FEATURES
from features.text import set_cosine
from features.vacancy import ACCOMMODATION_BOOST_POINTS, vacancy_features


def job_pair_features(rows: pl.LazyFrame) -> pl.LazyFrame:
    """x_* features from the joined person (p_*, _*) and vacancy (v_*, _v_*) columns."""
    margins = [pl.col(f"p_{d}") - pl.col(f"v_demand_{d}") for d in DIMENSIONS]
    accommodated = [
        pl.col(f"p_{d}")
        + ACCOMMODATION_BOOST_POINTS * pl.col(f"_closes_{d}")
        - pl.col(f"v_demand_{d}")
        for d in DIMENSIONS
    ]
    home = pl.col("v_home_based") == 1
    distance = (
        pl.when(home)
        .then(0.0)
        .otherwise(
            haversine_km(
                pl.col("_latitude"),
                pl.col("_longitude"),
                pl.col("_v_latitude"),
                pl.col("_v_longitude"),
            )
        )
    )
    needed = pl.col("_needed")
    pay_mid = (pl.col("v_pay_min") + pl.col("v_pay_max")) / 2
    return rows.with_columns(
        *(margin.alias(f"x_margin_{d}") for margin, d in zip(margins, DIMENSIONS, strict=True)),
        x_worst_margin=pl.min_horizontal(margins),
        x_worst_margin_accommodated=pl.min_horizontal(accommodated),
        x_dimensions_short=pl.sum_horizontal([(m < 0).cast(pl.Int32) for m in accommodated]).cast(
            pl.Int32
        ),
        x_accommodation_coverage=pl.when(needed.list.len() > 0)
        .then(needed.list.set_intersection("_offered").list.len() / needed.list.len())
        .otherwise(1.0),
        x_skills_overlap=pl.col("_skills")
        .list.set_intersection("_wanted")
        .list.len()
        .cast(pl.Int32),
        x_text_similarity=set_cosine(pl.col("_text"), pl.col("_v_text")),
        x_distance_km=distance,
        x_commute_ratio=distance / pl.col("p_commute_km").clip(1.0, None),
        x_same_county=(pl.col("_county") == pl.col("_v_county")).cast(pl.Int8),
        x_pay_vs_expectation=(pay_mid - pl.col("p_expected_pay"))
        / pl.col("p_expected_pay").clip(1.0, None),
        x_hours_excess=(pl.col("v_hours") - pl.col("p_sustainable_hours")).clip(0.0, None),
        x_mode_fit=pl.col("_modes").list.contains(pl.col("_v_mode")).cast(pl.Int8),
        x_education_ok=(pl.col("p_education_rank") >= pl.col("_education_min")).cast(pl.Int8),
        x_graduate_match=((pl.col("p_graduate") == 1) & (pl.col("v_graduate_oriented") == 1)).cast(
            pl.Int8
        ),
        x_congestion=pl.col("vacancy_referrals") / pl.col("v_openings").clip(1.0, None),
    )


def people_at(context: FeatureContext, queries: pl.LazyFrame) -> pl.LazyFrame:
    """Person features for queries (query_id, person_id, at), shared by candidates and pairs."""
    return person_features(
        queries, context.persons.lazy(), context.assessments.lazy(), context.person_history.lazy()
    )


def job_features(
    context: FeatureContext, people: pl.LazyFrame, items: pl.LazyFrame
) -> pl.LazyFrame:
    """people (``people_at``) × items (query_id, vacancy_id) → ids and JOB_FEATURES."""
    timed = items.join(people.select("query_id", "at"), on="query_id")
    jobs = vacancy_features(
        timed,
        context.vacancies.lazy(),
        context.vacancy_history.lazy(),
        context.employer_history.lazy(),
    )
    pairs = jobs.join(people.drop("at"), on="query_id", how="left")
    return job_pair_features(pairs).select(
        "query_id", "person_id", "vacancy_id", "at", *JOB_FEATURES.names
    )
