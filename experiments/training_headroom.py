"""How far the rankers are from what the data allow: a learning curve and a feature ceiling.

Usage: .venv/bin/python experiments/training_headroom.py --data-dir /tmp/h1 [--kind jobs]

Needs a city made by `jobmatch synth` (its ground truth beside the database). Prints, on two
samples of 1,000 job seekers' whole candidate sets (gains = the truth's expected grade):

- learning curve: the default ranker and the logistic baseline fit on 25/50/75/100% of the
  ranked lists (training and validation months), to show whether more history would help;
- feature ceiling: a LightGBM regression fit on the *true* expected grades of one sample and
  judged on the other. No product model may learn from the truth; this one exists only to
  measure how much of the gap to the oracle the serving features could ever close.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl

from features.context import FeatureContext
from features.sources import read_snapshot
from matching.storage import make_engine
from training import baselines
from training.config import TrainConfig
from training.kinds import Kind
from training.metrics import ranking_report
from training.oracle import candidate_set_evaluation, load_latents
from training.oracle_courses import course_candidate_set_evaluation
from training.pipeline import frame_for, make_ranker, ranked_parts, sample_seekers
from training.split import TimeSplit

SAMPLES = (7, 99)
SHARES = (0.25, 0.5, 0.75, 1.0)


def ndcg10(frame: pl.DataFrame, scores: np.ndarray) -> float:
    report = ranking_report(scores, frame["grade"].to_numpy(), frame["query_id"].to_numpy(), (10,))
    return report["ndcg@10"]


def candidate_frames(kind: Kind, context: FeatureContext, folder: Path) -> list[pl.DataFrame]:
    """Two samples of candidate sets with features and the true expected grade as ``grade``."""
    latents = load_latents(folder / "ground_truth")
    evaluate = candidate_set_evaluation if kind == "jobs" else course_candidate_set_evaluation
    frames = []
    for seed in SAMPLES:
        seen: list[pl.DataFrame] = []

        def capture(frame: pl.DataFrame, seen: list[pl.DataFrame] = seen) -> np.ndarray:
            seen.append(frame)
            return np.zeros(frame.height)

        evaluate(context, latents, {"capture": capture}, sample_seekers(context, 1000, seed))
        frames.append(seen[0])
    return frames


def learning_curve(
    kind: Kind, context: FeatureContext, samples: list[pl.DataFrame], config: TrainConfig
) -> None:
    frame, feature_set, grades = frame_for(kind, context)
    end = frame["at"].max()
    assert isinstance(end, datetime)
    split = TimeSplit.newest_months(end, valid_months=config.valid_months)
    ranked = ranked_parts(frame, context, split, grades)
    rows = pl.concat([ranked.train, ranked.valid], how="vertical_relaxed")
    lists = rows["query_id"].unique().sort()
    names = feature_set.names
    for share in SHARES:
        keep = lists.sample(fraction=share, seed=1) if share < 1 else lists
        part = rows.filter(pl.col("query_id").is_in(keep.implode()))
        started = time.perf_counter()
        ranker = make_ranker(kind, replace(config, refit_on_valid=False)).fit(
            part.select(names), part["grade"].to_numpy(), part["query_id"].to_numpy()
        )
        seconds = time.perf_counter() - started
        logistic = baselines.LogisticBaseline(names).fit(part, part["grade"].to_numpy())
        ranker_ndcg = [ndcg10(s, ranker.predict(s.select(names))) for s in samples]
        logistic_ndcg = [ndcg10(s, logistic.predict(s)) for s in samples]
        print(
            f"{share:>4.0%} of {lists.len()} lists: ranker {np.mean(ranker_ndcg):.4f} "
            f"(fit {seconds:.0f} s), logistic {np.mean(logistic_ndcg):.4f}"
        )


def feature_ceiling(samples: list[pl.DataFrame], names: list[str]) -> None:
    params = {
        "objective": "regression",
        "learning_rate": 0.05,
        "num_leaves": 63,
        "min_child_samples": 50,
        "num_threads": 2,
        "verbosity": -1,
    }
    results = []
    for fit_on, judge_on in ((0, 1), (1, 0)):
        source, target = samples[fit_on], samples[judge_on]
        matrix = source.select(names).cast(pl.Float64).to_numpy()
        gain = 2.0 ** source["grade"].to_numpy() - 1.0
        booster = lgb.train(params, lgb.Dataset(matrix, label=gain), 1000)
        scores = booster.predict(target.select(names).cast(pl.Float64).to_numpy())
        results.append(ndcg10(target, np.asarray(scores)))
    print(f"feature ceiling (fit on the truth of one sample, judged on the other): {results}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--kind", choices=("jobs", "courses"), default="jobs")
    args = parser.parse_args()
    kind: Kind = "jobs" if args.kind == "jobs" else "courses"
    engine = make_engine(f"sqlite:///{args.data_dir / 'jobmatch.db'}")
    context = FeatureContext.from_snapshot(read_snapshot(engine))
    samples = candidate_frames(kind, context, args.data_dir)
    config = TrainConfig(num_threads=1)
    learning_curve(kind, context, samples, config)
    _frame, feature_set, _grades = frame_for(kind, context)
    feature_ceiling(samples, feature_set.names)


if __name__ == "__main__":
    main()
