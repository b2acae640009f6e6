"""What the one-person engine (``features.one_person``) reads of the day's frames: the columns
of an open vacancy the candidate rules read (as ``features.candidates`` does), those of a
vacancy and of a person the pair features read (as ``features.jobs`` does)."""

from __future__ import annotations

from typing import Final

from features.candidates import CHANNEL, FIT, HOLDS, PERSON, PLACE, SCORED, SCORES, WHERE
from features.person import effective_score
from features.schema import DIMENSIONS
from features.vacancy import EMPLOYER_COUNTS
from features.vocabularies import (
    MODE_BITS,
    NEEDED_BITS,
    OFFERED_BITS,
    SKILL_BITS,
    V_MODE_BITS,
    WANTED_BITS,
    Vocabularies,
)

IDS: Final = ("query_id", "person_id", "vacancy_id", "at")
DISTANCE_INPUTS: Final = (*WHERE, "v_home_based")
# What the rules read of an open vacancy (``Moment.open_vacancies``), as job_candidates does;
# nulls allowed only in the limits the rules test for null.
CANDIDATE_INPUTS: Final = (*PLACE, *WHERE, *CHANNEL, *FIT, *SCORED, *EMPLOYER_COUNTS)
NULLABLE_LIMITS: Final = ("_deadline", "_age_min", "_age_max")
# What the pair features read of a vacancy (``Moment.vacancies``).
PAIR_INPUTS: Final = (
    *DISTANCE_INPUTS,
    *FIT,
    "v_pay_min",
    "v_pay_max",
    "v_hours",
    "_education_min",
    "v_graduate_oriented",
    "_wants_massage",
    "_offers_toilet",
    "vacancy_referrals",
    "v_openings",
)
# What both read of the person; the assessed scores may be null (never assessed).
PERSON_INPUTS: Final = (
    "_day",
    "p_age",
    "_phi",
    "_cos_phi",
    "_longitude",
    *(column for column in PERSON if column != "at"),  # the rules' own, the moment aside
    "_county",
    "_needed",
    "_text",
    *SCORES,
    *HOLDS,
)
# The assessed scores the pair features read: null for a person never assessed.
ASSESSED: Final = tuple(f"p_{d}" for d in DIMENSIONS) + tuple(
    effective_score(d) for d in DIMENSIONS if effective_score(d) != f"p_{d}"
)


def input_bits(sets: Vocabularies, *prefixes: str) -> list[str]:
    """The bitset columns of ``prefixes`` (``features.vocabularies``) in ``sets``."""
    by_prefix = {
        SKILL_BITS: sets.skills,
        WANTED_BITS: sets.skills,
        MODE_BITS: sets.modes,
        V_MODE_BITS: sets.modes,
        NEEDED_BITS: sets.accommodations,
        OFFERED_BITS: sets.accommodations,
    }
    return [column for prefix in prefixes for column in by_prefix[prefix].columns(prefix)]
