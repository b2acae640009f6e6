"""The promotion gate: a challenger becomes champion only if it loads, expects exactly the
serving feature list, scores a probe set with finite numbers, is not worse than the champion on
NDCG@10 (beyond a tolerance) and not worse on the worst-group/best-group ratio.

Quality and fairness are compared on the same data when the gate is given the challenger's test
lists (``HeldOutLists``): the champion is loaded and scored on them too. Metrics logged at training
time come from each model's own test months, so two runs on different history are not comparable;
the logged figures are only the fallback (no test lists, or a champion whose features the lists
lack). A champion trained on another feature list than the serving one (an older version of the
code) cannot be served, so it is not compared with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from features.schema import FeatureSet
from training.evaluation import by_group, report, worst_group_ratio
from training.tracking import CHALLENGER, CHAMPION, PREVIOUS_CHAMPION, Tracking

NDCG_METRIC = "ranker_ndcg_at_10"
FAIRNESS_METRIC = "worst_group_ratio"
CHECK_NAMES_ZH = {
    "candidate": "待评审模型",
    "loads": "模型能载入",
    "feature list": "特征列表与服务一致",
    "finite scores": "评分均为有效数值",
    "champion": "与冠军模型比较",
    "NDCG@10": "推荐质量（NDCG@10）不低于冠军",
    "worst/best group": "群体公平（最差群体与最好群体之比）不低于冠军",
}


@dataclass
class GateResult:
    model: str
    candidate: str | None
    champion: str | None
    passed: bool
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    details_zh: dict[str, str] = field(default_factory=dict)  # check name -> what a user reads

    def check(self, name: str, ok: bool, detail: str, detail_zh: str = "") -> bool:
        self.checks.append((name, ok, detail))
        self.details_zh[name] = detail_zh or detail
        return ok

    def records(self) -> list[dict[str, Any]]:
        """The checks as stored with the version and shown on the models page (both languages)."""
        return [
            {
                "name": name,
                "name_zh": CHECK_NAMES_ZH.get(name, name),
                "passed": ok,
                "detail": detail,
                "detail_zh": self.details_zh.get(name, detail),
            }
            for name, ok, detail in self.checks
        ]


@dataclass(frozen=True)
class HeldOutLists:
    """Ranked lists with outcomes (query_id, person_id, grade and features) to score both models
    on, and the persons for the per-group figures."""

    frame: pl.DataFrame
    persons: pl.DataFrame

    def quality(self, booster: Any) -> tuple[float, float] | None:
        """(NDCG@10, worst/best group NDCG@10) of the booster here; None when the lists lack
        some of its features (a champion of another feature set)."""
        names = list(booster.feature_name())
        if not set(names) <= set(self.frame.columns):
            return None
        scores = np.asarray(booster.predict(self.frame.select(names).to_pandas()), np.float64)
        groups = by_group(self.frame, scores, self.persons)
        return report(self.frame, scores)["ndcg@10"], worst_group_ratio(groups)


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
    detail_zh = (
        "与服务使用的特征列表完全一致"
        if same
        else f"模型有{len(names)}个特征，服务使用{len(feature_set.names)}个，"
        f"从第{first_difference(names, feature_set.names) + 1}个起不同"
    )
    if not result.check("feature list", same, detail, detail_zh):
        return False
    scores = booster.predict(probe.select(feature_set.names).to_pandas())
    finite = bool(np.isfinite(scores).all()) and len(scores) == probe.height
    finite_zh = f"{probe.height}行抽样数据的评分" + ("均为有效数值" if finite else "中有无效数值")
    return result.check("finite scores", finite, f"{probe.height} probe rows", finite_zh)


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
    lists: HeldOutLists | None = None,
) -> GateResult:
    """Run every check for ``candidate`` (default: the 'challenger' alias); with ``lists``, the
    champion is re-scored on them beside the candidate."""
    version = candidate or tracking.version_of(model, CHALLENGER)
    champion = tracking.version_of(model, CHAMPION)
    result = GateResult(model=model, candidate=version, champion=champion, passed=False)
    if version is None:
        result.check(
            "candidate",
            False,
            "no challenger registered; run `jobmatch train` first",
            "还没有挑战者模型，请先训练（jobmatch train）",
        )
        return result
    try:
        booster = tracking.load_booster(model, version)
    except Exception as error:  # any failure to load refuses the model
        result.check("loads", False, f"{type(error).__name__}: {error}", f"版本{version}无法载入")
        return result
    result.check("loads", True, f"version {version}", f"版本{version}已载入")
    if not check_booster(booster, feature_set, probe, result):
        return result
    if champion is not None and champion != version:
        old_booster = loaded(tracking, model, champion)
        if old_booster is not None and not serves_features(old_booster, feature_set):
            result.check(
                "champion",
                True,
                f"version {champion} was trained on another feature list and cannot be served "
                "by this code, so there is nothing to compare with",
                f"冠军版本{champion}使用旧的特征列表，服务已无法使用，无需比较",
            )
        elif not compare(
            result, tracking, (version, champion), (booster, old_booster), lists, tolerance
        ):
            return result
    result.passed = True
    return result


def compare(
    result: GateResult,
    tracking: Tracking,
    versions: tuple[str, str],
    boosters: tuple[Any, Any | None],
    lists: HeldOutLists | None,
    tolerance: float,
) -> bool:
    """The NDCG@10 and worst/best group checks of ``versions`` (candidate, champion), added to
    ``result``; on ``lists`` when both ``boosters`` can score them (the champion's is None when
    it could not be loaded), else on each run's logged figures."""
    version, champion = versions
    compared = same_data(*boosters, lists)
    if compared is None:
        compared = logged(tracking, result.model, champion, version)
        where_zh = "各自训练时在各自测试月份上记录的数值"
    else:
        assert lists is not None
        queries = lists.frame["query_id"].n_unique()
        where_zh = f"两者在该版本的测试数据上同时评分，共{queries}个推荐列表"
    (new_ndcg, new_fair), (old_ndcg, old_fair), where = compared
    quality = new_ndcg >= old_ndcg - tolerance
    result.check(
        "NDCG@10",
        quality,
        f"{new_ndcg:.4f} vs champion {old_ndcg:.4f} (tolerance {tolerance}; {where})",
        f"挑战者{new_ndcg:.4f}，冠军{old_ndcg:.4f}，允许低{tolerance}；"
        + ("未低于允许范围" if quality else "低于冠军超出允许范围")
        + f"（{where_zh}）",
    )
    fair = new_fair >= old_fair
    result.check(
        "worst/best group",
        fair,
        f"{new_fair:.3f} vs champion {old_fair:.3f} ({where})",
        f"挑战者{new_fair:.3f}，冠军{old_fair:.3f}；"
        + ("不低于冠军" if fair else "低于冠军：某些群体的推荐质量相对变差")
        + f"（{where_zh}）",
    )
    return quality and fair


