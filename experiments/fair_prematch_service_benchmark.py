"""Benchmark: the whole service path of a pre-match, 3,000 candidates × 500 vacancies of the demo
city, as ``POST /api/fairs/{id}/prematch`` runs it (without HTTP): roster from the database,
eligibility and features, scoring with a 300-tree, 63-leaf LightGBM ranker, calibration, solve,
timetable, reasons, assembling and storing the result.

Run: .venv/bin/python experiments/fair_prematch_service_benchmark.py [--runs 3] [--seed 7]

``experiments/fair_prematch_benchmark.py`` times the solver alone on a synthetic fair; this one
says what the rest of the path adds. The first run includes fitting the calibration (cached per
model afterwards).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time as clock
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import lightgbm as lgb
import numpy as np
import polars as pl

from features.context import FeatureContext
from features.schema import JOB_FEATURE_SET
from features.sources import read_snapshot
from features.training_frames import job_training_frame
from matching.fair_plans import Day, NewFair, create_fair
from matching.fair_plans.rules import ON_SITE_NEEDS
from matching.storage import (
    FairCandidate,
    FairVacancy,
    make_engine,
    make_sessionmaker,
    upgrade_database,
)
from matching.synth.city import SCALES, build_city
from matching.synth.writer import write_frames
from serving.runtime.models import ServedModel
from serving.services.fair_calibration import CalibrationCache, scores_of
from serving.services.fair_prematch import fair_moment, run_prematch
from serving.services.fair_scoring import eligible_pair_features

AS_OF = date(2026, 11, 1)
FAIR_DAY = date(2026, 11, 20)


def ranker(context: FeatureContext) -> Any:
    """A 300-tree, 63-leaf lambdarank booster on the history (the design's cost size)."""
    frame = job_training_frame(context).collect().sort("query_id")
    groups = frame.group_by("query_id", maintain_order=True).len()["len"].to_numpy()
    data = lgb.Dataset(
        frame.select(JOB_FEATURE_SET.names).to_pandas(), frame["grade"].to_numpy(), group=groups
    )
    params = {"objective": "lambdarank", "num_leaves": 63, "verbose": -1, "num_threads": 2}
    return lgb.train(params, data, num_boost_round=300)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", type=Path, help="a saved LightGBM model to use (else trained)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jobmatch-fair-bench-"))
    engine = make_engine(f"sqlite:///{folder / 'jobmatch.db'}")
    upgrade_database(engine)
    city = build_city(args.seed, SCALES["demo"], AS_OF)
    write_frames(engine, city.frames, lambda *_: None)
    context = FeatureContext.from_snapshot(read_snapshot(engine))
    started = clock.perf_counter()
    if args.model is not None:
        booster = lgb.Booster(model_file=str(args.model))
    else:
        booster = ranker(context)
        booster.save_model(str(folder / "ranker.txt"))
        print(f"ranker trained in {clock.perf_counter() - started:.1f} s ({folder / 'ranker.txt'})")
    rng = np.random.default_rng(args.seed)
    seekers = city.frames["persons"].filter(pl.col("employment_status") == "seeking")["id"]
    open_now = city.frames["vacancies"].filter(
        (pl.col("status") == "open")
        & (pl.col("deadline").is_null() | (pl.col("deadline") >= FAIR_DAY))
    )["id"]
    persons = sorted(int(i) for i in rng.choice(seekers.to_numpy(), 3000, replace=False))
    vacancies = sorted(int(i) for i in rng.choice(open_now.to_numpy(), 500, replace=False))
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        fair = create_fair(
            session,
            NewFair("基准招聘会", FAIR_DAY, "人力资源市场", "371502", ON_SITE_NEEDS),
            actor="bench",
        )
        fair_id = fair.id
        session.add_all(
            FairVacancy(fair_id=fair_id, vacancy_id=v, interview_capacity=8) for v in vacancies
        )
        session.add_all(
            FairCandidate(fair_id=fair_id, person_id=p, registered_on=AS_OF) for p in persons
        )
    model = ServedModel("jobs", "champion", "bench", booster)
    state: Any = SimpleNamespace(context=context, jobs=SimpleNamespace(current=model))
    calibrations = CalibrationCache()
    day = Day(max_booths=3, slots=9)
    started = clock.perf_counter()
    with sessions.begin() as session:
        fair = session.get(type(fair), fair_id)
        rows = eligible_pair_features(context, persons, vacancies, fair_moment(fair, day.start))
    features = clock.perf_counter() - started
    started = clock.perf_counter()
    scores_of(model, rows)
    scoring = clock.perf_counter() - started
    print(
        f"eligible pairs {rows.height}: eligibility + features {features:.2f} s, "
        f"scores {scoring:.2f} s"
    )
    times = []
    for run in range(args.runs):
        started = clock.perf_counter()
        with sessions.begin() as session:
            fair = session.get(type(fair), fair_id)
            result = run_prematch(
                session, state, calibrations, fair, day, None, actor="bench", now=datetime.now(UTC)
            )
        times.append(clock.perf_counter() - started)
        optimal, arrival, best = result.ways
        print(
            f"run {run + 1}: {times[-1]:.2f} s; expected hires {optimal.expected_hires:.1f} "
            f"(naive {arrival.expected_hires:.1f} / {best.expected_hires:.1f}, LP bound "
            f"{result.lp_bound:.1f}); interviews {optimal.interviews}; no booth "
            f"{optimal.no_booth_share:.1%}; calibration {result.calibration.method}"
        )
    print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
