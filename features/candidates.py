"""Candidate generation: hard eligibility, then a bounded set per query.

Hard rules (never the disability category alone): the vacancy is open at the moment, the person's
age is within its limits, no assessed incapacity remains that no offered accommodation closes,
and the workplace is within reach of the person's commute unless the work is home-based. The
survivors are cut to the ``limit`` best by a cheap, transparent pre-score.
"""

from __future__ import annotations

import polars as pl

from features.context import FeatureContext
from features.geo import haversine_km
from features.schema import DIMENSIONS
from features.vacancy import ACCOMMODATION_BOOST_POINTS

DEFAULT_LIMIT = 400
REACH_FACTOR = 2.0  # workplaces up to twice the acceptable commute stay in (*tuned for recall*)
MIN_REACH_KM = 10.0
INCAPACITY = -3.0  # a gap of three points or more after accommodations excludes the job


def job_candidates(
    context: FeatureContext, people: pl.LazyFrame, *, limit: int = DEFAULT_LIMIT
) -> pl.LazyFrame:
    """people (``features.jobs.people_at``) → (query_id, vacancy_id, prescore), at most
    ``limit`` per query."""
    people = people.select(
        "query_id",
        "at",
        "p_age",
        "p_commute_km",
        "p_expected_pay",
        "_latitude",
        "_longitude",
        "_county",
        *(f"p_{d}" for d in DIMENSIONS),
    )
    pairs = people.join(context.open_vacancies.lazy(), how="cross")
    day = pl.col("at").dt.date()
    distance = (
        pl.when(pl.col("v_home_based") == 1)
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
    reach = pl.max_horizontal(pl.col("p_commute_km") * REACH_FACTOR, pl.lit(MIN_REACH_KM))
    gaps = [
        pl.col(f"p_{d}")
        + ACCOMMODATION_BOOST_POINTS * pl.col(f"_closes_{d}")
        - pl.col(f"v_demand_{d}")
        for d in DIMENSIONS
    ]
    worst = pl.min_horizontal(gaps).fill_null(0.0)
    open_now = (pl.col("_opened_on") <= day) & (
        pl.col("_deadline").is_null() | (day <= pl.col("_deadline"))
    )
    age_ok = (pl.col("_age_min").is_null() | (pl.col("p_age") >= pl.col("_age_min"))) & (
        pl.col("_age_max").is_null() | (pl.col("p_age") <= pl.col("_age_max"))
    )
    pay_mid = (pl.col("v_pay_min") + pl.col("v_pay_max")) / 2
    prescore = (
        -distance / pl.col("p_commute_km").clip(1.0, None)
        + 0.8 * worst.clip(-3.0, 0.0)
        + 0.5 * ((pay_mid - pl.col("p_expected_pay")) / pl.col("p_expected_pay")).clip(-1.0, 0.5)
        + 0.3 * (pl.col("_county") == pl.col("_v_county")).cast(pl.Float64)
    )
    return (
        pairs.with_columns(distance=distance)
        .filter(open_now & age_ok & (pl.col("distance") <= reach))
        .with_columns(worst=worst)
        .filter(pl.col("worst") > INCAPACITY)
        .with_columns(prescore=prescore)
        .sort("prescore", descending=True)
        .group_by("query_id", maintain_order=True)
        .head(limit)
        .select("query_id", "vacancy_id", "prescore")
    )
