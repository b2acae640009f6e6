"""Train a ranker (jobs or courses) on the history, compare it with the baselines and the
oracle on the newest months, and log everything to MLflow."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import polars as pl
from sklearn.base import clone

from features.context import FeatureContext
from features.schema import FeatureSet
from training import baselines
from training.config import TrainConfig
from training.evaluation import by_group, evaluable, report, worst_group_ratio
from training.kinds import RANKER_KINDS, Kind
from training.oracle import (
    CandidateEvaluation,
    Latents,
    Scorer,
)
from training.ranker import LambdaRanker
from training.split import SplitFrames, TimeSplit, split_frame

BASELINES = ("rule", "popularity", "logistic")


@dataclass
class TrainResult:
    kind: Kind
    feature_set: FeatureSet
    ranker: LambdaRanker
    metrics: dict[str, dict[str, float]]
    groups: dict[str, dict[str, float]]
    split: TimeSplit
    rows: dict[str, int]
    data_fingerprint: str
    example: pl.DataFrame
    seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ndcg10(self) -> float:
        return self.metrics["ranker"]["ndcg@10"]


def sample_seekers(context: FeatureContext, n: int, seed: int) -> list[int]:
    seekers = context.snapshot.persons.filter(pl.col("employment_status") == "seeking")["id"]
    return seekers.sample(min(n, len(seekers)), seed=seed).sort().to_list()


def fingerprint(frame: pl.DataFrame) -> str:
    """A short hash of the training data (ids, times, labels) for the run's record."""
    digest = frame.select("referral_id", "at", "grade").hash_rows(seed=0).sum()
    return hashlib.sha256(f"{frame.height}:{digest}".encode()).hexdigest()[:16]


def frame_for(
    kind: Kind, context: FeatureContext
) -> tuple[pl.DataFrame, FeatureSet, dict[str, int]]:
    spec = RANKER_KINDS[kind]
    return spec.training_frame(context).collect(), spec.feature_set, dict(spec.grades)


def ranked_parts(
    frame: pl.DataFrame, context: FeatureContext, split: TimeSplit, grades: dict[str, int]
) -> SplitFrames:
    """The counselors' ranked lists of each part, labels censored at each part's end. Fair
    contacts and self-applications are applications by definition (never a 0), so they would
    teach any model that whatever was applied to is good: models learn from ranked lists only."""
    parts = split_frame(frame, context.snapshot.events, split, grades)
    return SplitFrames(
        *(p.filter(pl.col("source") == "counselor") for p in (parts.train, parts.valid, parts.test))
    )


def held_out_lists(kind: Kind, context: FeatureContext, split: TimeSplit) -> pl.DataFrame:
    """The evaluable ranked lists of a split's test months (what the promotion gate re-scores)."""
    frame, _feature_set, grades = frame_for(kind, context)
    return evaluable(ranked_parts(frame, context, split, grades).test)


def make_ranker(kind: Kind, config: TrainConfig) -> LambdaRanker:
    return LambdaRanker(
        objective=config.objective,
        n_estimators=config.n_estimators,
        learning_rate=config.learning_rate,
        num_leaves=config.num_leaves,
        min_child_samples=config.min_child_samples,
        feature_fraction=config.feature_fraction,
        lambdarank_truncation_level=config.lambdarank_truncation_level,
        early_stopping_rounds=config.early_stopping_rounds or None,
        monotone_constraints=(dict(RANKER_KINDS[kind].monotone) if config.monotone else None),
        random_state=config.random_state,
        num_threads=config.num_threads,
        position_bias=config.position_bias,
    )


def fit_ranker(
    kind: Kind, config: TrainConfig, ranked: SplitFrames, names: list[str]
) -> tuple[LambdaRanker, pl.DataFrame]:
    """The ranker and the rows it learned from (the baselines learn from the same rows).

    With early stopping, fit on the training months and stop on the validation months; then,
    with ``refit_on_valid``, fit again on both with the number of trees found. Without early
    stopping (the default), fit once, on both when ``refit_on_valid``. The test months stay
    unseen either way.
    """

    def fit(ranker: LambdaRanker, rows: pl.DataFrame, *, validate: bool) -> LambdaRanker:
        valid = ranked.valid
        return ranker.fit(
            rows.select(names),
            rows["grade"].to_numpy(),
            rows["query_id"].to_numpy(),
            eval_set=(valid.select(names), valid["grade"].to_numpy()) if validate else None,
            eval_query_ids=valid["query_id"].to_numpy() if validate else None,
            positions=rows["shown_rank"].to_numpy() if config.position_bias else None,
        )

    both = pl.concat([ranked.train, ranked.valid], how="vertical_relaxed")
    final_rows = both if config.refit_on_valid else ranked.train
    ranker = make_ranker(kind, config)
    if not config.early_stopping_rounds:
        return fit(ranker, final_rows, validate=False), final_rows
    ranker = fit(ranker, ranked.train, validate=True)
    if not config.refit_on_valid:
        return ranker, ranked.train
    again = clone(ranker).set_params(
        n_estimators=ranker.best_iteration_, early_stopping_rounds=None
    )
    return fit(again, both, validate=False), both


