"""Record a training result in MLflow and register its model (new version → 'challenger')."""

from __future__ import annotations

from dataclasses import asdict

from training.config import TrainConfig
from training.pipeline import TrainResult
from training.plots import importance_figure, ndcg_by_group_figure
from training.tracking import COURSES_MODEL, JOBS_MODEL, Tracking


def model_name(kind: str) -> str:
    return JOBS_MODEL if kind == "jobs" else COURSES_MODEL


def flat_metrics(result: TrainResult) -> dict[str, float]:
    metrics = {
        f"{model}_{name.replace('@', '_at_')}": value
        for model, values in result.metrics.items()
        for name, value in values.items()
    }
    metrics.update(result.extra)
    metrics["train_seconds"] = result.seconds
    return metrics


def record(tracking: Tracking, result: TrainResult, config: TrainConfig) -> tuple[str, str]:
    """Log parameters, metrics, figures and the model; returns (run id, model version)."""
    booster = result.ranker.booster_
    with tracking.run(f"jobmatch-{result.kind}", run_name=f"{result.kind}-lambdarank") as run_id:
        tracking.log_params(
            {f"config.{key}": value for key, value in asdict(config).items()}
            | {
                "feature_set_version": result.feature_set.version,
                "feature_set_hash": result.feature_set.hash,
                "data_fingerprint": result.data_fingerprint,
                "split.train_end": result.split.train_end.isoformat(),
                "split.valid_end": result.split.valid_end.isoformat(),
                "split.test_end": result.split.test_end.isoformat(),
                "best_iteration": result.ranker.best_iteration_,
                **{f"rows.{part}": count for part, count in result.rows.items()},
            }
        )
        tracking.set_tags(
            {
                "feature_set_version": result.feature_set.version,
                "feature_names": ",".join(result.feature_set.names),
                "kind": result.kind,
            }
        )
        tracking.log_metrics(flat_metrics(result))
        tracking.log_dict(result.metrics, "metrics.json")
        tracking.log_dict(result.groups, "ndcg_by_group.json")
        tracking.log_figure(ndcg_by_group_figure(result.groups), "ndcg_by_group.png")
        gains = booster.feature_importance(importance_type="gain").tolist()
        tracking.log_figure(
            importance_figure(result.feature_set.names, gains), "feature_importance.png"
        )
        example = result.example
        version = tracking.log_booster(booster, example, model_name(result.kind))
    return run_id, version
