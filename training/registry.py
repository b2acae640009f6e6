"""Record a training result in MLflow and register its model (new version → 'challenger'); read
back the test months a version was judged on, for the promotion gate."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from features.context import FeatureContext
from training.config import TrainConfig
from training.kinds import RANKER_KINDS, Kind
from training.pipeline import TrainResult, held_out_lists
from training.plots import importance_figure, ndcg_by_group_figure
from training.promotion import HeldOutLists
from training.split import TimeSplit
from training.tracking import CHALLENGER, Tracking

SPLIT_PARAMS = ("train_end", "valid_end", "test_end")


def model_name(kind: str) -> str:
    return RANKER_KINDS[kind].model_name


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
                **{f"split.{key}": getattr(result.split, key).isoformat() for key in SPLIT_PARAMS},
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


def recorded_held_out_lists(
    tracking: Tracking, kind: Kind, context: FeatureContext, version: str | None = None
) -> HeldOutLists | None:
    """The test months' ranked lists the version (default: the challenger) was judged on, rebuilt
    from today's history with the split its run recorded; None if there is no such version or
    its run recorded no split."""
    model = model_name(kind)
    version = version or tracking.version_of(model, CHALLENGER)
    if version is None:
        return None
    params = tracking.version_params(model, version) or {}
    try:
        moments = [datetime.fromisoformat(params[f"split.{key}"]) for key in SPLIT_PARAMS]
    except (KeyError, ValueError):
        return None
    split = TimeSplit(*moments)
    return HeldOutLists(held_out_lists(kind, context, split), context.snapshot.persons)
