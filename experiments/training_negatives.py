"""Unshown candidates as extra grade-0 items in the jobs ranker's training lists.

Usage: .venv/bin/python experiments/training_negatives.py --data-dir /tmp/issue5/city7
       [--n 0 5 10 20] [--weight 1.0 0.3]

For every ranked list of the training and validation months, the person's candidate set at the
list's moment (``features.candidates.job_candidates``, the function requests use) is rebuilt over
the vacancies open that day, and up to N candidates that were not shown are added with grade 0
(and a sample weight). The default ranker is fit on the augmented lists and judged on two
samples of 1,000 seekers' whole candidate sets (gain = the truth's expected grade), beside the
logistic baseline fit on the ranked lists as the pipeline fits it. Sample 7 is the pipeline's
own sample (``jobmatch train`` reports it); the mean of both is steadier.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from experiments.training_headroom import candidate_frames, ndcg10
from features.candidates import job_candidates
from features.context import FeatureContext
from features.jobs import job_features, people_at
from features.sources import read_snapshot
from features.tables import Keyed
from features.vacancy import OPEN_ROW, candidate_vacancies
from matching.storage import make_engine
from training import baselines
from training.config import TrainConfig
from training.pipeline import frame_for, make_ranker, ranked_parts
from training.split import TimeSplit

CHUNK_DAYS = 7


def historical_context(context: FeatureContext, first: datetime, last: datetime) -> FeatureContext:
    """The context with the vacancies that were open at some day in [first, last] as the open
    ones (the snapshot's status says only whether a vacancy is open *now*; candidate rules check
    ``opened_on`` ≤ day ≤ ``deadline`` themselves). A filled vacancy may have stopped taking
    people before its deadline: the history does not say when, so it stays a candidate."""
    table = context.vacancies.frame.filter(
        (pl.col("_opened_on") <= last.date())
        & (pl.col("_deadline").is_null() | (pl.col("_deadline") >= first.date()))
    ).with_columns(_status=pl.lit("open"))
    open_now = candidate_vacancies(table)
    return replace(
        context, open_vacancies=open_now, open_vacancy_table=Keyed.of(open_now, OPEN_ROW)
    )


def unshown(context: FeatureContext, lists: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    """Up to ``n`` unshown candidates per list (query_id, person_id, at), with job features,
    a random draw without replacement from the candidate set at the list's moment."""
    queries = lists.select("query_id", "person_id", "at").unique("query_id").sort("at")
    shown = lists.select("query_id", "vacancy_id")
    days = queries["at"].dt.date()
    start = days.min()
    assert start is not None
    bucket = ((days - start).dt.total_days() // CHUNK_DAYS).alias("bucket")
    parts = []
    for (_b,), chunk in queries.with_columns(bucket).group_by("bucket", maintain_order=True):
        first, last = chunk["at"].min(), chunk["at"].max()
        assert isinstance(first, datetime) and isinstance(last, datetime)
        then = historical_context(context, first, last)
        people = people_at(context, chunk.drop("bucket").lazy()).collect()
        drawn = (
            job_candidates(then, people.lazy())
            .select("query_id", "vacancy_id")
            .join(shown.lazy(), on=["query_id", "vacancy_id"], how="anti")
            .with_columns(
                _r=pl.struct("query_id", "vacancy_id").hash(seed).rank("ordinal").over("query_id")
            )
            .filter(pl.col("_r") <= n)
            .drop("_r")
            .collect()
        )
        parts.append(
            job_features(context, people.lazy(), drawn.lazy())
            .collect()
            .with_columns(grade=pl.lit(0, dtype=pl.Int32))
        )
    return pl.concat(parts, how="vertical_relaxed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--n", type=int, nargs="+", default=[0, 5, 10, 20])
    parser.add_argument("--weight", type=float, nargs="+", default=[1.0])
    parser.add_argument("--cache", type=Path, default=None, help="parquet of drawn negatives")
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.data_dir / 'jobmatch.db'}")
    context = FeatureContext.from_snapshot(read_snapshot(engine))
    config = TrainConfig(num_threads=2)
    frame, feature_set, grades = frame_for("jobs", context)
    names = feature_set.names
    end = frame["at"].max()
    assert isinstance(end, datetime)
    split = TimeSplit.newest_months(end, valid_months=config.valid_months)
    ranked = ranked_parts(frame, context, split, grades)
    rows = pl.concat([ranked.train, ranked.valid], how="vertical_relaxed")
    samples = candidate_frames("jobs", context, args.data_dir)
    logistic = baselines.LogisticBaseline(names, random_state=config.random_state).fit(
        rows, rows["grade"].to_numpy()
    )
    print(f"logistic: {[round(ndcg10(s, logistic.predict(s)), 4) for s in samples]}")
    top = max(args.n)
    cache = args.cache or args.data_dir / f"unshown_{top}.parquet"
    if top > 0 and cache.exists():
        extra = pl.read_parquet(cache)
    elif top > 0:
        started = time.perf_counter()
        extra = unshown(context, rows, top, seed=1)
        print(f"drew {extra.height} unshown items in {time.perf_counter() - started:.0f} s")
        extra.write_parquet(cache)
    rank = pl.int_range(pl.len()).over("query_id").alias("_k")
    for n in args.n:
        for weight in args.weight if n else [1.0]:
            part = rows.select("query_id", "grade", *names).with_columns(w=pl.lit(1.0))
            if n:
                more = (
                    extra.with_columns(rank)
                    .filter(pl.col("_k") < n)
                    .select("query_id", "grade", *names)
                    .with_columns(w=pl.lit(weight))
                )
                part = pl.concat([part, more], how="vertical_relaxed")
            started = time.perf_counter()
            ranker = make_ranker("jobs", config)
            ranker.fit(
                part.select(names),
                part["grade"].to_numpy(),
                part["query_id"].to_numpy(),
                sample_weight=part["w"].to_numpy(),
            )
            seconds = time.perf_counter() - started
            scores = [ndcg10(s, ranker.predict(s.select(names))) for s in samples]
            print(
                f"N={n:>3} weight={weight:.2f}: rows {part.height}, fit {seconds:.0f} s, "
                f"NDCG@10 {scores[0]:.4f} / {scores[1]:.4f} (mean {np.mean(scores):.4f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
