"""The quota outreach list: employers below the quota (``matching.outreach``) with the persons of
their county who fit their open vacancies best, from the served jobs ranker.

Who fits: a registered person of the employer's county who is seeking work and passes the hard
rules for one of its open vacancies, scored by the served jobs model
(``serving.services.seeker_pairs``, the scoring a vacancy's candidates share); a person's score
for the employer is their best over its vacancies, and the top ``TOP_CANDIDATES`` are listed.
Ranking persons for a vacancy by the raw score gives the order the fair pre-match's calibrated
probabilities give (``serving.services.fair_calibration``: one increasing function of the
score).

The pairs are computed per county, in one batch per county, for every employer below the quota
in the snapshot, once per snapshot and served model (``ServingSnapshot.per_model``); a request
then narrows them to the caller's employers and to the vacancies open today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy.orm import Session

from features.context import FeatureContext
from matching.access import Caller
from matching.outreach import (
    TOP_CANDIDATES,
    Candidate,
    EmployerQuota,
    Fit,
    OutreachRow,
    below_quota,
    employer_quota,
    persons_visible,
    rank_outreach,
    without_persons,
)
from matching.quota import LocalWage
from matching.validators import mask_resident_id
from serving.runtime.models import ServedModel, own_copy
from serving.runtime.scoring_threads import at_low_priority
from serving.runtime.snapshot import ServingSnapshot
from serving.services.seeker_pairs import (
    PAIR_SCHEMA,
    SEEKING,
    score_pairs,
    seekers,
    served_jobs_model,
)

__all__ = [
    "SEEKING",
    "OutreachPairs",
    "fits_of",
    "outreach_list",
    "outreach_pairs",
    "served_jobs_model",
]


@dataclass(frozen=True)
class OutreachPairs:
    """Every eligible (vacancy, person) pair of the covered employers, with its score."""

    employers: frozenset[int]  # employers below the quota in the snapshot: their fits are known
    pairs: pl.DataFrame  # employer_id, vacancy_id, person_id, score
    persons: pl.DataFrame  # person_id, name, id_number of the persons in ``pairs``
    model: str  # the served model's label


def outreach_pairs(model: ServedModel, context: FeatureContext) -> OutreachPairs:
    """The pairs of the snapshot's employers below the quota, scored by ``model``, one batch per
    county (a ``ServingSnapshot.per_model`` derivation)."""
    at = datetime.now(UTC)
    employers = _below_quota_in(context.snapshot.employers)
    county_of = dict(zip(employers["id"].to_list(), employers["county"].to_list(), strict=True))
    vacancies = context.open_vacancies.select("vacancy_id", "employer_id").filter(
        pl.col("employer_id").is_in(list(county_of))
    )
    seeking = seekers(context.persons)
    scorer = own_copy(model)  # a heavy job scores on a Booster of its own
    parts = []
    for county in sorted(set(county_of.values())):
        ids = [e for e, c in county_of.items() if c == county]
        vacancy_ids = vacancies.filter(pl.col("employer_id").is_in(ids))["vacancy_id"].to_list()
        person_ids = seeking.filter(pl.col("county") == county)["id"].to_list()
        scored = score_pairs(scorer, context, person_ids, vacancy_ids, at)
        if scored.rows.height > 0:
            parts.append(scored.ids)
    pairs = pl.concat(parts) if parts else pl.DataFrame(schema=PAIR_SCHEMA)
    pairs = pairs.join(vacancies, on="vacancy_id", how="left").select(
        "employer_id", "vacancy_id", "person_id", "score"
    )
    persons = context.persons.select(person_id="id", name="name", id_number="id_number").join(
        pairs.select("person_id").unique(), on="person_id", how="semi"
    )
    return OutreachPairs(frozenset(county_of), pairs, persons, model.label)


def _below_quota_in(employers: pl.DataFrame) -> pl.DataFrame:
    """The snapshot's employers below the quota (the domain's rule, row by row)."""
    below = [
        row["id"]
        for row in employers.iter_rows(named=True)
        if not employer_quota(
            employer_id=row["id"],
            credit_code=row["credit_code"],
            name=row["name"],
            kind=row["kind"],
            county=row["county"],
            staff_count=row["staff_count"],
            established_posts=row["established_posts"],
            is_school=bool(row["is_school"]),
            severe=row["disabled_staff_severe"],
            other=row["disabled_staff_other"],
            average_wage=None,
            wage=None,
        ).status.meets_quota
    ]
    return employers.filter(pl.col("id").is_in(below)).select("id", "county")


def fits_of(found: OutreachPairs, employers: Sequence[EmployerQuota]) -> dict[int, Fit]:
    """Each covered employer's fit over its vacancies open today (``employers``' lists)."""
    fits: dict[int, Fit] = {}
    names = {
        row["person_id"]: (row["name"], row["id_number"])
        for row in found.persons.iter_rows(named=True)
    }
    groups = {
        int(key[0]): group
        for key, group in found.pairs.partition_by("employer_id", as_dict=True).items()
    }
    empty = found.pairs.head(0)
    for employer in employers:
        if employer.employer_id not in found.employers:
            continue
        titles = {v.vacancy_id: v.title for v in employer.vacancies}
        pairs = groups.get(employer.employer_id, empty).filter(
            pl.col("vacancy_id").is_in(list(titles))
        )
        best = (
            pairs.sort(["score", "vacancy_id"], descending=[True, False])
            .unique("person_id", keep="first", maintain_order=True)
            .sort(["score", "person_id"], descending=[True, False])
        )
        candidates = tuple(
            Candidate(
                person_id=row["person_id"],
                name=names[row["person_id"]][0],
                id_number_masked=mask_resident_id(names[row["person_id"]][1]),
                vacancy_id=row["vacancy_id"],
                vacancy_title=titles[row["vacancy_id"]],
                score=row["score"],
            )
            for row in best.head(TOP_CANDIDATES).iter_rows(named=True)
        )
        fits[employer.employer_id] = Fit(best.height, candidates)
    return fits


def outreach_list(
    session: Session,
    caller: Caller,
    snapshot: ServingSnapshot | None,
    model: ServedModel,
    *,
    county: str | None,
    wage: LocalWage | None,
    today: date,
) -> list[OutreachRow]:
    """The caller's employers below the quota, best visit first; person lists withheld from
    callers who may not read persons. ``county``: ``outreach_county``'s answer. Without a
    snapshot (no persons yet) the fits are unknown and say so."""
    employers = below_quota(session, caller, county=county, today=today, wage=wage)
    fits = None
    if snapshot is not None:
        found = at_low_priority(lambda: snapshot.per_model(outreach_pairs, model), "outreach")
        fits = fits_of(found, employers)
    rows = rank_outreach(employers, fits)
    return rows if persons_visible(caller) else without_persons(rows)
