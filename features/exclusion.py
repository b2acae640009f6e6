"""Why a vacancy is not among a person's candidates: the hard rules of ``features.candidates``
(open at the moment, age limits, within reach, the channel rules, no assessed incapacity left
after accommodations),
evaluated for one person × vacancy pair as facts instead of filters. The rules' expressions are
the ones candidate generation filters with (``candidate_rules``), so an explanation cannot
drift from what excluded the vacancy.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from features.candidates import (
    ASSESSED_GAPS,
    ASSESSED_SCORES,
    CHANNEL,
    FIT,
    HOLDS,
    INCAPACITY,
    PLACE,
    SCORES,
    WHERE,
    candidate_rules,
)
from features.context import FeatureContext
from features.schema import DIMENSIONS
from matching.eligibility import channel_reasons

__all__ = ["RuleCheck", "rule_check"]


@dataclass(frozen=True)
class RuleCheck:
    """The hard rules for one pair; ``passes`` when none excludes it."""

    open_now: bool
    age_ok: bool
    near: bool
    channel_ok: bool
    able: bool
    distance_km: float
    reach_km: float
    age: int
    age_min: int | None
    age_max: int | None
    home_based: bool
    gaps: dict[str, float]  # per assessed dimension: the margin left after offered accommodations
    channel_reasons: list[str]  # the channel rules that keep the person from the post, in Chinese

    @property
    def passes(self) -> bool:
        return self.open_now and self.age_ok and self.near and self.channel_ok and self.able

    @property
    def incapacities(self) -> list[str]:
        """The dimensions whose gap excludes the pair (``INCAPACITY`` or worse), largest first."""
        short = [(gap, d) for d, gap in self.gaps.items() if gap <= INCAPACITY]
        return [d for _gap, d in sorted(short)]


def rule_check(context: FeatureContext, person: pl.DataFrame, vacancy_id: int) -> RuleCheck | None:
    """The rules for the person (one row of ``features.jobs.people_at``, as
    ``features.request.person_row`` gives it) and an open vacancy; None when the vacancy is not
    open (not among ``context.open_vacancies``)."""
    table = context.open_vacancy_table.frame
    vacancy = table.filter(pl.col("vacancy_id") == vacancy_id)
    if vacancy.height == 0:
        return None
    rules = candidate_rules(context.sets)
    row = (
        person.lazy()
        .select(
            "p_age",
            "_phi",
            "_cos_phi",
            "_longitude",
            "p_commute_km",
            *SCORES,
            *ASSESSED_SCORES,
            *HOLDS,
            *rules.seeker,
        )
        .join(vacancy.lazy().select(*PLACE, *WHERE, *CHANNEL, *FIT), how="cross")
        .with_columns(rules.distance)
        .with_columns(*rules.gaps, *rules.assessed_gaps)
        .select(
            rules.open_now.alias("open_now"),
            rules.age_ok.alias("age_ok"),
            rules.near.alias("near"),
            rules.channel_ok.alias("channel_ok"),
            rules.able.alias("able"),
            *CHANNEL,
            *HOLDS,
            "distance",
            "_reach",
            "p_age",
            "_age_min",
            "_age_max",
            "v_home_based",
            *ASSESSED_GAPS,
        )
        .collect()
        .row(0, named=True)
    )
    return RuleCheck(
        open_now=bool(row["open_now"]),
        age_ok=bool(row["age_ok"]),
        near=bool(row["near"]),
        channel_ok=bool(row["channel_ok"]),
        able=bool(row["able"]),
        distance_km=float(row["distance"]),
        reach_km=float(row["_reach"]),
        age=int(row["p_age"]),
        age_min=row["_age_min"],
        age_max=row["_age_max"],
        home_based=row["v_home_based"] == 1,
        gaps={
            d: float(row[gap])
            for d, gap in zip(DIMENSIONS, ASSESSED_GAPS, strict=True)
            if row[gap] is not None
        },
        channel_reasons=channel_reasons(
            needs_certificate=bool(row["_needs_certificate"]),
            needs_difficulty=bool(row["_needs_difficulty"]),
            needs_licence=bool(row["_wants_massage"]),
            has_certificate=bool(row["_certified"]),
            has_difficulty=bool(row["_difficulty"]),
            has_licence=bool(row["_licensed"]),
        ),
    )
