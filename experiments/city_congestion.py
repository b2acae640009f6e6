"""Congestion prices in the city replay: the served setting against other settings.

Usage: .venv/bin/python -m experiments.city_congestion --data-dir <city>/var
       [--months 2] [--grid per_opening=2,4,8 strength=0.5,1,2 idle_bonus=0,0.3]

Builds the replay of ``jobmatch evaluate city`` once (the candidate frame is kept as
``<data-dir>/replay_frame.parquet`` for the next call on the same city and champion) and
replays the plain ranker, the rule, the served congestion setting (``features.congestion
.CONGESTION``) and every setting of the grid, printing one row per policy with the issue's
metrics. The settings were chosen on seed 7; seeds 11 and 23 only check them.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from features.congestion import CONGESTION
from features.context import FeatureContext
from features.schema import JOB_FEATURE_SET
from features.sources import read_snapshot
from matching.storage import make_engine
from serving.cli.evaluate import prior_referrals
from training.city_metrics import PolicyReport
from training.city_policies import Policy, congestion_policy, plain_policy, rule_policy, top_k
from training.city_replay import ReplayCity, replay, replay_city
from training.oracle import load_latents
from training.oracle_city import CityTruth
from training.promotion import usable_champion
from training.registry import model_name
from training.tracking import Tracking

COLUMNS = (
    "expected_placements",
    "placements_vs_plain",
    "never_recommended",
    "exposure_gini",
    "ndcg10_vs_plain",
    "worst_best_group_placements",
    "applications_per_opening",
)


def load_city(data_dir: Path, months: int) -> tuple[FeatureContext, ReplayCity]:
    engine = make_engine(f"sqlite:///{data_dir / 'jobmatch.db'}")
    try:
        context = FeatureContext.from_snapshot(read_snapshot(engine))
    finally:
        engine.dispose()
    cached = data_dir / "replay_frame.parquet"
    kept = pl.read_parquet(cached) if cached.is_file() else None
    tracking = Tracking(f"sqlite:///{data_dir / 'mlflow.db'}", data_dir / "mlartifacts")
    version = usable_champion(tracking, model_name("jobs"), JOB_FEATURE_SET)
    assert version is not None, "no jobs champion in this data dir"
    booster = tracking.load_booster(model_name("jobs"), version)
    names = JOB_FEATURE_SET.names

    def score(frame: pl.DataFrame) -> np.ndarray:
        return np.asarray(booster.predict(frame.select(names).to_pandas()), dtype=np.float64)

    city = replay_city(context, months, score, frame=kept)
    if kept is None:
        city.frame.write_parquet(cached)
    return context, city


def grid(specs: list[str]) -> list[dict[str, Any]]:
    """Every combination of ``name=v1,v2`` axes (an integral value as an int)."""
    axes = []
    for spec in specs:
        name, values = spec.split("=", 1)
        axes.append([(name, _number(v)) for v in values.split(",")])
    return [dict(choice) for choice in itertools.product(*axes)] if axes else []


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--grid", nargs="*", default=[])
    args = parser.parse_args()
    began = time.perf_counter()
    context, city = load_city(args.data_dir, args.months)
    truth = CityTruth(context, load_latents(args.data_dir / "ground_truth"))
    prior = prior_referrals(context.snapshot.referrals, city.start)
    candidates = city.frame["vacancy_id"].unique()
    found = city.vacancies["vacancy_id"].is_in(candidates.implode())
    reachable = found.sum() / max(found.len(), 1)
    print(
        f"sessions {city.frame['query_id'].n_unique()}, open vacancies {city.vacancies.height}, "
        f"in some candidate set {reachable:.3f}, set-up {time.perf_counter() - began:.0f} s"
    )
    policies: dict[str, Policy] = {
        "plain": plain_policy(),
        "rule": rule_policy(),
        "congestion": congestion_policy(prior),
    }
    # not a policy (it reads the truth): how concentrated the best possible lists are
    grades = truth.grades(city.frame)
    policies["oracle (truth)"] = top_k(
        lambda frame: grades if frame.height == len(grades) else truth.grades(frame)
    )
    for setting in grid(args.grid):
        label = " ".join(f"{k}={v:g}" for k, v in setting.items())
        policies[label] = congestion_policy(prior, replace(CONGESTION, **setting))
    reports: dict[str, PolicyReport] = replay(city, truth, policies)
    print("| policy | " + " | ".join(COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    for name, report in reports.items():
        cells = " | ".join(f"{float(getattr(report, c)):.3f}" for c in COLUMNS)
        print(f"| {name} | {cells} |")
    print(f"CONGESTION = {CONGESTION}; total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
