"""Ratio features the trees cannot build from counts, prototyped outside ``features/``.

Usage: .venv/bin/python experiments/training_ratios.py --data-dir /tmp/issue5/city7
       [--sets base employer person vacancy all]

Point-in-time counts (events strictly before each row's moment, as ``features.histories`` does)
of applications, interviews and hires per employer and per vacancy, turned into smoothed rates,
plus the person's own past apply and interview rates from the p_past_* counts. The default
ranker is fit on the ranked lists of the training and validation months with each set of extra
columns and judged on two samples of 1,000 seekers' whole candidate sets (gain = the truth's
expected grade). Sample 7 is the one ``jobmatch train`` reports.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from experiments.training_headroom import candidate_frames, ndcg10
from features.context import FeatureContext
from features.sources import read_snapshot
from matching.storage import make_engine
from training import baselines
from training.config import TrainConfig
from training.pipeline import frame_for, make_ranker, ranked_parts

STAGES = {"applied": "applied", "interviewed": "interviewed", "hired": "hired"}
PRIOR = 10.0  # pseudo-referrals at the city's mean rate


def running_counts(context: FeatureContext, key: str) -> pl.DataFrame:
    """Per ``key`` (vacancy_id or employer_id) and moment: referrals, applications, interviews
    and hires so far (after that moment's events)."""
    snapshot = context.snapshot
    vacancies = snapshot.vacancies.select(pl.col("id").alias("vacancy_id"), "employer_id")
    referrals = snapshot.referrals.filter(pl.col("vacancy_id").is_not_null()).select(
        pl.col("id").alias("referral_id"), "vacancy_id", pl.col("referred_at").alias("at")
    )
    events = snapshot.events.join(referrals.select("referral_id", "vacancy_id"), on="referral_id")
    rows = pl.concat(
        [
            referrals.select("vacancy_id", "at", pl.lit("referred").alias("stage")),
            events.select("vacancy_id", "at", "stage"),
        ]
    ).join(vacancies, on="vacancy_id")
    names = {"referred": "refs", **STAGES}
    return (
        rows.filter(pl.col("stage").is_in(list(names)))
        .group_by(key, "at")
        .agg(*((pl.col("stage") == s).sum().alias(n) for s, n in names.items()))
        .sort(key, "at")
        .with_columns(pl.col(n).cum_sum().over(key) for n in names.values())
        .with_columns(pl.col("at").dt.cast_time_unit("us"))
    )


def as_of(frame: pl.DataFrame, counts: pl.DataFrame, key: str, prefix: str) -> pl.DataFrame:
    """The counts of the last moment strictly before each row's ``at``."""
    cols = ["refs", *STAGES]
    right = counts.rename({c: f"{prefix}{c}" for c in cols}).rename({"at": "_at"})
    left = frame.with_row_index("_row").with_columns(
        pl.col("at").dt.cast_time_unit("us").dt.replace_time_zone(None).alias("_at")
    )
    right = right.with_columns(pl.col("_at").dt.replace_time_zone(None))
    joined = (
        left.sort("_at")
        .join_asof(right, on="_at", by=key, strategy="backward", allow_exact_matches=False)
        .sort("_row")
        .drop("_row", "_at")
    )
    return joined.with_columns(pl.col(f"{prefix}{c}").fill_null(0) for c in cols)


def add_ratios(
    frame: pl.DataFrame, context: FeatureContext, rates: dict[str, float]
) -> pl.DataFrame:
    vacancy_employer = context.snapshot.vacancies.select(
        pl.col("id").alias("vacancy_id"), "employer_id"
    )
    out = frame.join(vacancy_employer, on="vacancy_id", how="left")
    out = as_of(out, running_counts(context, "employer_id"), "employer_id", "_e_")
    out = as_of(out, running_counts(context, "vacancy_id"), "vacancy_id", "_v_")

    def rate(num: str, den: str, prior: float) -> pl.Expr:
        return (pl.col(num).cast(pl.Float64) + PRIOR * prior) / (
            pl.col(den).cast(pl.Float64) + PRIOR
        )

    return out.with_columns(
        r_employer_apply=rate("_e_applied", "_e_refs", rates["apply"]),
        r_employer_interview=rate("_e_interviewed", "_e_refs", rates["interview"]),
        r_employer_hire=rate("_e_hired", "_e_refs", rates["hire"]),
        r_employer_interview_per_apply=rate("_e_interviewed", "_e_applied", rates["i_per_a"]),
        r_vacancy_apply=rate("_v_applied", "_v_refs", rates["apply"]),
        r_vacancy_interview=rate("_v_interviewed", "_v_refs", rates["interview"]),
        r_person_apply=rate("p_past_applied", "p_past_referrals", rates["apply"]),
        r_person_interview=rate("p_past_interviewed", "p_past_referrals", rates["interview"]),
        r_person_hire=rate("p_past_hired", "p_past_referrals", rates["hire"]),
    )


SETS = {
    "base": [],
    "employer_hire": ["r_employer_hire"],
    "employer": [
        "r_employer_apply",
        "r_employer_interview",
        "r_employer_hire",
        "r_employer_interview_per_apply",
    ],
    "person": ["r_person_apply", "r_person_interview", "r_person_hire"],
    "vacancy": ["r_vacancy_apply", "r_vacancy_interview"],
}
SETS["employer_vacancy"] = SETS["employer"] + SETS["vacancy"]
SETS["all"] = list(dict.fromkeys(name for names in SETS.values() for name in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.data_dir / 'jobmatch.db'}")
    context = FeatureContext.from_snapshot(read_snapshot(engine))
    config = TrainConfig(num_threads=2)
    frame, feature_set, grades = frame_for("jobs", context)
    end = frame["at"].max()
    assert isinstance(end, datetime)
    ranked = ranked_parts(frame, context, split_of(end, config), grades)
    rows = pl.concat([ranked.train, ranked.valid], how="vertical_relaxed")
    g = rows["grade"].to_numpy()
    rates = {
        "apply": float(np.mean(g >= 1)),
        "interview": float(np.mean(g >= 2)),
        "hire": float(np.mean(g >= 3)),
        "i_per_a": float(np.mean(g >= 2) / max(np.mean(g >= 1), 1e-9)),
    }
    print(f"mean rates in the lists: {rates}")
    rows = add_ratios(rows, context, rates)
    frames = candidate_frames("jobs", context, args.data_dir)
    samples = [add_ratios(s, context, rates) for s in frames]
    base = feature_set.names
    logistic = baselines.LogisticBaseline(base, random_state=config.random_state).fit(
        rows, rows["grade"].to_numpy()
    )
    print(f"logistic: {[round(ndcg10(s, logistic.predict(s)), 4) for s in samples]}")
    for name in args.sets:
        names = base + SETS[name]
        started = time.perf_counter()
        ranker = make_ranker("jobs", config).fit(
            rows.select(names), rows["grade"].to_numpy(), rows["query_id"].to_numpy()
        )
        seconds = time.perf_counter() - started
        scores = [ndcg10(s, ranker.predict(s.select(names))) for s in samples]
        same = baselines.LogisticBaseline(names, random_state=config.random_state)
        same.fit(rows, rows["grade"].to_numpy())
        theirs = [ndcg10(s, same.predict(s)) for s in samples]
        print(
            f"{name:>16}: fit {seconds:.0f} s, NDCG@10 {scores[0]:.4f} / {scores[1]:.4f} "
            f"(mean {np.mean(scores):.4f}); logistic on the same columns "
            f"{theirs[0]:.4f} / {theirs[1]:.4f}; "
            f"ranker/logistic {np.mean(scores) / np.mean(theirs):.3f}",
            flush=True,
        )


def split_of(end: datetime, config: TrainConfig):  # type: ignore[no-untyped-def]
    from training.split import TimeSplit

    return TimeSplit.newest_months(end, valid_months=config.valid_months)


if __name__ == "__main__":
    main()
