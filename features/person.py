"""Person features as of each query's moment: the latest assessment known then, the person's
registration data, and their referral outcomes so far."""

from __future__ import annotations

import polars as pl

from features.histories import as_of
from features.schema import DIMENSIONS
from features.text import bigrams
from matching import codes

PERSON_HISTORY = [
    "past_referrals",
    "past_applied",
    "past_interviewed",
    "past_hired",
    "past_refused",
]
EDUCATION_RANK = {item.code: item.rank for item in codes.EDUCATION_LEVELS}


def code_index(column: str, code_list: codes.CodeList) -> pl.Expr:
    """The position of a code in its list (stable across runs), null for an unknown code."""
    mapping = {code: index for index, code in enumerate(code_list.codes)}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.Int32)


def known_assessments(assessments: pl.LazyFrame) -> pl.LazyFrame:
    """Assessments with the moment they became known: the end of the day they are dated."""
    return assessments.with_columns(
        known_at=(
            pl.col("assessed_on").cast(pl.Datetime("us")) + pl.duration(days=1)
        ).dt.replace_time_zone("UTC")
    ).rename({"id": "assessment_id", "skills": "assessed_skills"})


def typical_scores(persons: pl.LazyFrame, assessments: pl.LazyFrame) -> pl.LazyFrame:
    """Mean assessed scores per disability category and level ("41" = physical, level 1).

    Only a prior for ranking candidates of a person never assessed; never a reason to exclude.
    """
    latest = assessments.sort("assessed_on").group_by("person_id").last()
    return (
        latest.join(
            persons.select("id", "disability_category", "disability_level"),
            left_on="person_id",
            right_on="id",
        )
        .group_by(_disability=pl.col("disability_category") + pl.col("disability_level"))
        .agg(*(pl.col(d).cast(pl.Float64).mean().alias(f"_typical_{d}") for d in DIMENSIONS))
    )


def person_features(
    queries: pl.LazyFrame,
    persons: pl.LazyFrame,
    assessments: pl.LazyFrame,
    history: pl.LazyFrame,
) -> pl.LazyFrame:
    """queries (query_id, person_id, at) → p_* features plus ``_``-prefixed inputs of pair
    features, one row per query."""
    base = queries.join(persons, left_on="person_id", right_on="id", how="left")
    assessed = base.sort("at").join_asof(
        assessments.sort("known_at").drop("created_at", "updated_at", strict=False),
        left_on="at",
        right_on="known_at",
        by="person_id",
        strategy="backward",
        allow_exact_matches=False,
        check_sortedness=False,
    )
    with_history = as_of(assessed, history, "person_id", PERSON_HISTORY)
    day = pl.col("at").dt.date()
    return with_history.select(
        "query_id",
        "person_id",
        "at",
        *(pl.col(d).cast(pl.Float64).alias(f"p_{d}") for d in DIMENSIONS),
        p_assessed=pl.col("assessment_id").is_not_null().cast(pl.Int8),
        p_assessment_age_days=(day - pl.col("assessed_on")).dt.total_days().cast(pl.Float64),
        p_sustainable_hours=pl.coalesce("sustainable_hours", "preferred_hours_per_day").cast(
            pl.Float64
        ),
        p_accommodations_needed=pl.col("accommodations_needed")
        .list.len()
        .fill_null(0)
        .cast(pl.Int32),
        p_age=((day - pl.col("birth_date")).dt.total_days() * 100 // 36525).cast(pl.Int32),
        p_education_rank=pl.col("education").replace_strict(
            EDUCATION_RANK, default=0, return_dtype=pl.Int32
        ),
        p_county=code_index("county", codes.COUNTIES),
        p_urban=(pl.col("hukou") == "urban").cast(pl.Int8),
        p_graduate=pl.col("is_graduate").cast(pl.Int8),
        p_days_since_graduation=(day - pl.date(pl.col("graduation_year"), 7, 1))
        .dt.total_days()
        .cast(pl.Float64),
        p_days_registered=(day - pl.col("registered_on")).dt.total_days().cast(pl.Float64),
        p_expected_pay=pl.col("expected_pay_min").cast(pl.Float64),
        p_commute_km=pl.col("commute_km").cast(pl.Float64),
        **{f"p_{name}": pl.col(name).cast(pl.Int32) for name in PERSON_HISTORY},
        _latitude=pl.col("latitude"),
        _longitude=pl.col("longitude"),
        _county=pl.col("county"),
        _disability=pl.col("disability_category") + pl.col("disability_level"),
        _modes=pl.col("preferred_work_modes").fill_null([]),
        _needed=pl.col("accommodations_needed").fill_null([]),
        _skills=pl.col("assessed_skills").fill_null([]),
        _text=bigrams(
            pl.concat_str(
                pl.col("assessed_skills").list.join(""), pl.col("major"), ignore_nulls=True
            )
        ),
    )
