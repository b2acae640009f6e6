"""From ranker scores to probabilities of a hire, for fair pre-matching.

The jobs ranker (LambdaRank) orders vacancies within one person's list; its scores are not
probabilities, and the assignment adds them up across persons, so they are calibrated first: a
one-dimensional logistic fit (Platt scaling) of "the referral reached hired" on the served
model's score, over the recent logged job referrals whose outcome is settled. Contacts made at
past fairs (source ``fair``) get their own intercept (a second column, 1 for a fair contact): a
fair contact is an interview already, and hires far more often than a counselor's referral, so
the pre-match uses the fair intercept while every referral informs the slope. Under the rule
fallback the rule score is calibrated the same way.

*Choices*: a referral is settled ``SETTLE_DAYS`` after it was made (hires in the history come
within ~40 days); the fit uses every fair contact of the ``WINDOW_DAYS`` before that and a
sample of up to ``MAX_ROWS`` other referrals. With fewer than ``MIN_HIRES`` hires there is
nothing to fit: scores are standardised around the observed hire rate, and the method says so.
A fit depends on the snapshot and the served model only (the sample is seeded), so it is kept
with the serving snapshot per model label (``ServingSnapshot.per_model``: source and version):
a new champion, or a newly read snapshot, is fitted on its first pre-match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.linear_model import LogisticRegression

from features.context import FeatureContext
from features.jobs import job_features, people_at
from features.request import collect
from features.schema import JOB_FEATURE_SET
from features.training_frames import job_queries
from matching.fair_plans import CalibrationInfo
from serving.runtime.models import ServedModel
from serving.runtime.scoring_threads import LIGHTGBM_THREADS
from training.baselines import job_rule_scores

FloatArray = npt.NDArray[np.float64]
SETTLE_DAYS = 60
WINDOW_DAYS = 365
MAX_ROWS = 20_000
SAMPLE_SEED = 0
MIN_HIRES = 10
HIRED_STAGES = ("hired", "retained_6m")
FALLBACK_RATE = 0.05
PROBABILITY_FLOOR = 1e-6


def scores_of(model: ServedModel, rows: pl.DataFrame) -> FloatArray:
    """The served model's scores of feature rows (the rule score under the rule fallback)."""
    if rows.height == 0:
        return np.empty(0)
    if model.booster is None:
        return job_rule_scores(rows)
    matrix = rows.select(JOB_FEATURE_SET.names).to_pandas()
    # A heavy job's scoring: one thread (serving.runtime.scoring_threads).
    return np.asarray(model.booster.predict(matrix, num_threads=LIGHTGBM_THREADS), np.float64)


@dataclass(frozen=True)
class Calibration:
    info: CalibrationInfo

    def probability(self, scores: FloatArray) -> FloatArray:
        """P(hire | score) for a contact at a fair."""
        return self._logistic(scores, self.info.fair_offset)

    def referral_probability(self, scores: FloatArray) -> FloatArray:
        """P(hire | score) for a counselor's referral (no fair intercept): the nightly
        batch's new-match alerts compare these."""
        return self._logistic(scores, 0.0)

    def _logistic(self, scores: FloatArray, offset: float) -> FloatArray:
        info = self.info
        z = info.slope * np.asarray(scores, np.float64) + info.intercept + offset
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))
        return np.clip(p, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)


def logged_referrals(context: FeatureContext) -> pl.DataFrame:
    """Features, ``hired`` and ``fair`` of the recent settled job referrals: every fair contact
    and up to ``MAX_ROWS`` others, sampled (the fair indicator absorbs the different sampling
    rates, so the fair intercept stays unbiased)."""
    snapshot = context.snapshot
    referrals = snapshot.referrals.filter(pl.col("vacancy_id").is_not_null())
    if referrals.height == 0:
        return pl.DataFrame()
    newest = referrals["referred_at"].max()
    assert newest is not None
    settled = newest - timedelta(days=SETTLE_DAYS)  # type: ignore[operator]
    recent = referrals.filter(
        pl.col("referred_at").is_between(settled - timedelta(days=WINDOW_DAYS), settled)
    )
    fair, other = (
        recent.filter(pl.col("source") == "fair"),
        recent.filter(pl.col("source") != "fair"),
    )
    if other.height > MAX_ROWS:  # every fair contact, a seeded sample of the rest
        other = other.sample(MAX_ROWS, seed=SAMPLE_SEED)
    recent = pl.concat([fair, other])
    referred = job_queries(recent.lazy())
    queries = referred.select("query_id", "person_id", "at").unique("query_id")
    people = collect(people_at(context, queries)).lazy()
    items = referred.select("query_id", "vacancy_id", "referral_id", "source")
    features = collect(job_features(context, people, items.select("query_id", "vacancy_id")))
    hired = snapshot.events.filter(pl.col("stage").is_in(HIRED_STAGES))["referral_id"].unique()
    return features.join(collect(items), on=["query_id", "vacancy_id"]).with_columns(
        hired=pl.col("referral_id").is_in(hired.implode()),
        fair=pl.col("source") == "fair",
    )


def fit_calibration(model: ServedModel, context: FeatureContext) -> Calibration:
    """Platt scaling of the served model's scores on the logged referrals (see module doc)."""
    rows = logged_referrals(context)
    if rows.height == 0:
        return _standardised(np.empty(0), 0, 0, 0)
    scores = scores_of(model, rows)
    hired = rows["hired"].to_numpy().astype(bool)
    fair = rows["fair"].to_numpy().astype(bool)
    n_hires, fair_rows, fair_hires = int(hired.sum()), int(fair.sum()), int(hired[fair].sum())
    if n_hires < MIN_HIRES or n_hires == hired.size:
        return _standardised(scores, n_hires, fair_rows, fair_hires)
    with_offset = 0 < fair_rows < fair.size and fair_hires > 0
    columns = [scores, fair.astype(np.float64)] if with_offset else [scores]
    fitted = LogisticRegression(C=100.0, max_iter=1000).fit(np.column_stack(columns), hired)
    offset = float(fitted.coef_[0][1]) if with_offset else 0.0
    all_fair = fair_rows == fair.size
    method = (
        "Platt: logistic fit of reached-hired on the score, fair contacts' own intercept"
        if with_offset
        else "Platt: logistic fit of reached-hired on the score"
        + (" (fair contacts only)" if all_fair else " (no fair contacts logged)")
    )
    return Calibration(
        CalibrationInfo(
            method=method,
            rows=int(hired.size),
            hires=n_hires,
            fair_rows=fair_rows,
            fair_hires=fair_hires,
            slope=float(fitted.coef_[0][0]),
            intercept=float(fitted.intercept_[0]),
            fair_offset=offset,
        )
    )


def _standardised(scores: FloatArray, hires: int, fair_rows: int, fair_hires: int) -> Calibration:
    """Too little history: scores standardised around the observed (or a default) hire rate."""
    rate = (hires + 1) / (scores.size + 2) if scores.size else FALLBACK_RATE
    spread = float(scores.std()) if scores.size > 1 and scores.std() > 0 else 1.0
    centre = float(scores.mean()) if scores.size else 0.0
    return Calibration(
        CalibrationInfo(
            method=f"uncalibrated: too little history ({hires} hires), scores standardised "
            "around the observed hire rate",
            rows=int(scores.size),
            hires=hires,
            fair_rows=fair_rows,
            fair_hires=fair_hires,
            slope=1.0 / spread,
            intercept=math.log(rate / (1 - rate)) - centre / spread,
            fair_offset=0.0,
        )
    )
