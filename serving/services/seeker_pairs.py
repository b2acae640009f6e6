"""Persons seeking work scored against vacancies by the served jobs ranker: the one scoring that
quota outreach (every employer below the quota, county by county: ``serving.services.outreach``)
and a vacancy's candidates (one vacancy, the persons the caller reaches:
``serving.services.vacancy_candidates``) share.

Who is offered: registered persons whose employment status is 求职中 (``SEEKING``). The other
statuses are left out on purpose: 已就业, 灵活就业 and 辅助性就业 count as employed in the plan's
figures (``matching.progress.definitions.EMPLOYED_STATUSES``), 暂不求职 said no, and 在校 are
students, whose first job goes through their 一人一策 ledger. A person in flexible work who wants
a steady post is registered 求职中 again by the counselor, and is offered from then on.

Which pairs: those passing candidate generation's hard rules (open now, age limits, the channel
rules, no assessed incapacity left unclosed, workplace within reach:
``serving.services.fair_scoring.eligible_pair_features``, as a fair's pre-match does, without
the pre-score cut). Each pair is scored by the served jobs model (the champion, the last good
model, or the rule ranking when none: ``serving.runtime.models``), with the features the
person-side lists use, so a pair's score here is its score on the person's list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import polars as pl

from features.context import FeatureContext
from serving.runtime.models import ServedModel
from serving.runtime.state import ServiceState
from serving.services.fair_calibration import scores_of
from serving.services.fair_scoring import eligible_pair_features

__all__ = ["SEEKING", "ScoredPairs", "score_pairs", "seekers", "served_jobs_model"]

SEEKING = "seeking"  # codes.EMPLOYMENT_STATUSES: the persons an employer can be offered
FloatArray = npt.NDArray[np.float64]
PAIR_SCHEMA = {"vacancy_id": pl.Int64, "person_id": pl.Int64, "score": pl.Float64}


@dataclass(frozen=True)
class ScoredPairs:
    """The eligible (person, vacancy) pairs with their features and scores, by person id then
    vacancy id (so that equal scores keep a fixed order)."""

    rows: pl.DataFrame  # query_id, person_id, vacancy_id, at and the jobs features
    scores: FloatArray

    @property
    def ids(self) -> pl.DataFrame:
        """vacancy_id, person_id, score of every pair."""
        if self.rows.height == 0:
            return pl.DataFrame(schema=PAIR_SCHEMA)
        return self.rows.select("vacancy_id", "person_id").with_columns(
            score=pl.Series(self.scores, dtype=pl.Float64)
        )


def seekers(persons: pl.DataFrame) -> pl.DataFrame:
    """The persons (rows of ``FeatureContext.persons``) who may be offered a vacancy."""
    return persons.filter(pl.col("employment_status") == SEEKING)


def score_pairs(
    model: ServedModel,
    context: FeatureContext,
    person_ids: Sequence[int],
    vacancy_ids: Sequence[int],
    at: datetime,
) -> ScoredPairs:
    """Every pair of ``person_ids`` × ``vacancy_ids`` passing the hard rules at ``at``, scored by
    ``model`` (one batch: a heavy job passes a Booster of its own, ``own_copy``)."""
    rows = eligible_pair_features(context, sorted(person_ids), vacancy_ids, at)
    if rows.height == 0:
        return ScoredPairs(rows, np.empty(0))
    rows = rows.sort("person_id", "vacancy_id")
    return ScoredPairs(rows, scores_of(model, rows))


def served_jobs_model(state: ServiceState) -> ServedModel:
    """The jobs model the service ranks with now (the rule ranking before any is loaded)."""
    if state.jobs is None:
        return ServedModel("jobs", "rule", None, None)
    return state.jobs.current
