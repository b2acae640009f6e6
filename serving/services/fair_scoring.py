"""Score a fair's (candidate, vacancy) pairs the way recommendations score them.

Eligibility is the candidate generation's hard rules (``features.candidates.job_candidates``:
open on the fair's day, age limits, no assessed incapacity left unclosed, workplace within
reach), run over the fair's vacancies only and without the pre-score cut; features come from
the functions the request path composes (``features.request.job_features_for`` is the same
``people_at`` + ``job_features`` for one person), for all candidates at once. Reasons for a
booth are the recommendation lines' reasons (``serving.services.recommend_core.explain``), at
most two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
import polars as pl

from features.candidates import job_candidates
from features.context import FeatureContext
from features.jobs import job_features, people_at
from features.moment import micros_of
from features.reasons import phrase
from features.request import collect
from features.schema import JOB_FEATURE_SET
from features.sources import UTC_MICROS
from features.tables import Keyed
from features.vacancy import OPEN_ROW
from serving.runtime.models import ServedModel
from serving.runtime.scoring_threads import LIGHTGBM_THREADS
from serving.services.recommend import RULE_FEATURES
from serving.services.recommend_core import explain

MAX_BOOTH_REASONS = 2
# TreeSHAP (``pred_contrib``) costs grow with rows × trees and, with every tree, would take longer
# than the pre-match itself on a fair of thousands of interviews: such a fair is explained with
# the first trees only, so that rows × trees stays within this budget. The first trees' top
# features mostly agree with the full model's (experiments/fair_prematch.md).
EXPLAIN_ROW_TREES = 100_000
MIN_EXPLAIN_TREES = 10


def fair_queries(person_ids: Sequence[int], at: datetime) -> pl.LazyFrame:
    """One query per candidate, all at the fair's moment (query ids count from 1)."""
    micros = micros_of(at)
    n = len(person_ids)
    return pl.DataFrame(
        [
            pl.Series("query_id", range(1, n + 1), pl.Int64),
            pl.Series("person_id", list(person_ids), pl.Int64),
            pl.Series("at", [micros] * n, pl.Int64).cast(UTC_MICROS),
        ]
    ).lazy()


def only_vacancies(context: FeatureContext, vacancy_ids: Sequence[int]) -> FeatureContext:
    """The context with its open vacancies narrowed to ``vacancy_ids`` (renumbered rows)."""
    chosen = (
        context.open_vacancies.filter(pl.col("vacancy_id").is_in(list(vacancy_ids)))
        .drop(OPEN_ROW)
        .with_row_index(OPEN_ROW)
    )
    return replace(context, open_vacancies=chosen, open_vacancy_table=Keyed.of(chosen, OPEN_ROW))


def eligible_pair_features(
    context: FeatureContext, person_ids: Sequence[int], vacancy_ids: Sequence[int], at: datetime
) -> pl.DataFrame:
    """(query_id, person_id, vacancy_id, at, JOB_FEATURE_SET) of every pair passing the hard
    rules."""
    if not person_ids or not vacancy_ids:
        return pl.DataFrame()
    people = collect(people_at(context, fair_queries(person_ids, at))).lazy()
    narrowed = only_vacancies(context, vacancy_ids)
    eligible = collect(job_candidates(narrowed, people, limit=len(vacancy_ids), margin=math.inf))
    items = eligible.select("query_id", "vacancy_id").lazy()
    return collect(job_features(context, people, items))


def explanation_trees(model: ServedModel, rows: int) -> int | None:
    """How many of the model's trees to explain ``rows`` pairs with (None: all of them)."""
    if model.booster is None or rows == 0:
        return None
    trees = int(model.booster.current_iteration())
    allowed = max(MIN_EXPLAIN_TREES, EXPLAIN_ROW_TREES // rows)
    return None if allowed >= trees else allowed


def booth_reasons(
    model: ServedModel, rows: pl.DataFrame, probability: Sequence[float]
) -> list[list[str]]:
    """One to two Chinese reasons for each assigned pair (rows of ``eligible_pair_features``),
    from the pair's feature contributions as on a recommendation line."""
    if rows.height == 0:
        return []
    names = JOB_FEATURE_SET.names
    contributions = (
        np.asarray(
            model.booster.predict(
                rows.select(names).to_pandas(),
                pred_contrib=True,
                num_iteration=explanation_trees(model, rows.height),
                num_threads=LIGHTGBM_THREADS,
            ),
            np.float64,
        )
        if model.booster is not None
        else np.zeros((rows.height, len(names) + 1))
    )
    found = []
    for index, row in enumerate(rows.iter_rows(named=True)):
        reasons, _cautions = explain(model, row, contributions[index], names, RULE_FEATURES)
        if not reasons:
            reasons = [f.text for n in RULE_FEATURES if (f := phrase(n, row, supportive=True))]
        if not reasons:
            reasons = [f"本场招聘会中录用可能性约{probability[index]:.0%}"]
        found.append(reasons[:MAX_BOOTH_REASONS])
    return found
