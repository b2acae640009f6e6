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
from features.histories import as_of
from features.schema import DIMENSIONS
from features.vacancy import ACCOMMODATION_BOOST_POINTS
from matching import codes

DEFAULT_LIMIT = 800
DEFAULT_MARGIN = 4.2  # keep items within this pre-score distance of the best (*tuned for recall*)
REACH_FACTOR = 2.0  # workplaces up to twice the acceptable commute stay in (*tuned for recall*)
MIN_REACH_KM = 10.0
INCAPACITY = -3.0
MASSAGE_SKILL = "盲人医疗按摩"  # licensed blind medical massage: the job needs the licence
EMPLOYER_COUNTS = ["employer_referrals", "employer_hires"]
# Employers built around disabled workers (如康家园, massage places) hire them far more readily.
EMPLOYER_LEANING = {
    codes.EMPLOYER_KINDS.codes.index("auxiliary_center"): 1.0,
    codes.EMPLOYER_KINDS.codes.index("blind_massage"): 1.0,
    codes.EMPLOYER_KINDS.codes.index("social_org"): 0.3,
}  # a gap of three points or more after accommodations excludes the job


def job_candidates(
    context: FeatureContext,
    people: pl.LazyFrame,
    *,
    limit: int = DEFAULT_LIMIT,
    margin: float = DEFAULT_MARGIN,
) -> pl.LazyFrame:
    """people (``features.jobs.people_at``) → (query_id, vacancy_id, prescore), at most
    ``limit`` per query."""
    people = people.select(
        "query_id",
        "at",
        "p_age",
        "p_commute_km",
        "p_expected_pay",
        "p_sustainable_hours",
        "p_education_rank",
        "_modes",
        "_skills",
        "_needed",
        "p_graduate",
        "_latitude",
        "_longitude",
        "_county",
        *(f"p_{d}" for d in DIMENSIONS),
        "_disability",
    )
    prior = context.typical_scores.lazy()
    people = people.join(prior, on="_disability", how="left").with_columns(
        pl.coalesce(f"p_{d}", f"_typical_{d}").alias(f"_score_{d}") for d in DIMENSIONS
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
        pl.col(f"_score_{d}")
        + ACCOMMODATION_BOOST_POINTS * pl.col(f"_closes_{d}")
        - pl.col(f"v_demand_{d}")
        for d in DIMENSIONS
    ]
    worst = pl.min_horizontal(gaps).fill_null(0.0)
    shortfall = pl.sum_horizontal([(-gap).clip(0.0, None) for gap in gaps])
    open_now = (pl.col("_opened_on") <= day) & (
        pl.col("_deadline").is_null() | (day <= pl.col("_deadline"))
    )
    age_ok = (pl.col("_age_min").is_null() | (pl.col("p_age") >= pl.col("_age_min"))) & (
        pl.col("_age_max").is_null() | (pl.col("p_age") <= pl.col("_age_max"))
    )
    pay_mid = (pl.col("v_pay_min") + pl.col("v_pay_max")) / 2
    ratio = pl.col("distance") / pl.col("p_commute_km").clip(1.0, None)
    # A transparent rule of thumb, not a model: fit after accommodations, commute against what
    # the person accepts, pay against expectation, work mode, hours and schooling.
    prescore = (
        -0.9 * pl.col("shortfall").fill_null(0.0)
        - 1.5 * (-pl.col("worst") - 0.7).clip(0.0, None)
        - 2.6 * (ratio - 1.0).clip(0.0, None)
        - 0.9 * ratio.clip(None, 1.0)
        + 2.0 * ((pay_mid - pl.col("p_expected_pay")) / pl.col("p_expected_pay")).clip(-1.0, 0.6)
        + pl.when(pl.col("_modes").list.contains(pl.col("_v_mode"))).then(0.5).otherwise(-0.3)
        - 0.7 * (pl.col("v_hours") - pl.col("p_sustainable_hours")).clip(0.0, None)
        - 1.5 * (pl.col("p_education_rank") < pl.col("_education_min")).cast(pl.Float64)
        + 0.3 * pl.col("v_reserved").cast(pl.Float64)
        + 0.3 * (pl.col("v_employer_quota_gap") > 0).cast(pl.Float64)
        + 0.3 * (pl.col("v_employer_disabled_rate") > 0).cast(pl.Float64)
        + 0.5 * pl.col("_skills").list.set_intersection("_wanted").list.len().clip(None, 2)
        - 2.0
        * (
            pl.col("_wanted").list.contains(MASSAGE_SKILL)
            & ~pl.col("_skills").list.contains(MASSAGE_SKILL)
        ).cast(pl.Float64)
        - 1.0
        * (
            pl.col("_needed").list.contains("accessible_toilet")
            & ~pl.col("_offered").list.contains("accessible_toilet")
            & (pl.col("v_home_based") == 0)
        ).cast(pl.Float64)
        + 4.0 * ((pl.col("employer_hires") + 0.2) / (pl.col("employer_referrals") + 10.0) - 0.02)
        + 0.6
        * ((pl.col("p_graduate") == 1) & (pl.col("v_graduate_oriented") == 1)).cast(pl.Float64)
        - 0.5
        * ((pl.col("p_graduate") == 0) & (pl.col("v_graduate_oriented") == 1)).cast(pl.Float64)
        + pl.col("v_employer_kind").replace_strict(
            EMPLOYER_LEANING, default=0.0, return_dtype=pl.Float64
        )
    )
    return (
        pairs.with_columns(distance=distance)
        .filter(open_now & age_ok & (pl.col("distance") <= reach))
        .with_columns(worst=worst)
        .filter(pl.col("worst") > INCAPACITY)
        .with_columns(shortfall=shortfall)
        .pipe(as_of, context.employer_history.lazy(), "employer_id", EMPLOYER_COUNTS)
        .with_columns(prescore=prescore)
        .filter(pl.col("prescore") >= pl.col("prescore").max().over("query_id") - margin)
        .sort("prescore", descending=True)
        .group_by("query_id", maintain_order=True)
        .head(limit)
        .select("query_id", "vacancy_id", "prescore")
    )
