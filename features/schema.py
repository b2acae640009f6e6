"""Declared, versioned feature sets: each feature has a name, a dtype and the entity it describes.

A model records the ordered feature list it was trained on and its hash; serving refuses a model
whose list differs. Adding, removing, renaming or reordering a feature changes the hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import polars as pl

from matching import codes

Entity = Literal["person", "vacancy", "course", "pair"]
DIMENSIONS = codes.ASSESSMENT_DIMENSIONS.codes


@dataclass(frozen=True)
class Feature:
    name: str
    dtype: type[pl.DataType]
    entity: Entity
    description: str


@dataclass(frozen=True)
class FeatureSet:
    name: str
    features: tuple[Feature, ...]

    @property
    def names(self) -> list[str]:
        return [feature.name for feature in self.features]

    @property
    def hash(self) -> str:
        text = "\n".join(f"{f.name}:{f.dtype.__name__}:{f.entity}" for f in self.features)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def version(self) -> str:
        return f"{self.name}-{len(self.features)}-{self.hash}"


def _f(name: str, dtype: type[pl.DataType], entity: Entity, description: str) -> Feature:
    return Feature(name, dtype, entity, description)


PERSON_FEATURES = (
    *(
        _f(f"p_{d}", pl.Float64, "person", f"assessed {d} (0–4), null if never assessed")
        for d in DIMENSIONS
    ),
    _f("p_assessed", pl.Int8, "person", "1 if an assessment existed at the time"),
    _f("p_assessment_age_days", pl.Float64, "person", "days since that assessment"),
    _f("p_sustainable_hours", pl.Float64, "person", "hours a day the person can keep up"),
    _f("p_accommodations_needed", pl.Int32, "person", "number of accommodations needed"),
    _f("p_age", pl.Int32, "person", "age in whole years at the time"),
    _f("p_education_rank", pl.Int32, "person", "schooling rank 0 (none) … 6 (postgraduate)"),
    _f("p_county", pl.Int32, "person", "county index in codes.COUNTIES"),
    _f("p_urban", pl.Int8, "person", "1 for urban household registration"),
    _f("p_graduate", pl.Int8, "person", "1 for a university graduate"),
    _f(
        "p_days_since_graduation",
        pl.Float64,
        "person",
        "days since graduating (1 July), null if none",
    ),
    _f("p_days_registered", pl.Float64, "person", "days since job-seeker registration"),
    _f("p_expected_pay", pl.Float64, "person", "lowest acceptable monthly pay"),
    _f("p_commute_km", pl.Float64, "person", "acceptable commute in km"),
    _f("p_past_referrals", pl.Int32, "person", "job referrals before the time"),
    _f("p_past_applied", pl.Int32, "person", "applications before the time"),
    _f("p_past_interviewed", pl.Int32, "person", "interviews before the time"),
    _f("p_past_hired", pl.Int32, "person", "hires before the time"),
    _f("p_past_refused", pl.Int32, "person", "refusals recorded before the time"),
)

VACANCY_FEATURES = (
    *(_f(f"v_demand_{d}", pl.Float64, "vacancy", f"demanded {d} (0–4)") for d in DIMENSIONS),
    _f("v_pay_min", pl.Float64, "vacancy", "monthly pay, lower end"),
    _f("v_pay_max", pl.Float64, "vacancy", "monthly pay, upper end"),
    _f("v_hours", pl.Float64, "vacancy", "hours a day"),
    _f("v_work_mode", pl.Int32, "vacancy", "index in codes.WORK_MODES"),
    _f("v_home_based", pl.Int8, "vacancy", "1 for home-based work"),
    _f("v_part_time", pl.Int8, "vacancy", "1 for part-time work"),
    _f("v_employer_kind", pl.Int32, "vacancy", "index in codes.EMPLOYER_KINDS"),
    _f("v_channel", pl.Int32, "vacancy", "index in codes.VACANCY_CHANNELS"),
    _f("v_reserved", pl.Int8, "vacancy", "1 for a post reserved for persons with disabilities"),
    _f("v_graduate_oriented", pl.Int8, "vacancy", "1 when aimed at graduates"),
    _f("v_openings", pl.Float64, "vacancy", "number of openings"),
    _f("v_accommodations_offered", pl.Int32, "vacancy", "number of accommodations offered"),
    _f("v_employer_staff", pl.Float64, "vacancy", "employer's staff count"),
    _f("v_employer_quota_gap", pl.Float64, "vacancy", "persons short of the 1.5% quota"),
    _f(
        "v_employer_disabled_rate", pl.Float64, "vacancy", "employer's weighted disabled staff rate"
    ),
    _f("v_employer_past_hires", pl.Int32, "vacancy", "hires through referrals before the time"),
    _f(
        "v_employer_past_referrals",
        pl.Int32,
        "vacancy",
        "referrals to the employer before the time",
    ),
    _f(
        "v_employer_apply_rate", pl.Float64, "vacancy", "share of the employer's referrals applying"
    ),
    _f(
        "v_employer_interview_rate",
        pl.Float64,
        "vacancy",
        "share of the employer's referrals it interviewed",
    ),
    _f("v_employer_hire_rate", pl.Float64, "vacancy", "share of the employer's referrals hired"),
    _f(
        "v_employer_interviews_per_apply",
        pl.Float64,
        "vacancy",
        "interviews per application at the employer",
    ),
    _f("v_apply_rate", pl.Float64, "vacancy", "share of the vacancy's referrals that applied"),
    _f("v_interview_rate", pl.Float64, "vacancy", "share of the vacancy's referrals interviewed"),
    _f("v_days_open", pl.Float64, "vacancy", "days since the vacancy opened"),
    _f("v_days_to_deadline", pl.Float64, "vacancy", "days until the deadline, null if none"),
)

JOB_PAIR_FEATURES = (
    *(_f(f"x_margin_{d}", pl.Float64, "pair", f"assessed {d} minus demanded") for d in DIMENSIONS),
    _f("x_worst_margin", pl.Float64, "pair", "smallest margin over the dimensions"),
    _f(
        "x_worst_margin_accommodated",
        pl.Float64,
        "pair",
        "smallest margin once offered accommodations close gaps",
    ),
    _f("x_dimensions_short", pl.Int32, "pair", "dimensions still short after accommodations"),
    _f(
        "x_shortfall_accommodated",
        pl.Float64,
        "pair",
        "points short, summed, after accommodations (needs bound scores)",
    ),
    _f("x_toilet_missing", pl.Int8, "pair", "1 when a needed accessible toilet is missing"),
    _f("x_massage_unlicensed", pl.Int8, "pair", "1 for a blind-massage post without the licence"),
    _f("x_accommodation_coverage", pl.Float64, "pair", "share of needed accommodations offered"),
    _f("x_skills_overlap", pl.Int32, "pair", "skills held that the vacancy asks for"),
    _f(
        "x_text_similarity",
        pl.Float64,
        "pair",
        "character-bigram similarity of skills/major and the job",
    ),
    _f("x_distance_km", pl.Float64, "pair", "home to work, 0 for home-based"),
    _f("x_commute_ratio", pl.Float64, "pair", "distance over acceptable commute"),
    _f("x_same_county", pl.Int8, "pair", "1 when in the person's county"),
    _f("x_pay_vs_expectation", pl.Float64, "pair", "(mid pay − expected) / expected"),
    _f("x_hours_excess", pl.Float64, "pair", "hours above what the person can keep up"),
    _f("x_mode_fit", pl.Int8, "pair", "1 when the work mode is one the person prefers"),
    _f("x_education_ok", pl.Int8, "pair", "1 when schooling meets the minimum"),
    _f("x_graduate_match", pl.Int8, "pair", "1 for a graduate and a graduate-oriented post"),
    _f("x_congestion", pl.Float64, "pair", "referrals to this vacancy before the time per opening"),
)

COURSE_FEATURES = (
    _f("c_duration_days", pl.Float64, "course", "length of the course"),
    _f("c_capacity", pl.Float64, "course", "places per intake"),
    _f("c_accessibility", pl.Int32, "course", "number of accessibility provisions"),
    _f("c_fee_subsidy", pl.Float64, "course", "training subsidy in yuan"),
    _f("c_living_subsidy", pl.Float64, "course", "living subsidy in yuan"),
    _f("c_past_enrolled", pl.Int32, "course", "enrolments before the time"),
    _f("c_past_completion_rate", pl.Float64, "course", "completions per enrolment before the time"),
    _f(
        "c_past_job_rate",
        pl.Float64,
        "course",
        "jobs within 6 months per completion before the time",
    ),
)

COURSE_PAIR_FEATURES = (
    *(
        _f(
            f"y_margin_{d}",
            pl.Float64,
            "pair",
            f"assessed {d} minus the course occupation's demand",
        )
        for d in DIMENSIONS
    ),
    _f("y_worst_margin", pl.Float64, "pair", "smallest margin against the course's occupation"),
    _f(
        "y_accessibility_coverage",
        pl.Float64,
        "pair",
        "share of needed classroom provisions offered",
    ),
    _f("y_new_skills", pl.Int32, "pair", "skills taught that the person does not hold"),
    _f(
        "y_text_similarity",
        pl.Float64,
        "pair",
        "character-bigram similarity of skills/major and the course",
    ),
    _f("y_distance_km", pl.Float64, "pair", "home to the training base"),
    _f("y_commute_ratio", pl.Float64, "pair", "distance over acceptable commute"),
    _f("y_congestion", pl.Float64, "pair", "referrals to this course before the time per place"),
)

# The ordered sets a ranker is trained on are ``*_FEATURE_SET``; the tuples above (``*_FEATURES``)
# are their parts.
JOB_FEATURE_SET = FeatureSet("jobs", (*PERSON_FEATURES, *VACANCY_FEATURES, *JOB_PAIR_FEATURES))
COURSE_FEATURE_SET = FeatureSet(
    "courses", (*PERSON_FEATURES, *COURSE_FEATURES, *COURSE_PAIR_FEATURES)
)
