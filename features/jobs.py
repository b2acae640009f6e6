"""Job features for (query, vacancy) pairs: one code path for training frames and requests.

``job_features(context, queries, items)`` is the only way features are made: the training frame
passes every past referral's moment, a request passes now. Nothing here reads the clock.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from features.context import FeatureContext
from features.ops import POLARS, Column, Ops, expression
from features.person import effective_score, person_features
from features.schema import DIMENSIONS, JOB_FEATURE_SET
from features.text import set_cosine
from features.vacancy import accommodated_margin, vacancy_features
from features.vocabularies import (
    MODE_BITS,
    NEEDED_BITS,
    OFFERED_BITS,
    SKILL_BITS,
    V_MODE_BITS,
    WANTED_BITS,
    Vocabularies,
)


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
    return frozenset({*read, *JOB_FEATURE_SET.names, "query_id", "person_id", "vacancy_id", "at"})


@lru_cache(maxsize=8)
def _pair_columns(sets: Vocabularies) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Two steps: margins and distance first, then what is made of them."""
    first, second = first_terms(POLARS), pair_terms(POLARS, sets)
    return (
        [expression(term).alias(name) for name, term in first.items()],
        [expression(term).alias(name) for name, term in second.items()],
    )


def first_terms(o: Ops) -> dict[str, Column]:
    """The margins and the distance, which ``pair_terms`` reads (written once for both engines,
    ``features.ops``)."""
    return {
        **{f"x_margin_{d}": o.col(f"p_{d}") - o.col(f"v_demand_{d}") for d in DIMENSIONS},
        **{f"_accommodated_{d}": accommodated_margin(o, f"p_{d}", d) for d in DIMENSIONS},
        "x_distance_km": o.distance(),
    }


def pair_terms(o: Ops, sets: Vocabularies) -> dict[str, Column]:
    """The pair features made of ``first_terms``' columns and the person's and vacancy's."""
    margins = [f"x_margin_{d}" for d in DIMENSIONS]
    accommodated = [f"_accommodated_{d}" for d in DIMENSIONS]
    pay_mid = (o.col("v_pay_min") + o.col("v_pay_max")) / 2
    expected = o.col("p_expected_pay")
    return {
        "x_worst_margin": o.lowest(margins),
        "x_worst_margin_accommodated": o.lowest(accommodated),
        "x_shortfall_accommodated": o.ordered_sum(
            [o.clip(-accommodated_margin(o, effective_score(d), d), 0.0, None) for d in DIMENSIONS],
            skip_nulls=True,
        ),
        "x_toilet_missing": o.int8(
            o.col("_needs_toilet") & ~o.col("_offers_toilet") & (o.col("v_home_based") == 0)
        ),
        "x_massage_unlicensed": o.int8(o.col("_wants_massage") & ~o.col("_has_massage")),
        "x_dimensions_short": o.count_true([o.col(a) < 0 for a in accommodated]),
        "x_accommodation_coverage": o.quotient(
            o.shared(sets.accommodations, NEEDED_BITS, OFFERED_BITS), o.size("_needed"), 1.0
        ),
        "x_skills_overlap": o.int32(o.shared(sets.skills, SKILL_BITS, WANTED_BITS)),
        "x_text_similarity": set_cosine(o, "_text", "_v_text"),
        "x_commute_ratio": o.col("x_distance_km") / o.clip(o.col("p_commute_km"), 1.0, None),
        "x_same_county": o.int8(o.col("_county") == o.col("_v_county")),
        "x_pay_vs_expectation": (pay_mid - expected) / o.clip(expected, 1.0, None),
        "x_hours_excess": o.clip(o.col("v_hours") - o.col("p_sustainable_hours"), 0.0, None),
        "x_mode_fit": o.int8(o.shared(sets.modes, MODE_BITS, V_MODE_BITS) > 0),
        "x_education_ok": o.int8(o.col("p_education_rank") >= o.col("_education_min")),
        "x_graduate_match": o.int8(
            (o.col("p_graduate") == 1) & (o.col("v_graduate_oriented") == 1)
        ),
        "x_congestion": o.col("vacancy_referrals") / o.clip(o.col("v_openings"), 1.0, None),
    }


def people_at(context: FeatureContext, queries: pl.LazyFrame) -> pl.LazyFrame:
    """Person features for queries (query_id, person_id, at), shared by candidates and pairs."""
    return person_features(
        queries, context.person_table, context.assessments, context.person_history
    )


def job_features(
    context: FeatureContext, people: pl.LazyFrame, items: pl.LazyFrame
) -> pl.LazyFrame:
    """people (``people_at``) × items (query_id, vacancy_id) → ids and JOB_FEATURE_SET."""
    pairs = vacancy_features(
        items.join(people, on="query_id"),
        context.vacancies,
        context.vacancy_history,
        context.employer_history,
    )
    return job_pair_features(pairs, context.sets).select(
        "query_id", "person_id", "vacancy_id", "at", *JOB_FEATURE_SET.names
    )