def baseline_scorers(kind: Kind, logistic: baselines.LogisticBaseline) -> dict[str, Scorer]:
    spec = RANKER_KINDS[kind]
    return {
        "rule": spec.rule_scores,
        "popularity": spec.popularity_scores,
        "logistic": logistic.predict,
    }


def judge_candidate_sets(
    kind: Kind,
    context: FeatureContext,
    latents: Latents,
    scorers: dict[str, Scorer],
    config: TrainConfig,
) -> tuple[dict[str, dict[str, float]], dict[str, float], dict[str, dict[str, float]]]:
    """Every model on each sampled seeker's whole candidate set, gains from the ground truth:
    (metrics under 'candidates/…', ratios and exposure, NDCG@10 per group)."""
    evaluate = RANKER_KINDS[kind].candidate_set_evaluation
    people = sample_seekers(context, config.exposure_persons, config.random_state)
    evaluation: CandidateEvaluation = evaluate(context, latents, scorers, people)
    ndcg = {name: values["ndcg@10"] for name, values in evaluation.metrics.items()}
    groups = by_group(evaluation.frame, evaluation.scores["ranker"], context.snapshot.persons)
    extra = {
        "candidates_ranker_vs_best_baseline": ndcg["ranker"] / max(ndcg[b] for b in BASELINES),
        "candidates_ranker_vs_rule": ndcg["ranker"] / ndcg["rule"],
        "candidates_ranker_vs_oracle": ndcg["ranker"] / ndcg["oracle"],
        "candidates_worst_group_ratio": worst_group_ratio(groups),
        "exposure_gini": evaluation.exposure_gini,
        "never_recommended": evaluation.never_recommended,
    }
    metrics = {f"candidates/{name}": values for name, values in evaluation.metrics.items()}
    return metrics, extra, {f"candidates/{key}": value for key, value in groups.items()}


def train(
    kind: Kind,
    context: FeatureContext,
    config: TrainConfig,
    *,
    latents: Latents | None = None,
    progress: Callable[[str], None] = lambda _step: None,
) -> TrainResult:
    started = datetime.now(UTC)
    progress("特征")
    frame, feature_set, grades = frame_for(kind, context)
    end = frame["at"].max()
    assert isinstance(end, datetime)
    split = TimeSplit.newest_months(
        end, valid_months=config.valid_months, test_months=config.test_months
    )
    ranked = ranked_parts(frame, context, split, grades)
    names = feature_set.names
    progress("训练")
    ranker, learned_from = fit_ranker(kind, config, ranked, names)
    progress("评估")
    test = evaluable(ranked.test)
    logistic = baselines.LogisticBaseline(names, random_state=config.random_state).fit(
        learned_from, learned_from["grade"].to_numpy()
    )
    scorers: dict[str, Scorer] = {"ranker": lambda f: ranker.predict(f.select(names))}
    scorers |= baseline_scorers(kind, logistic)
    scores = {name: np.asarray(score(test), dtype=np.float64) for name, score in scorers.items()}
    if latents is not None:
        oracle = RANKER_KINDS[kind].oracle_scores
        scores["oracle"] = np.asarray(oracle(context, latents, test), dtype=np.float64)
    metrics = {name: report(test, values) for name, values in scores.items()}
    groups = by_group(test, scores["ranker"], context.snapshot.persons)
    best_baseline = max(metrics[b]["ndcg@10"] for b in BASELINES)
    extra = {
        "ranker_vs_best_baseline": metrics["ranker"]["ndcg@10"] / best_baseline,
        "worst_group_ratio": worst_group_ratio(groups),
        "test_queries": float(test["query_id"].n_unique()),
    }
    if "oracle" in metrics:
        extra["ranker_vs_oracle"] = metrics["ranker"]["ndcg@10"] / metrics["oracle"]["ndcg@10"]
    if latents is not None:
        progress("候选集评估")
        more, ratios, candidate_groups = judge_candidate_sets(
            kind, context, latents, scorers, config
        )
        metrics |= more
        extra |= ratios
        groups = candidate_groups | groups
    return TrainResult(
        kind=kind,
        feature_set=feature_set,
        ranker=ranker,
        metrics=metrics,
        groups=groups,
        split=split,
        rows={
            "train": ranked.train.height,
            "valid": ranked.valid.height,
            "test": test.height,
            "learned_from": learned_from.height,
        },
        data_fingerprint=fingerprint(frame),
        example=test.select(names).head(5),
        extra=extra,
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )
