"""Person features as of each query's moment: the latest assessment known then, the person's
registration data, and their referral outcomes so far."""

from __future__ import annotations

from functools import cache

import polars as pl

from features.geo import latitude_radians
from features.schema import DIMENSIONS
from features.tables import History, Keyed
from features.text import bigrams
from features.vocabularies import MODE_BITS, NEEDED_BITS, PERSON_BITS, SKILL_BITS, Vocabularies
from matching import codes
from matching.eligibility import DIFFICULTY_EXCLUDED, MASSAGE_LICENCE, MASSAGE_SKILL

PERSON_HISTORY = [
    "past_referrals",
    "past_applied",
    "past_interviewed",
    "past_hired",
    "past_refused",
]
EDUCATION_RANK = {item.code: item.rank for item in codes.EDUCATION_LEVELS}
TOILET = "accessible_toilet"


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


def person_table(persons: pl.LazyFrame, typical: pl.LazyFrame, sets: Vocabularies) -> pl.LazyFrame:
    """Static columns of every person, computed once per snapshot; ``typical`` is
    ``typical_scores``."""
    return (
        persons.select(
            "id",
            "birth_date",
            "registered_on",
            "preferred_hours_per_day",
            _graduated_on=pl.date(pl.col("graduation_year"), 7, 1),
            p_education_rank=pl.col("education").replace_strict(
                EDUCATION_RANK, default=0, return_dtype=pl.Int32
            ),
            p_county=code_index("county", codes.COUNTIES),
            p_urban=(pl.col("hukou") == "urban").cast(pl.Int8),
            p_graduate=pl.col("is_graduate").cast(pl.Int8),
            p_expected_pay=pl.col("expected_pay_min").cast(pl.Float64),
            p_commute_km=pl.col("commute_km").cast(pl.Float64),
            _latitude=pl.col("latitude"),
            _longitude=pl.col("longitude"),
            **latitude_radians("latitude", "_"),
            _county=pl.col("county"),
            _disability=pl.col("disability_category") + pl.col("disability_level"),
            _modes=pl.col("preferred_work_modes").fill_null([]),
            _unassessed_text=_text(pl.lit(None, dtype=pl.List(pl.String))),
            # inputs of the channel rules (matching.eligibility)
            _certified=pl.col("certificate_number").is_not_null(),
            _difficulty=~pl.col("employment_status").is_in(list(DIFFICULTY_EXCLUDED)),
        )
        .join(typical, on="_disability", how="left")
        .with_columns(sets.modes.encode(pl.col("_modes"), MODE_BITS))
    )


def assessment_table(
    assessments: pl.LazyFrame, persons: pl.LazyFrame, sets: Vocabularies
) -> pl.LazyFrame:
    """What each assessment says, once per snapshot, keyed by person and the moment it became
    known; the text joins the assessed skills to the person's major."""
    return (
        known_assessments(assessments)
        .join(persons.select(pl.col("id").alias("person_id"), "major"), on="person_id", how="left")
        .sort("person_id", "known_at", "assessment_id")
        .select(
            "person_id",
            "known_at",
            "assessed_on",
            "sustainable_hours",
            *(pl.col(d).cast(pl.Float64).alias(f"p_{d}") for d in DIMENSIONS),
            p_accommodations_needed=pl.col("accommodations_needed")
            .list.len()
            .fill_null(0)
            .cast(pl.Int32),
            _needed=pl.col("accommodations_needed").fill_null([]),
            _skills=pl.col("assessed_skills").fill_null([]),
            _assessed_text=_text(pl.col("assessed_skills")),
            _licensed=pl.col("certificates").list.contains(MASSAGE_LICENCE).fill_null(False),
        )
        .with_columns(
            *sets.skills.encode(pl.col("_skills"), SKILL_BITS),
            *sets.accommodations.encode(pl.col("_needed"), NEEDED_BITS),
            *(_capped(d).alias(f"_capped_{d}") for d in NEEDS_SHOW_LOW),
        )
    )


# An assessed need says the ability is low whatever the rounded, noisy score says: dimension →
# (needs that show it, the score's ceiling when one is recorded). No need recorded proves
# nothing (it may not have been asked). Used for the shortfall after accommodations.
NEEDS_SHOW_LOW: dict[str, tuple[tuple[str, ...], float]] = {
    "mobility": (("step_free",), 1.3),
    "hearing": (("sign_interpreter",), 1.3),
    "vision": (("screen_reader", "large_print_braille"), 1.3),
    "stress": (("flexible_hours",), 1.3),
    "standing": (("accessible_toilet",), 0.6),  # needed by wheelchair users
}


def effective_score(dimension: str) -> str:
    """The column that holds a dimension's score as the shortfall reads it."""
    return f"_capped_{dimension}" if dimension in NEEDS_SHOW_LOW else f"p_{dimension}"


