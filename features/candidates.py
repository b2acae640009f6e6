"""Candidate generation: hard eligibility, then a bounded set per query.

Hard rules (never the disability category alone): the vacancy is open at the moment, the person's
age is within its limits, the channel rules of ``matching.eligibility`` let the person take the
post (certificate, employment difficulty, massage licence), no assessed incapacity remains that
no offered accommodation closes, and the workplace is within reach of the person's commute
unless the work is home-based. The
survivors are cut to the ``limit`` best by a cheap, transparent pre-score.

The cheap rules run first on a narrow person × vacancy frame; the columns the later rules and the
pre-score read are fetched for the survivors only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import polars as pl

from features.geo import pair_distance_km
from features.ops import POLARS, Column, Ops, expression
from features.ordered import ordered_sum
from features.schema import DIMENSIONS
from features.vacancy import EMPLOYER_COUNTS, OPEN_ROW, accommodated_margin
from features.vocabularies import MODE_BITS, SKILL_BITS, V_MODE_BITS, WANTED_BITS, Vocabularies
from matching.eligibility import channel_allows

if TYPE_CHECKING:
    from features.context import FeatureContext
    from features.tables import Keyed

DEFAULT_LIMIT = 800
DEFAULT_MARGIN = 4.2  # keep items within this pre-score distance of the best (*tuned for recall*)
REACH_FACTOR = 2.0  # workplaces up to twice the acceptable commute stay in (*tuned for recall*)
MIN_REACH_KM = 10.0
INCAPACITY = -3.0  # a gap of three points or more after accommodations excludes the job
# The pre-score's weights, in the order its terms (``prescore_terms``) are added.
PRESCORE_WEIGHTS: dict[str, float] = {
    "fit": -0.9,
    "incapable": -1.5,
    "far": -2.6,
    "commute": -0.9,
    "pay": 2.0,
    "mode": 1.0,
    "hours": -0.7,
    "schooling": -1.5,
    "reserved": 0.3,
    "quota_gap": 0.3,
    "employs_disabled": 0.3,
    "skills": 0.5,
    "toilet": -1.0,
    "employer_hires": 4.0,
    "graduate": 0.6,
    "not_graduate": -0.5,
    "employer_kind": 1.0,
}
INCAPABLE_FROM = 0.7  # a worst gap beyond this many points counts against the job
PAY_RANGE = (-1.0, 0.6)  # pay against expectation, clipped
MODE_POINTS = (0.5, -0.3)  # a preferred work mode, another one
SKILLS_COUNTED = 2  # skills wanted and held count up to this many
HIRES_PRIOR = (0.2, 10.0, 0.02)  # (hires + a) / (referrals + b) - c
PLACE = ("_opened_on", "_deadline", "_age_min", "_age_max", "v_home_based")
# The channel rules (matching.eligibility): what the post needs, what the person holds.
CHANNEL = ("_needs_certificate", "_needs_difficulty", "_wants_massage")
HOLDS = ("_certified", "_difficulty", "_licensed")
WHERE = ("_v_phi", "_v_cos_phi", "_v_longitude")
FIT = tuple(f"{prefix}_{d}" for prefix in ("v_demand", "_closes") for d in DIMENSIONS)
SCORES = tuple(f"_score_{d}" for d in DIMENSIONS)
SCORED = (  # what the pre-score reads of the vacancy
    "vacancy_id",
    "employer_id",
    "_pay_mid",
    "v_hours",
    "_education_min",
    "v_reserved",
    "v_employer_quota_gap",
    "v_employer_disabled_rate",
    "_offers_toilet",
    "v_graduate_oriented",
    "_leaning",
)
GAPS = tuple(f"_gap_{d}" for d in DIMENSIONS)
# Only an assessed incapacity excludes a job: the gaps of the person's own assessment (null on a
# dimension never assessed). ``GAPS`` fill those from the typical scores of the person's
# disability category and level, which inform the pre-score but never exclude (issue 19 §4).
ASSESSED_SCORES = tuple(f"p_{d}" for d in DIMENSIONS)
ASSESSED_GAPS = tuple(f"_assessed_gap_{d}" for d in DIMENSIONS)
PERSON = (
    "at",
    "p_commute_km",
    "p_expected_pay",
    "p_sustainable_hours",
    "p_education_rank",
    "p_graduate",
    "_has_massage",
    "_needs_toilet",
)


def job_candidates(
    context: FeatureContext,
    people: pl.LazyFrame,
    *,
    limit: int = DEFAULT_LIMIT,
    margin: float = DEFAULT_MARGIN,
    vacancies: Keyed | None = None,
) -> pl.LazyFrame:
    """people (``features.jobs.people_at``) → (query_id, vacancy_id, prescore), at most
    ``limit`` per query.

    ``vacancies``: the open vacancy table to read instead of the context's, holding the
    employer's counts (``EMPLOYER_COUNTS``) as of every query's moment (``features.moment``);
    without them the counts are looked up in the employer history for each pair."""
    vacancies = vacancies or context.open_vacancy_table
    counted = all(name in vacancies.frame.columns for name in EMPLOYER_COUNTS)
    sets = context.sets
    rules = _rules(sets)
    person = [*PERSON, *sets.skills.columns(SKILL_BITS), *sets.modes.columns(MODE_BITS)]
    reachable = (
        people.select(
            "query_id",
            "p_age",
            "_phi",
            "_cos_phi",
            "_longitude",
            *SCORES,
            *ASSESSED_SCORES,
            *HOLDS,
            *person,
            *rules.seeker,
        )
        .join(vacancies.frame.lazy().select(OPEN_ROW, *PLACE, *WHERE, *CHANNEL), how="cross")
        .with_columns(rules.distance)
        .filter(rules.reachable)
        .select(
            "query_id", OPEN_ROW, "v_home_based", "distance", *SCORES, *ASSESSED_SCORES, *person
        )
    )
    able = (
        vacancies.attach(reachable, OPEN_ROW, FIT)
        .with_columns(*rules.gaps, *rules.assessed_gaps)
        .filter(rules.able)
        .select("query_id", OPEN_ROW, "v_home_based", "distance", *rules.fit, *person)
    )
    scored = vacancies.attach(
        able,
        OPEN_ROW,
        [
            *SCORED,
            *sets.skills.columns(WANTED_BITS),
            *sets.modes.columns(V_MODE_BITS),
            *(EMPLOYER_COUNTS if counted else ()),
        ],
    )
    if not counted:
        history = context.employer_history
        scored = scored.pipe(history.locate, "employer_id", "at", "_employer").with_columns(
            history.values("_employer", EMPLOYER_COUNTS, missing=0)
        )
    scored = scored.with_columns(rules.terms).select("query_id", "vacancy_id", rules.prescore)
    return (
        scored.filter(pl.col("prescore") >= pl.col("prescore").max().over("query_id") - margin)
        .sort(["prescore", "vacancy_id"], descending=[True, False])  # ties: a fixed order
        .group_by("query_id", maintain_order=True)
        .head(limit)
    )


class _Rules:
    """The rules as expressions, built once (see ``_rules``)."""

    def __init__(self, sets: Vocabularies) -> None:
        day = pl.col("_day")
        self.seeker = [
            pl.col("_day"),
            pl.max_horizontal(pl.col("p_commute_km") * REACH_FACTOR, pl.lit(MIN_REACH_KM)).alias(
                "_reach"
            ),
        ]
        self.distance = pair_distance_km(pl.col("v_home_based") == 1).alias("distance")
        # Each rule by name, so that ``features.exclusion`` can tell which one a pair fails.
        self.open_now = (pl.col("_opened_on") <= day) & (
            pl.col("_deadline").is_null() | (day <= pl.col("_deadline"))
        )
        self.age_ok = (pl.col("_age_min").is_null() | (pl.col("p_age") >= pl.col("_age_min"))) & (
            pl.col("_age_max").is_null() | (pl.col("p_age") <= pl.col("_age_max"))
        )
        self.near = pl.col("distance") <= pl.col("_reach")
        self.channel_ok = channel_allows(
            needs_certificate=pl.col("_needs_certificate"),
            needs_difficulty=pl.col("_needs_difficulty"),
            needs_licence=pl.col("_wants_massage"),
            has_certificate=pl.col("_certified"),
            has_difficulty=pl.col("_difficulty"),
            has_licence=pl.col("_licensed"),
        )
        self.reachable = self.open_now & self.age_ok & self.near & self.channel_ok
        self.gaps = [
            expression(accommodated_margin(POLARS, f"_score_{d}", d)).alias(gap)
            for d, gap in zip(DIMENSIONS, GAPS, strict=True)
        ]
        self.assessed_gaps = [
            expression(accommodated_margin(POLARS, score, d)).alias(gap)
            for d, score, gap in zip(DIMENSIONS, ASSESSED_SCORES, ASSESSED_GAPS, strict=True)
        ]
        self.able = pl.min_horizontal(ASSESSED_GAPS).fill_null(0.0) > INCAPACITY
        worst = pl.min_horizontal(GAPS).fill_null(0.0)
        self.fit = [
            worst.alias("worst"),
            ordered_sum([(-pl.col(gap)).clip(0.0, None) for gap in GAPS], skip_nulls=True).alias(
                "shortfall"
            ),
        ]
        what = {name: expression(term) for name, term in prescore_terms(POLARS, sets).items()}
        terms = [(name, weight, what[name]) for name, weight in PRESCORE_WEIGHTS.items()]
        # Each term is its own column first: polars runs one long chained expression slowly.
        self.terms = [(weight * what).alias(f"_term_{name}") for name, weight, what in terms]
        self.prescore = ordered_sum([pl.col(f"_term_{name}") for name, _w, _what in terms]).alias(
            "prescore"
        )


@lru_cache(maxsize=8)
def _rules(sets: Vocabularies) -> _Rules:
    return _Rules(sets)


candidate_rules = _rules  # the rules' expressions, for explaining an exclusion


def prescore_terms(o: Ops, sets: Vocabularies) -> dict[str, Column]:
    """The pre-score's terms, unweighted, for the pre-score to add in ``PRESCORE_WEIGHTS``' order:
    a transparent rule of thumb, not a model (fit after accommodations, commute against what the
    person accepts, pay against expectation, work mode, hours and schooling). Written once for
    both engines (``features.ops``); reads ``distance``, ``worst`` and ``shortfall``."""
    ratio = o.col("distance") / o.clip(o.col("p_commute_km"), 1.0, None)
    expected = o.col("p_expected_pay")
    for_graduates = o.col("v_graduate_oriented") == 1
    return {
        "fit": o.fill_null(o.col("shortfall"), 0.0),
        "incapable": o.clip(-o.col("worst") - INCAPABLE_FROM, 0.0, None),
        "far": o.clip(ratio - 1.0, 0.0, None),
        "commute": o.clip(ratio, None, 1.0),
        "pay": o.clip((o.col("_pay_mid") - expected) / expected, PAY_RANGE[0], PAY_RANGE[1]),
        "mode": o.where(o.shared(sets.modes, MODE_BITS, V_MODE_BITS) > 0, *MODE_POINTS),
        "hours": o.clip(o.col("v_hours") - o.col("p_sustainable_hours"), 0.0, None),
        "schooling": o.floats(o.col("p_education_rank") < o.col("_education_min")),
        "reserved": o.floats(o.col("v_reserved")),
        "quota_gap": o.floats(o.col("v_employer_quota_gap") > 0),
        "employs_disabled": o.floats(o.col("v_employer_disabled_rate") > 0),
        "skills": o.clip(o.shared(sets.skills, SKILL_BITS, WANTED_BITS), None, SKILLS_COUNTED),
        "toilet": o.floats(
            o.col("_needs_toilet") & ~o.col("_offers_toilet") & (o.col("v_home_based") == 0)
        ),
        "employer_hires": (o.col("employer_hires") + HIRES_PRIOR[0])
        / (o.col("employer_referrals") + HIRES_PRIOR[1])
        - HIRES_PRIOR[2],
        "graduate": o.floats((o.col("p_graduate") == 1) & for_graduates),
        "not_graduate": o.floats((o.col("p_graduate") == 0) & for_graduates),
        "employer_kind": o.col("_leaning"),
    }
