"""Candidates for a vacancy (点对点推荐): the persons seeking work among those the caller
reaches who fit one open vacancy best, with the reasons seen from the employer's side.

The pairs and their scores are the shared scoring of ``serving.services.seeker_pairs`` (the
hard rules per pair, the served jobs model, the rule ranking when none); the list is the ``k``
best by score (equal scores: the lower person id first). Each line is explained as a person's
line is (``serving.services.recommend_core``: the strongest feature contributions), with the
phrases of ``features.reasons_candidates`` (only what differs between persons speaks), and the
same ability and accommodation statements ("评估显示听力不足，单位提供手语翻译可弥补").

Which persons the caller reaches, and whether the vacancy is open, the caller decides from the
database (``serving.api.candidates``); this module reads the snapshot only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from features.reasons import ability_statements
from features.reasons_candidates import candidate_phrase
from features.schema import JOB_FEATURE_SET
from matching.validators import mask_resident_id
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend import RULE_FEATURES
from serving.services.recommend_core import MAX_REASONS, explained, reasons_of
from serving.services.seeker_pairs import score_pairs

__all__ = ["DEFAULT_K", "MAX_K", "CandidateLine", "CandidateList", "vacancy_candidates"]

DEFAULT_K = 20
MAX_K = 100


@dataclass(frozen=True)
class CandidateLine:
    person_id: int
    name: str
    id_number_masked: str
    age: int | None
    county: str
    is_graduate: bool
    score: float
    reasons: list[str]
    cautions: list[str]
    statements: list[str]


@dataclass(frozen=True)
class CandidateList:
    vacancy_id: int
    model: str
    degraded: bool
    seekers: int  # persons seeking work the caller reaches
    eligible: int  # of them, those the hard rules let take the vacancy
    lines: list[CandidateLine] = field(default_factory=list)


def vacancy_candidates(
    snapshot: ServingSnapshot,
    model: ServedModel,
    vacancy_id: int,
    person_ids: Sequence[int],
    at: datetime,
    k: int = DEFAULT_K,
) -> CandidateList:
    """The ``k`` persons of ``person_ids`` (seekers the caller reaches) who fit the open vacancy
    best at ``at``, best first."""
    context, lookups = snapshot.context, snapshot.lookups
    held = [p for p in person_ids if p in lookups.person_ids]
    scored = score_pairs(model, context, held, [vacancy_id], at)
    result = CandidateList(vacancy_id, model.label, model.degraded, len(held), scored.rows.height)
    if scored.rows.height == 0:
        return result
    # stable: the rows come by person id, so equal scores keep the lower id first
    top = np.argsort(-scored.scores, kind="stable")[:k]
    names = JOB_FEATURE_SET.names
    rows, contributions = explained(model, scored.rows[top.tolist()], names)
    persons = _persons(context.persons, [int(row["person_id"]) for row in rows])
    offered = lookups.vacancies[vacancy_id].offered
    for position, row in enumerate(rows):
        person_id = int(row["person_id"])
        name, id_number, county, graduate = persons[person_id]
        reasons, cautions = _explain(model, row, contributions[position], names)
        needed = lookups.accommodations_needed.get(person_id, [])
        age = row.get("p_age")
        result.lines.append(
            CandidateLine(
                person_id=person_id,
                name=name,
                id_number_masked=mask_resident_id(id_number),
                age=None if age is None else int(age),
                county=county,
                is_graduate=graduate,
                score=float(scored.scores[top[position]]),
                reasons=reasons,
                cautions=cautions,
                statements=ability_statements(row, offered, needed),
            )
        )
    return result


def _explain(
    model: ServedModel, row: dict[str, Any], contributions: np.ndarray, names: list[str]
) -> tuple[list[str], list[str]]:
    """(reasons, cautions) from the employer's side: the contributions when a model scored the
    pair, else the facts the rule ranking weighs (all of them pair facts)."""
    if model.booster is not None:
        return reasons_of(row, contributions, names, say=candidate_phrase, moved_only=True)
    found = (candidate_phrase(name, row, supportive=True) for name in RULE_FEATURES)
    return [reason.text for reason in found if reason is not None][:MAX_REASONS], []


def _persons(persons: pl.DataFrame, ids: list[int]) -> dict[int, tuple[str, str, str, bool]]:
    """Name, ID number (to be masked), county and graduate flag of the listed persons."""
    chosen = persons.filter(pl.col("id").is_in(ids))
    return {
        row["id"]: (row["name"], row["id_number"], row["county"], bool(row["is_graduate"]))
        for row in chosen.iter_rows(named=True)
    }