def _capped(dimension: str) -> pl.Expr:
    """The assessed score, capped when a recorded need shows the ability is low."""
    score = pl.col(f"p_{dimension}")
    needs, ceiling = NEEDS_SHOW_LOW[dimension]
    needed = pl.any_horizontal(pl.col("_needed").list.contains(need) for need in needs)
    return pl.when(needed).then(score.clip(None, ceiling)).otherwise(score)


def _text(skills: pl.Expr) -> pl.Expr:
    return bigrams(pl.concat_str(skills.list.join(""), pl.col("major"), ignore_nulls=True))


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


PERSON_COLUMNS = (
    "birth_date",
    "registered_on",
    "preferred_hours_per_day",
    "_graduated_on",
    "p_education_rank",
    "p_county",
    "p_urban",
    "p_graduate",
    "p_expected_pay",
    "p_commute_km",
    "_latitude",
    "_longitude",
    "_phi",
    "_cos_phi",
    "_county",
    "_disability",
    "_modes",
    "_unassessed_text",
    "_certified",
    "_difficulty",
    *(f"_typical_{d}" for d in DIMENSIONS),
)
ASSESSMENT_COLUMNS = (
    "assessed_on",
    "sustainable_hours",
    *(f"p_{d}" for d in DIMENSIONS),
    "p_accommodations_needed",
    "_needed",
    "_skills",
    "_assessed_text",
    "_licensed",
    *(f"_capped_{d}" for d in NEEDS_SHOW_LOW),
)


def person_features(
    queries: pl.LazyFrame, persons: Keyed, assessments: History, history: History
) -> pl.LazyFrame:
    """queries (query_id, person_id, at) → p_* features plus ``_``-prefixed inputs of pair
    features and candidate rules, one row per query.

    ``persons`` is ``person_table``, ``assessments`` is ``assessment_table`` and ``history`` is
    ``features.histories.person_history``, each prepared once per snapshot.
    """
    person_bits = [c for c in persons.frame.columns if c.startswith(MODE_BITS)]
    assessed_bits = [
        c for c in assessments.frame.columns if c.startswith((SKILL_BITS, NEEDED_BITS))
    ]
    assessment, assessment_checked = assessments.lookup("person_id", "at", "_assessment")
    past, past_checked = history.lookup("person_id", "at", "_history")
    rows = queries.with_columns(
        pl.col("at").dt.date().alias("_day"),
        persons.row("person_id").alias("_person"),
        assessment,
        past,
    ).with_columns(assessment_checked, past_checked)
    rows = persons.attach(rows, "_person", [*PERSON_COLUMNS, *person_bits])
    rows = assessments.attach(rows, "_assessment", [*ASSESSMENT_COLUMNS, *assessed_bits])
    rows = history.attach(rows, "_history", PERSON_HISTORY, missing=0)
    return rows.select(_person_columns())


@cache
def _person_columns() -> list[pl.Expr]:
    day = pl.col("_day")
    return [
        pl.col("query_id", "person_id", "at", "_day"),
        *(pl.col(f"p_{d}") for d in DIMENSIONS),
        (pl.col("_assessment") > 0).cast(pl.Int8).alias("p_assessed"),
        (day - pl.col("assessed_on"))
        .dt.total_days()
        .cast(pl.Float64)
        .alias("p_assessment_age_days"),
        pl.coalesce("sustainable_hours", "preferred_hours_per_day")
        .cast(pl.Float64)
        .alias("p_sustainable_hours"),
        pl.col("p_accommodations_needed").fill_null(0),
        ((day - pl.col("birth_date")).dt.total_days() * 100 // 36525).cast(pl.Int32).alias("p_age"),
        pl.col("p_education_rank", "p_county", "p_urban", "p_graduate"),
        (day - pl.col("_graduated_on"))
        .dt.total_days()
        .cast(pl.Float64)
        .alias("p_days_since_graduation"),
        (day - pl.col("registered_on")).dt.total_days().cast(pl.Float64).alias("p_days_registered"),
        pl.col("p_expected_pay", "p_commute_km"),
        *(pl.col(name).cast(pl.Int32).alias(f"p_{name}") for name in PERSON_HISTORY),
        pl.col("_latitude", "_longitude", "_phi", "_cos_phi", "_county", "_disability"),
        pl.col("_modes").fill_null([]),
        pl.col("_needed", "_skills").fill_null([]),
        *(pl.col(f"_capped_{d}") for d in NEEDS_SHOW_LOW),
        pl.col(PERSON_BITS).fill_null(0),
        pl.coalesce("_assessed_text", "_unassessed_text").alias("_text"),
        # inputs of the candidate rules (features.candidates)
        *(pl.coalesce(f"p_{d}", f"_typical_{d}").alias(f"_score_{d}") for d in DIMENSIONS),
        pl.col("_skills").list.contains(MASSAGE_SKILL).fill_null(False).alias("_has_massage"),
        pl.col("_certified", "_difficulty"),
        pl.col("_licensed").fill_null(False),
        pl.col("_needed").list.contains(TOILET).fill_null(False).alias("_needs_toilet"),
    ]
