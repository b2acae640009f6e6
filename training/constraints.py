"""Directions the score may move in, by feature: domain knowledge, not learned.

A longer commute, more hours than a person can keep up or a wider ability gap never makes a
vacancy a better match; more pay against expectation, a preferred work mode, more of the needed
accommodations, or an employer or vacancy whose referrals went further before never makes it
worse. Holding the ranker to these directions (LightGBM monotone
constraints) keeps it from learning the opposite from quirks of the counselors' short lists, where
items were picked by another rule, and makes it generalise to whole candidate sets (measured in
experiments/training.md). The same directions are what the rule baseline encodes; the strength
and shape of each effect are still learned.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = ["COURSE_MONOTONE", "JOB_MONOTONE"]

UP, DOWN = 1, -1

JOB_MONOTONE: Final = MappingProxyType(
    {
        "x_worst_margin": UP,
        "x_worst_margin_accommodated": UP,
        "x_accommodation_coverage": UP,
        "x_pay_vs_expectation": UP,
        "x_mode_fit": UP,
        "x_education_ok": UP,
        "x_skills_overlap": UP,
        "x_graduate_match": UP,
        "x_dimensions_short": DOWN,
        "x_shortfall_accommodated": DOWN,
        "x_toilet_missing": DOWN,
        "x_massage_unlicensed": DOWN,
        "x_commute_ratio": DOWN,
        "x_distance_km": DOWN,
        "x_hours_excess": DOWN,
        "v_employer_apply_rate": UP,
        "v_employer_interview_rate": UP,
        "v_employer_hire_rate": UP,
        "v_employer_interviews_per_apply": UP,
        "v_apply_rate": UP,
        "v_interview_rate": UP,
    }
)

COURSE_MONOTONE: Final = MappingProxyType(
    {
        "y_worst_margin": UP,
        "y_accessibility_coverage": UP,
        "y_commute_ratio": DOWN,
        "y_distance_km": DOWN,
    }
)
