"""Job features for (query, vacancy) pairs: one code path for training frames and requests.

``job_features(context, queries, items)`` is the only way features are made: the training frame
passes every past referral's moment, a request passes now. Nothing here reads the clock.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from features.context import FeatureContext
from features.geo import pair_distance_km
from features.ordered import ordered_sum
from features.person import effective_score, person_features
from features.schema import DIMENSIONS, JOB_FEATURES
from features.sets import (
    MODE_BITS,
    NEEDED_BITS,
    OFFERED_BITS,
    SKILL_BITS,
    V_MODE_BITS,
    WANTED_BITS,
    Vocabularies,
)
from features.text import set_cosine
from features.vacancy import ACCOMMODATION_BOOST_POINTS, vacancy_features


def job_pair_features(rows: pl.LazyFrame, sets: Vocabularies) -> pl.LazyFrame:
    """x_* features from the joined person (p_*, _*) and vacancy (v_*, _v_*) columns, with sets
    as bitsets of the snapshot's ``sets``."""
    first, second = _pair_columns(sets)
    return rows.with_columns(first).with_columns(second)


@lru_cache(maxsize=8)
def pair_inputs(sets: Vocabularies) -> frozenset[str]:
    """The columns ``job_pair_features`` and the feature list read (ids and the moment too)."""
    first, second = _pair_columns(sets)
    read = {name for expression in (*first, *second) for name in expression.meta.root_names()}
    return frozenset({*read, *JOB_FEATURES.names, "query_id", "person_id", "vacancy_id", "at"})


@lru_cache(maxsize=8)
def _pair_columns(sets: Vocabularies) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Two steps: margins and distance first, then what is made of them."""
    margins = [f"x_margin_{d}" for d in DIMENSIONS]
    accommodated = [f"_accommodated_{d}" for d in DIMENSIONS]
    distance = pair_distance_km(pl.col("v_home_based") == 1)
    first = [
        *((pl.col(f"p_{d}") - pl.col(f"v_demand_{d}")).alias(f"x_margin_{d}") for d in DIMENSIONS),
        *(_accommodated(f"p_{d}", d).alias(f"_accommodated_{d}") for d in DIMENSIONS),
        distance.alias("x_distance_km"),
    ]
    needed = pl.col("_needed")
    pay_mid = (pl.col("v_pay_min") + pl.col("v_pay_max")) / 2
    second = [
        pl.min_horizontal(margins).alias("x_worst_margin"),
        pl.min_horizontal(accommodated).alias("x_worst_margin_accommodated"),
        ordered_sum(
            [(-_accommodated(effective_score(d), d)).clip(0.0, None) for d in DIMENSIONS],
            skip_nulls=True,
        ).alias("x_shortfall_accommodated"),
        (pl.col("_needs_toilet") & ~pl.col("_offers_toilet") & (pl.col("v_home_based") == 0))
        .cast(pl.Int8)
        .alias("x_toilet_missing"),
        (pl.col("_wants_massage") & ~pl.col("_has_massage"))
        .cast(pl.Int8)
        .alias("x_massage_unlicensed"),
        pl.sum_horizontal([pl.col(a) < 0 for a in accommodated])
        .cast(pl.Int32)
        .alias("x_dimensions_short"),
        pl.when(needed.list.len() > 0)
        .then(sets.accommodations.shared(NEEDED_BITS, OFFERED_BITS) / needed.list.len())
        .otherwise(1.0)
        .alias("x_accommodation_coverage"),
        sets.skills.shared(SKILL_BITS, WANTED_BITS).cast(pl.Int32).alias("x_skills_overlap"),
        set_cosine(pl.col("_text"), pl.col("_v_text")).alias("x_text_similarity"),
        (pl.col("x_distance_km") / pl.col("p_commute_km").clip(1.0, None)).alias("x_commute_ratio"),
        (pl.col("_county") == pl.col("_v_county")).cast(pl.Int8).alias("x_same_county"),
        ((pay_mid - pl.col("p_expected_pay")) / pl.col("p_expected_pay").clip(1.0, None)).alias(
            "x_pay_vs_expectation"
        ),
        (pl.col("v_hours") - pl.col("p_sustainable_hours")).clip(0.0, None).alias("x_hours_excess"),
        (sets.modes.shared(MODE_BITS, V_MODE_BITS) > 0).cast(pl.Int8).alias("x_mode_fit"),
        (pl.col("p_education_rank") >= pl.col("_education_min"))
        .cast(pl.Int8)
        .alias("x_education_ok"),
        ((pl.col("p_graduate") == 1) & (pl.col("v_graduate_oriented") == 1))
        .cast(pl.Int8)
        .alias("x_graduate_match"),
        (pl.col("vacancy_referrals") / pl.col("v_openings").clip(1.0, None)).alias("x_congestion"),
    ]
    return first, second


def _accommodated(score: str, dimension: str) -> pl.Expr:
    """The margin on a dimension once an offered accommodation that closes it adds its points."""
    return (
        pl.col(score)
        + ACCOMMODATION_BOOST_POINTS * pl.col(f"_closes_{dimension}")
        - pl.col(f"v_demand_{dimension}")
    )


def people_at(context: FeatureContext, queries: pl.LazyFrame) -> pl.LazyFrame:
    """Person features for queries (query_id, person_id, at), shared by candidates and pairs."""
    return person_features(
        queries, context.person_table, context.assessments, context.person_history
    )


def job_features(
    context: FeatureContext, people: pl.LazyFrame, items: pl.LazyFrame
) -> pl.LazyFrame:
    """people (``people_at``) × items (query_id, vacancy_id) → ids and JOB_FEATURES."""
    pairs = vacancy_features(
        items.join(people, on="query_id"),
        context.vacancies,
        context.vacancy_history,
        context.employer_history,
    )
    return job_pair_features(pairs, context.sets).select(
        "query_id", "person_id", "vacancy_id", "at", *JOB_FEATURES.names
    )
