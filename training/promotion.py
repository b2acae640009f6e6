"""The promotion gate: a challenger becomes champion only if it loads, expects exactly the
serving feature list, scores a probe set with finite numbers, is not worse than the champion on
NDCG@10 (beyond a tolerance) and not worse on the worst-group/best-group ratio."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from features.schema import FeatureSet
from training.tracking import CHALLENGER, CHAMPION, PREVIOUS_CHAMPION, Tracking

NDCG_METRIC = "ranker_ndcg_at_10"
FAIRNESS_METRIC = "worst_group_ratio"


@dataclass
class GateResult:
    model: str
    candidate: str | None
    champion: str | None
    passed: bool
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append((name, ok, detail))
        return ok


def first_difference(left: list[str], right: list[str]) -> int:
    pairs = zip(left, right, strict=False)
    return next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(left), len(right)))


def check_booster(
    booster: Any, feature_set: FeatureSet, probe: pl.DataFrame, result: GateResult
) -> bool:
    names = list(booster.feature_name())
    same = names == feature_set.names
    detail = (
        "same ordered list"
        if same
        else f"model has {len(names)} features, serving {len(feature_set.names)}; "
        f"first difference at position {first_difference(names, feature_set.names)}"
    )
    if not result.check("feature list", same, detail):
        return False
    scores = booster.predict(probe.select(feature_set.names).to_pandas())
    finite = bool(np.isfinite(scores).all()) and len(scores) == probe.height
    return result.check("finite scores", finite, f"{probe.height} probe rows")


def booster_problems(booster: Any, feature_set: FeatureSet, probe: pl.DataFrame) -> list[str]:
    """The gate's model checks without the comparison to a champion: [] when usable."""
    result = GateResult(model="", candidate=None, champion=None, passed=False)
    check_booster(booster, feature_set, probe, result)
    return [f"{name}: {detail}" for name, ok, detail in result.checks if not ok]


def gate(
    tracking: Tracking,
    model: str,
    feature_set: FeatureSet,
    probe: pl.DataFrame,
    *,
    tolerance: float,
    candidate: str | None = None,
) -> GateResult:
    """Run every check for ``candidate`` (default: the 'challenger' alias)."""
    version = candidate or tracking.version_of(model, CHALLENGER)
    champion = tracking.version_of(model, CHAMPION)
    result = GateResult(model=model, candidate=version, champion=champion, passed=False)
    if version is None:
        result.check("candidate", False, "no challenger registered; run `jobmatch train` first")
        return result
    try:
        booster = tracking.load_booster(model, version)
    except Exception as error:  # any failure to load refuses the model
        result.check("loads", False, f"{type(error).__name__}: {error}")
        return result
    result.check("loads", True, f"version {version}")
    if not check_booster(booster, feature_set, probe, result):
        return result
    new = tracking.run_metrics(tracking.run_of(model, version))
    if champion is not None and champion != version:
        old = tracking.run_metrics(tracking.run_of(model, champion))
        quality = new.get(NDCG_METRIC, 0.0) >= old.get(NDCG_METRIC, 0.0) - tolerance
        result.check(
            "NDCG@10",
            quality,
            f"{new.get(NDCG_METRIC, 0.0):.4f} vs champion {old.get(NDCG_METRIC, 0.0):.4f} "
            f"(tolerance {tolerance})",
        )
        fair = new.get(FAIRNESS_METRIC, 0.0) >= old.get(FAIRNESS_METRIC, 0.0)
        result.check(
            "worst/best group",
            fair,
            f"{new.get(FAIRNESS_METRIC, 0.0):.3f} vs champion {old.get(FAIRNESS_METRIC, 0.0):.3f}",
        )
        if not (quality and fair):
            return result
    result.passed = True
    return result


def promote(tracking: Tracking, result: GateResult) -> None:
    """Move 'champion' to the candidate; the old champion becomes 'previous-champion'."""
    if not result.passed or result.candidate is None:
        raise ValueError("refusing to promote a model that did not pass the gate")
    if result.champion is not None and result.champion != result.candidate:
        tracking.set_alias(result.model, PREVIOUS_CHAMPION, result.champion)
    tracking.set_alias(result.model, CHAMPION, result.candidate)


def rollback(tracking: Tracking, model: str) -> tuple[str, str]:
    """Swap 'champion' and 'previous-champion'; returns (from version, to version)."""
    champion = tracking.version_of(model, CHAMPION)
    previous = tracking.version_of(model, PREVIOUS_CHAMPION)
    if champion is None or previous is None:
        raise LookupError(
            f"{model}: nothing to roll back to (champion {champion}, previous {previous})"
        )
    tracking.set_alias(model, CHAMPION, previous)
    tracking.set_alias(model, PREVIOUS_CHAMPION, champion)
    return champion, previous
