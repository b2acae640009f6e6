"""What every recommendation list shares, vacancies or courses: score the candidate rows with the
served model (or the rule ranking), keep the top k, and explain each line in Chinese from its
LightGBM feature contributions (``pred_contrib``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import polars as pl

from features.arrays import matrix
from features.reasons import Reason, explainable, phrase
from features.schema import DIMENSIONS
from serving.runtime.models import ServedModel
from serving.runtime.scoring_threads import CONTRIBUTIONS, LIGHTGBM_THREADS

MAX_REASONS = 3
FloatArray = npt.NDArray[np.float64]
RuleScores = Callable[[pl.DataFrame], FloatArray]
# The order a list is served in, from its scores (the congestion prices): row indices, best first.
Order = Callable[[FloatArray], npt.NDArray[np.intp]]


class Say(Protocol):
    """A phrasing of one feature's contribution (``features.reasons.phrase``'s signature)."""

    def __call__(
        self, feature: str, row: Mapping[str, object], *, supportive: bool
    ) -> Reason | None: ...


# Features that speak about the same thing: one phrase per topic on a line.
TOPICS = {
    "x_distance_km": "distance",
    "x_commute_ratio": "distance",
    "x_same_county": "distance",
    "v_pay_min": "pay",
    "v_pay_max": "pay",
    "x_pay_vs_expectation": "pay",
    "v_employer_quota_gap": "quota",
    "v_employer_disabled_rate": "quota",
    "v_channel": "channel",
    "v_employer_past_hires": "employer_record",
    "v_employer_past_referrals": "employer_record",
    "v_employer_apply_rate": "employer_record",
    "v_employer_interview_rate": "employer_record",
    "v_employer_hire_rate": "employer_record",
    "v_employer_interviews_per_apply": "employer_record",
    "v_apply_rate": "vacancy_record",
    "v_interview_rate": "vacancy_record",
    "v_reserved": "channel",
    "x_worst_margin_accommodated": "fit_after_accommodation",
    "x_dimensions_short": "fit_after_accommodation",
    "x_shortfall_accommodated": "fit_after_accommodation",
    "y_distance_km": "distance",
    "y_commute_ratio": "distance",
    "y_worst_margin": "ability",
    **{f"y_margin_{dimension}": "ability" for dimension in DIMENSIONS},
    "c_capacity": "places",
    "y_congestion": "places",
}


@dataclass(frozen=True)
class Ranked:
    """The top rows, best first, as dicts of column values (a null as None), with their scores
    and contributions (zeros under the rule)."""

    rows: list[dict[str, Any]]
    scores: FloatArray
    contributions: FloatArray
    plain_ranks: npt.NDArray[np.int64]  # 1-based rank of each row by the scores alone


def _order(
    scores: FloatArray, order: Order | None
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """Rows best first by ``order`` (by the scores when None; ties keep the candidates' order),
    and every row's 1-based rank by the scores alone."""
    plain = np.argsort(-scores, kind="stable")
    plain_rank = np.empty(scores.size, np.int64)
    plain_rank[plain] = np.arange(1, scores.size + 1)
    return (plain if order is None else order(scores)), plain_rank


def top_rows(
    rows: pl.DataFrame, features: FloatArray, top: npt.NDArray[np.intp], names: list[str]
) -> list[dict[str, Any]]:
    """The chosen rows as dicts: the features read back from the model's input matrix (far cheaper
    than gathering ≈ 100 columns from the frame; experiments/serving.md), the other columns (ids,
    the moment) item by item from the frame. Feature values are floats; NaN, the matrix's null, is
    None.

    No polars operation runs here: right after LightGBM, its OpenMP threads still spin on both
    cores, and a frame gather handed to polars' thread pool waited for them on every request
    (experiments/serving.md)."""
    features_named = set(names)
    others = [rows.get_column(name) for name in rows.columns if name not in features_named]
    chosen = []
    for index, values in zip(top.tolist(), features[top].tolist(), strict=True):
        row: dict[str, Any] = {column.name: column[index] for column in others}
        row.update(
            (name, None if math.isnan(value) else value)
            for name, value in zip(names, values, strict=True)
        )
        chosen.append(row)
    return chosen


def rank(
    model: ServedModel,
    rows: pl.DataFrame,
    names: list[str],
    rule: RuleScores,
    k: int,
    *,
    features: FloatArray | None = None,
    order: Order | None = None,
) -> Ranked:
    """Score every row, keep the ``k`` best (ties keep the candidates' order) and compute the
    contributions of those only: ``pred_contrib`` costs a multiple of a plain prediction.

    ``features``: the rows' ``matrix`` when the caller has it already; ``rows`` then needs only
    the columns that are not features (the rule ranking reads the features from ``rows``).
    ``order``: the list is served in ``order(scores)``; ``scores`` stay the model's."""
    booster = model.booster
    if booster is None:
        scores = rule(rows)
        ordered, plain_rank = _order(scores, order)
        top = ordered[:k]
        chosen = rows[top.tolist()].to_dicts()
        return Ranked(chosen, scores[top], np.zeros((top.size, len(names) + 1)), plain_rank[top])
    if features is None:
        features = matrix(rows, names)
    scores = model.scores(features)
    ordered, plain_rank = _order(scores, order)
    top = ordered[:k]
    with CONTRIBUTIONS:
        contributions = np.asarray(
            booster.predict(features[top], pred_contrib=True, num_threads=LIGHTGBM_THREADS),
            np.float64,
        )
    return Ranked(top_rows(rows, features, top, names), scores[top], contributions, plain_rank[top])


def explained(
    model: ServedModel, rows: pl.DataFrame, names: list[str]
) -> tuple[list[dict[str, Any]], FloatArray]:
    """Rows a list has chosen already (scored elsewhere), as dicts of their values as ``rank``
    gives them, with their contributions (zeros under the rule)."""
    if model.booster is None or rows.height == 0:
        return rows.to_dicts(), np.zeros((rows.height, len(names) + 1))
    features = matrix(rows, names)
    with CONTRIBUTIONS:
        contributions = np.asarray(
            model.booster.predict(features, pred_contrib=True, num_threads=LIGHTGBM_THREADS),
            np.float64,
        )
    return top_rows(rows, features, np.arange(rows.height, dtype=np.intp), names), contributions


@dataclass(frozen=True)
class Standing:
    """Where one row stands among all the rows ``rank`` would score: its 1-based rank (ties keep
    the candidates' order, as in ``rank``), its values and its contributions."""

    rank: int
    row: dict[str, Any]
    contributions: FloatArray
    plain_rank: int  # by the scores alone, before ``order``


def standing(
    model: ServedModel,
    rows: pl.DataFrame,
    names: list[str],
    rule: RuleScores,
    index: int,
    *,
    features: FloatArray | None = None,
    order: Order | None = None,
) -> Standing:
    """The standing of row ``index``: scored with every row as ``rank`` scores them, its
    contributions computed for it alone."""
    booster = model.booster
    if booster is None:
        scores = rule(rows)
        row = rows[index].to_dicts()[0]
        contributions = np.zeros(len(names) + 1)
    else:
        if features is None:
            features = matrix(rows, names)
        scores = model.scores(features)
        with CONTRIBUTIONS:
            contributions = np.asarray(
                booster.predict(features[[index]], pred_contrib=True, num_threads=LIGHTGBM_THREADS),
                np.float64,
            )[0]
        row = top_rows(rows, features, np.array([index], np.intp), names)[0]
    ordered, plain_rank = _order(scores, order)
    position = int(np.flatnonzero(ordered == index)[0]) + 1
    return Standing(position, row, contributions, int(plain_rank[index]))


@lru_cache(maxsize=8)
def _topics(names: tuple[str, ...]) -> tuple[str | None, ...]:
    """Each feature's topic (its own name unless ``TOPICS`` groups it), None when no phrase."""
    return tuple(TOPICS.get(name, name) if explainable(name) else None for name in names)


def reasons_of(
    row: dict[str, Any],
    contributions: FloatArray,
    names: list[str],
    *,
    against_only: bool = False,
    say: Say = phrase,
    moved_only: bool = False,
) -> tuple[list[str], list[str]]:
    """Up to three phrases: the strongest explainable contributions, for and against (only
    against with ``against_only``: what held a line down). ``say``: the phrasing
    (``features.reasons.phrase``, or a list's own, e.g. ``candidate_phrase``); ``moved_only``:
    no phrase for a feature that did not move the score (when ``say`` leaves few to speak, a
    zero would otherwise read as a caution)."""
    order = np.argsort(-np.abs(contributions[: len(names)]))
    topic_of = _topics(tuple(names))
    reasons: list[str] = []
    cautions: list[str] = []
    topics: set[str] = set()
    for index in order.tolist():
        topic = topic_of[index]
        if topic is None or topic in topics:
            continue
        if moved_only and contributions[index] == 0:
            break  # the rest, by size, did not move it either
        supportive = bool(contributions[index] > 0)
        if against_only and supportive:
            continue
        found = say(names[index], row, supportive=supportive)
        if found is not None and found.text not in reasons + cautions:
            (reasons if supportive else cautions).append(found.text)
            topics.add(topic)
            if len(reasons) + len(cautions) >= MAX_REASONS:
                break
    return reasons, cautions


def explain(
    model: ServedModel,
    row: dict[str, Any],
    contributions: FloatArray,
    names: list[str],
    rule_features: Sequence[str],
) -> tuple[list[str], list[str]]:
    """(reasons, cautions) of one line: from the contributions when a model scored it, else the
    facts the rule ranking weighs (``rule_features``), as reasons only."""
    if model.booster is not None:
        return reasons_of(row, contributions, names)
    reasons = [
        found.text for name in rule_features if (found := phrase(name, row, supportive=True))
    ]
    return reasons[:MAX_REASONS], []
