"""The default jobs ranker over several LightGBM seeds, with optional extra LightGBM settings.

Usage: .venv/bin/python -m experiments.training_seeds --data-dir <city>/var
       [--seeds 0 1 2] [--variant NAME '{"path_smooth": 20}' ...]
(from the repository root, as a module: it imports experiments.training_headroom)

Fits the default ranker on the ranked lists of the training and validation months, as
``jobmatch train`` does, once per seed and variant, and prints NDCG@10 on the two samples of
1,000 seekers' whole candidate sets that ``experiments/training_headroom.py`` uses (gain = the
truth's expected grade) with their mean. Seeds alone move the mean by about ± 0.004
(experiments/training.md), so compare means over three seeds or more.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from experiments.training_headroom import candidate_frames, ndcg10
from features.context import FeatureContext
from features.sources import read_snapshot
from matching.storage import make_engine
from training.config import TrainConfig
from training.pipeline import frame_for, make_ranker, ranked_parts
from training.split import TimeSplit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--variant",
        nargs=2,
        action="append",
        metavar=("NAME", "JSON"),
        help="extra LightGBM parameters to try (the default runs first)",
    )
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.data_dir / 'jobmatch.db'}")
    context = FeatureContext.from_snapshot(read_snapshot(engine))
    config = TrainConfig(num_threads=2)
    frame, feature_set, grades = frame_for("jobs", context)
    split = TimeSplit.newest_months(frame["at"].max(), valid_months=config.valid_months)
    ranked = ranked_parts(frame, context, split, grades)
    rows = pl.concat([ranked.train, ranked.valid], how="vertical_relaxed")
    samples = candidate_frames("jobs", context, args.data_dir)
    names = feature_set.names
    variants: dict[str, dict[str, Any]] = {"default": {}}
    variants.update({name: json.loads(text) for name, text in args.variant or []})
    for name, extra in variants.items():
        scores = []
        for seed in args.seeds:
            ranker = make_ranker("jobs", replace(config, random_state=seed))
            params = {**ranker.lightgbm_params(), **extra}
            ranker.lightgbm_params = lambda params=params: params  # type: ignore[method-assign]
            ranker.fit(rows.select(names), rows["grade"].to_numpy(), rows["query_id"].to_numpy())
            scores += [ndcg10(sample, ranker.predict(sample.select(names))) for sample in samples]
        print(
            f"{name}: mean NDCG@10 {np.mean(scores):.4f} "
            f"(seed × sample: {', '.join(f'{s:.4f}' for s in scores)})",
            flush=True,
        )


if __name__ == "__main__":
    main()
