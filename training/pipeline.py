"""Train a ranker (jobs or courses) on the history, compare it with the baselines and the
oracle on the newest months, and log everything to MLflow."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import numpy as np
import polars as pl

from features.context import FeatureContext
from features.schema import COURSE_FEATURE_SET, JOB_FEATURES, FeatureSet
from features.training_frames import (
    COURSE_GRADES,
    JOB_GRADES,
    course_training_frame,
    job_training_frame,
)
from training import baselines
from training.config import TrainConfig
from training.evaluation import by_group, evaluable, report, worst_group_ratio
from training.oracle import (
    Latents,
    candidate_set_evaluation,
    course_oracle_scores,
    job_oracle_scores,
)
from training.ranker import LambdaRanker
from training.split import SplitFrames, TimeSplit, split_frame

Kind = Literal["jobs", "courses"]


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
    if kind == "jobs":
        return job_training_frame(context).collect(), JOB_FEATURES, JOB_GRADES
    return course_training_frame(context).collect(), COURSE_FEATURE_SET, COURSE_GRADES


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
    parts = split_frame(frame, context.snapshot.events, split, grades)
    ranked = SplitFrames(
        *(p.filter(pl.col("source") == "counselor") for p in (parts.train, parts.valid, parts.test))
    )
    names = feature_set.names
    progress("训练")
    ranker = LambdaRanker(
        n_estimators=config.n_estimators,
        learning_rate=config.learning_rate,
        num_leaves=config.num_leaves,
        min_child_samples=config.min_child_samples,
        feature_fraction=config.feature_fraction,
        lambdarank_truncation_level=config.lambdarank_truncation_level,
        early_stopping_rounds=config.early_stopping_rounds,
        random_state=config.random_state,
        num_threads=config.num_threads,
        position_bias=config.position_bias,
    )
    ranker.fit(
        ranked.train.select(names),
        ranked.train["grade"].to_numpy(),
        ranked.train["query_id"].to_numpy(),
        eval_set=(ranked.valid.select(names), ranked.valid["grade"].to_numpy()),
        eval_query_ids=ranked.valid["query_id"].to_numpy(),
        positions=ranked.train["shown_rank"].to_numpy() if config.position_bias else None,
    )
    progress("评估")
    test = evaluable(ranked.test)
    logistic = baselines.LogisticBaseline(names, random_state=config.random_state).fit(
        parts.train, parts.train["grade"].to_numpy()
    )
    rule = baselines.job_rule_scores if kind == "jobs" else baselines.course_rule_scores
    popularity = (
        baselines.job_popularity_scores if kind == "jobs" else baselines.course_popularity_scores
    )
    scores = {
        "ranker": ranker.predict(test.select(names)),
        "rule": rule(test),
        "popularity": popularity(test),
        "logistic": logistic.predict(test),
    }
    if latents is not None:
        oracle = job_oracle_scores if kind == "jobs" else course_oracle_scores
        scores["oracle"] = np.asarray(oracle(context, latents, test), dtype=np.float64)
    metrics = {name: report(test, values) for name, values in scores.items()}
    groups = by_group(test, scores["ranker"], context.snapshot.persons)
    best_baseline = max(metrics[b]["ndcg@10"] for b in ("rule", "popularity", "logistic"))
    extra = {
        "ranker_vs_best_baseline": metrics["ranker"]["ndcg@10"] / best_baseline,
        "worst_group_ratio": worst_group_ratio(groups),
        "test_queries": float(test["query_id"].n_unique()),
    }
    if "oracle" in metrics:
        extra["ranker_vs_oracle"] = metrics["ranker"]["ndcg@10"] / metrics["oracle"]["ndcg@10"]
    if latents is not None and kind == "jobs":
        progress("候选集评估")
        evaluation = candidate_set_evaluation(
            context,
            latents,
            {
                "ranker": lambda f: ranker.predict(f.select(names)),
                "rule": baselines.job_rule_scores,
                "popularity": baselines.job_popularity_scores,
                "logistic": logistic.predict,
            },
            sample_seekers(context, config.exposure_persons, config.random_state),
        )
        for name, values in evaluation.metrics.items():
            metrics[f"candidates/{name}"] = values
        best = max(evaluation.metrics[b]["ndcg@10"] for b in ("rule", "popularity", "logistic"))
        extra["candidates_ranker_vs_best_baseline"] = evaluation.metrics["ranker"]["ndcg@10"] / best
        extra["candidates_ranker_vs_oracle"] = evaluation.metrics["ranker"]["ndcg@10"]
        extra["exposure_gini"] = evaluation.exposure_gini
        extra["never_recommended"] = evaluation.never_recommended
        candidate_groups = by_group(
            evaluation.frame, evaluation.scores["ranker"], context.snapshot.persons
        )
        extra["candidates_worst_group_ratio"] = worst_group_ratio(candidate_groups)
        groups = {f"candidates/{key}": value for key, value in candidate_groups.items()} | groups
    return TrainResult(
        kind=kind,
        feature_set=feature_set,
        ranker=ranker,
        metrics=metrics,
        groups=groups,
        split=split,
        rows={"train": ranked.train.height, "valid": ranked.valid.height, "test": test.height},
        data_fingerprint=fingerprint(frame),
        example=test.select(names).head(5),
        extra=extra,
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )
