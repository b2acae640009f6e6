"""What the hard rules of candidate generation exclude, for two versions of the code side by side.

Usage: PYTHONPATH=<source tree> .venv/bin/python experiments/candidate_rules.py
       --data-dir <city> [--persons 300]

At the city's newest referral, for a sample of persons never assessed and a sample of all
registered persons: reachable open vacancies (open, age, distance), the pairs the ability rule
excludes, the candidate set's size, and the candidates the channel rules of
``matching.eligibility`` guard (public-welfare posts for persons employed or in school,
blind-massage posts for persons without the licence, reserved posts without a certificate).
Run it with each source tree first on PYTHONPATH (issue 19 §4).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

import polars as pl

from features.candidates import candidate_rules, job_candidates
from features.context import FeatureContext
from features.jobs import people_at
from features.sources import UTC_MICROS, read_snapshot
from matching.storage import make_engine

LICENCE = "盲人医疗按摩人员考试合格证"


def queries(persons: list[int], at: datetime) -> pl.LazyFrame:
    return pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [at] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )


def ability(context: FeatureContext, persons: list[int], at: datetime) -> str:
    people = people_at(context, queries(persons, at)).collect()
    rules = candidate_rules(context.sets)
    reachable = rules.open_now & rules.age_ok & rules.near  # without the channel rules
    pairs = (
        people.lazy()
        .join(context.open_vacancy_table.frame.lazy(), how="cross")
        .with_columns(rules.seeker)
        .with_columns(rules.distance)
        .filter(reachable)
        .with_columns(*rules.gaps, *getattr(rules, "assessed_gaps", []))
        .select("query_id", able=rules.able)
        .collect()
    )
    found = job_candidates(context, people.lazy()).collect()
    excluded = pairs.filter(~pl.col("able"))
    return (
        f"reachable pairs {pairs.height}, excluded by the ability rule {excluded.height} "
        f"({excluded.height / max(pairs.height, 1):.1%}) for {excluded['query_id'].n_unique()} "
        f"persons; candidates per person {found.height / len(persons):.1f}"
    )


def channels(context: FeatureContext, persons: list[int], at: datetime) -> str:
    people = people_at(context, queries(persons, at)).collect()
    found = job_candidates(context, people.lazy()).collect()
    latest = context.snapshot.assessments.sort("assessed_on").group_by("person_id").last()
    who = context.persons.select(
        query_id="id",
        certified=pl.col("certificate_number").is_not_null(),
        difficulty=~pl.col("employment_status").is_in(["employed", "studying"]),
    ).join(
        latest.select(query_id="person_id", licensed=pl.col("certificates").list.contains(LICENCE)),
        on="query_id",
        how="left",
    )
    what = context.snapshot.vacancies.select(
        vacancy_id="id",
        reserved=pl.col("reserved_for_disabled")
        | pl.col("channel").is_in(["kiosk", "lottery", "tobacco"]),
        welfare=pl.col("channel") == "public_welfare",
        massage=pl.col("skills_wanted").list.contains("盲人医疗按摩"),
    )
    pairs = found.join(who, on="query_id").join(what, on="vacancy_id")
    licensed = pl.col("licensed").fill_null(False)
    return (
        f"candidate pairs {pairs.height}: public-welfare posts to persons employed or in school "
        f"{pairs.filter(pl.col('welfare') & ~pl.col('difficulty')).height} (to others "
        f"{pairs.filter(pl.col('welfare') & pl.col('difficulty')).height}); blind-massage posts "
        f"without the licence {pairs.filter(pl.col('massage') & ~licensed).height} (with it "
        f"{pairs.filter(pl.col('massage') & licensed).height}); reserved posts without a "
        f"certificate {pairs.filter(pl.col('reserved') & ~pl.col('certified')).height}"
    )


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
    assert isinstance(at, datetime), "the city has no referral"
    assessed = context.snapshot.assessments["person_id"].unique().implode()
    never = context.persons.filter(~pl.col("id").is_in(assessed))
    unassessed = never.sample(min(args.persons, never.height), seed=1)["id"].to_list()
    anyone = context.persons.sample(args.persons, seed=1)["id"].to_list()
    print(f"persons never assessed {never.height} of {context.persons.height}")
    print(f"{len(unassessed)} persons never assessed: {ability(context, unassessed, at)}")
    print(f"{len(anyone)} registered persons: {channels(context, anyone, at)}")


if __name__ == "__main__":
    main()
