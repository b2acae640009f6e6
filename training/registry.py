"""Record a training result in MLflow and register its model (new version → 'challenger'); read
back the test months a version was judged on, for the promotion gate; judge a version with the
gate and record the gate's checks on it (model version tags ``gate.*``), so that whoever looks at
the registry later (the models page) sees why a version was or was not promoted."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from features.context import FeatureContext
from training.config import TrainConfig
from training.kinds import RANKER_KINDS, Kind
from training.pipeline import TrainResult, held_out_lists
from training.plots import importance_figure, ndcg_by_group_figure
from training.promotion import GateResult, HeldOutLists, gate
from training.split import TimeSplit
from training.tracking import CHALLENGER, CHAMPION, Tracking

SPLIT_PARAMS = ("train_end", "valid_end", "test_end")
PROBE_ROWS = 500
GATE_TAG = "gate.checks"
MAX_TAG_CHARS = 5000  # MLflow's limit on a tag value


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


def judge(
    tracking: Tracking, kind: Kind, context: FeatureContext, version: str | None = None
) -> GateResult:
    """Run the promotion gate on ``version`` (default: the challenger) as ``jobmatch promote``
    does (probe rows from today's data; quality and fairness against the champion on the
    version's own test months) and record the checks on the version."""
    spec = RANKER_KINDS[kind]
    probe = spec.training_frame(context).tail(PROBE_ROWS).collect()
    model = model_name(kind)
    has_champion = tracking.version_of(model, CHAMPION) is not None
    result = gate(
        tracking,
        model,
        spec.feature_set,
        probe,
        tolerance=TrainConfig().promotion_ndcg_tolerance,
        candidate=version,
        lists=recorded_held_out_lists(tracking, kind, context, version) if has_champion else None,
    )
    record_gate(tracking, result)
    return result


def record_gate(tracking: Tracking, result: GateResult, now: datetime | None = None) -> None:
    """Keep the gate's verdict and checks with the version judged (nothing without one)."""
    if result.candidate is None:
        return
    checks = json.dumps(result.records(), ensure_ascii=False)
    if len(checks) > MAX_TAG_CHARS:  # keep what a user reads: the Chinese details
        short = [{**r, "detail": ""} for r in result.records()]
        checks = json.dumps(short, ensure_ascii=False)[:MAX_TAG_CHARS]
    tags = {
        "gate.passed": "true" if result.passed else "false",
        "gate.checked_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "gate.champion": result.champion or "",
        GATE_TAG: checks,
    }
    tracking.set_version_tags(result.model, result.candidate, tags)


def recorded_gate(tags: dict[str, str]) -> dict[str, Any] | None:
    """The gate's last verdict on a version from its tags (``record_gate``); None if never
    judged (or the record cannot be read)."""
    if GATE_TAG not in tags:
        return None
    try:
        checks = json.loads(tags[GATE_TAG])
    except ValueError:
        return None
    return {
        "passed": tags.get("gate.passed") == "true",
        "checked_at": tags.get("gate.checked_at", ""),
        "champion": tags.get("gate.champion") or None,
        "checks": checks if isinstance(checks, list) else [],
    }
