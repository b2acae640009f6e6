"""Candidate sets of persons never assessed, and the pairs the ability rule excludes.

Usage: PYTHONPATH=<source tree> .venv/bin/python experiments/unassessed_candidates.py
       --data-dir <city> [--persons 300]

For a sample of registered persons without any vocational assessment, at the city's newest
referral: the reachable open vacancies (open, age, distance rules), how many of them the
ability rule excludes, and the size of the candidate set. Run it with two source trees on
PYTHONPATH to compare them (issue 19 §4: typical scores must not exclude).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from features.candidates import candidate_rules, job_candidates
from features.context import FeatureContext
from features.jobs import people_at
from features.sources import UTC_MICROS, read_snapshot
from matching.storage import make_engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=300)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.data_dir / 'jobmatch.db'}")
    try:
        context = FeatureContext.from_snapshot(read_snapshot(engine))
    finally:
        engine.dispose()
    at = context.snapshot.referrals["referred_at"].max()
    assessed = context.snapshot.assessments["person_id"].unique().implode()
    never = context.persons.filter(~pl.col("id").is_in(assessed))
    sample = never.sample(min(args.persons, never.height), seed=1)["id"].to_list()
    queries = pl.LazyFrame(
        {"query_id": sample, "person_id": sample, "at": [at] * len(sample)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    people = people_at(context, queries).collect()
    rules = candidate_rules(context.sets)
    frame = context.open_vacancy_table.frame
    pairs = (
        people.lazy()
        .join(frame.lazy(), how="cross")
        .with_columns(rules.seeker)
        .with_columns(rules.distance)
        .filter(rules.reachable)
        .with_columns(*rules.gaps, *getattr(rules, "assessed_gaps", []))
        .select("query_id", able=rules.able)
        .collect()
    )
    candidates = job_candidates(context, people.lazy()).collect()
    excluded = pairs.filter(~pl.col("able")).height
    print(
        f"unassessed persons {never.height} of {context.persons.height}; sample {len(sample)}; "
        f"reachable pairs {pairs.height}, excluded by the ability rule {excluded} "
        f"({excluded / max(pairs.height, 1):.1%}); persons with any exclusion "
        f"{pairs.filter(~pl.col('able'))['query_id'].n_unique()}; "
        f"candidates per person {candidates.height / len(sample):.1f}"
    )


if __name__ == "__main__":
    main()