def loaded(tracking: Tracking, model: str, version: str) -> Any | None:
    """The version's booster, or None when it cannot be loaded now (the registry may be down for
    a moment; comparisons then fall back to its logged figures)."""
    try:
        return tracking.load_booster(model, version)
    except Exception:  # see the docstring
        return None


def serves_features(booster: Any, feature_set: FeatureSet) -> bool:
    """Whether the service could use the booster: its ordered feature list is ``feature_set``'s."""
    return list(booster.feature_name()) == feature_set.names


def usable_champion(tracking: Tracking, model: str, feature_set: FeatureSet) -> str | None:
    """The champion's version, or None when there is none or it uses another feature list (a
    champion that cannot be loaded now counts as usable)."""
    champion = tracking.version_of(model, CHAMPION)
    if champion is None:
        return None
    booster = loaded(tracking, model, champion)
    if booster is not None and not serves_features(booster, feature_set):
        return None
    return champion


Quality = tuple[tuple[float, float], tuple[float, float], str]


def same_data(booster: Any, old_booster: Any | None, lists: HeldOutLists | None) -> Quality | None:
    """(candidate, champion, where) on the given lists, or None if they cannot score both."""
    if lists is None or lists.frame.height == 0 or old_booster is None:
        return None
    new, old = lists.quality(booster), lists.quality(old_booster)
    if new is None or old is None:
        return None
    where = f"both scored on this version's test lists, {lists.frame['query_id'].n_unique()} lists"
    return new, old, where


def logged(tracking: Tracking, model: str, champion: str, version: str) -> Quality:
    """(candidate, champion, where) from the figures each run logged on its own test months."""
    new = tracking.run_metrics(tracking.run_of(model, version))
    old = tracking.run_metrics(tracking.run_of(model, champion))

    def pair(metrics: dict[str, float]) -> tuple[float, float]:
        return metrics.get(NDCG_METRIC, 0.0), metrics.get(FAIRNESS_METRIC, 0.0)

    return pair(new), pair(old), "logged figures, each run on its own test months"


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
