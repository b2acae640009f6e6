"""Feature pipeline timings on the demo city.

Usage: .venv/bin/python experiments/features_benchmark.py [--database sqlite:///var/jobmatch.db]
Without --database a fresh demo city (seed 7, as of 2026-11-01) is built in a temporary folder.
Budgets (issue 4): the full training frames ≤ 60 s; one person's candidates and features ≤ 10 ms
median. Prints medians and the ratio to each budget, the request with the polars plans only
(the peer of the NumPy engine, ``features/one_person.py``), and what a request builds on.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime

import polars as pl

from features.context import FeatureContext
from features.request import (
    RequestFrames,
    job_request,
    moment_of,
    person_row,
    polars_job_request,
)
from features.sources import read_snapshot
from features.training_frames import course_training_frame, job_training_frame
from matching.storage import make_engine, upgrade_database
from matching.synth.city import SCALES, build_city
from matching.synth.writer import write_frames

FRAME_BUDGET_S = 60.0
REQUEST_BUDGET_MS = 10.0


def demo_database(folder: str) -> str:
    url = f"sqlite:///{folder}/demo.db"
    engine = make_engine(url)
    upgrade_database(engine)
    write_frames(engine, build_city(7, SCALES["demo"], date(2026, 11, 1)).frames, lambda *_: None)
    engine.dispose()
    return url


def frames_seconds(url: str) -> float:
    started = time.perf_counter()
    context = FeatureContext.from_snapshot(read_snapshot(make_engine(url)))
    job_training_frame(context).collect()
    course_training_frame(context).collect()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or demo_database(folder)
        frames = [frames_seconds(url) for _ in range(args.runs)]
        print(
            "training frames (read DB + context + jobs + courses): "
            f"median {statistics.median(frames):.1f} s over {args.runs} runs; "
            f"/budget {statistics.median(frames) / FRAME_BUDGET_S:.2f}"
        )
        context = FeatureContext.from_snapshot(read_snapshot(make_engine(url)))
        seekers = context.persons.filter(pl.col("employment_status") == "seeking")["id"]
        people = seekers.sample(args.requests, seed=5).to_list()
        now = datetime(2026, 11, 1, tzinfo=UTC)
        served = RequestFrames(context)
        job_request(served, people[0], now)  # warm-up
        polars_job_request(served, people[0], now)
        times, polars_times, sizes = [], [], []
        for person in people:  # the two paths alternate, so that both see the same moments
            started = time.perf_counter()
            rows = job_request(served, person, now)
            times.append((time.perf_counter() - started) * 1000)
            sizes.append(rows.height)
            started = time.perf_counter()
            polars_job_request(served, person, now)
            polars_times.append((time.perf_counter() - started) * 1000)
        times.sort()
        median = statistics.median(times)
        print(
            f"one person's candidates + features: median {median:.1f} ms, p90 "
            f"{times[int(0.9 * len(times))]:.1f} ms, "
            f"p99 {times[int(0.99 * len(times)) - 1]:.1f} ms "
            f"over {len(times)} persons (mean {statistics.mean(sizes):.0f} candidates); "
            f"/budget {median / REQUEST_BUDGET_MS:.2f}"
        )
        polars_median = statistics.median(polars_times)
        print(
            f"  the same with the polars plans only (polars_job_request): median "
            f"{polars_median:.1f} ms; NumPy engine / polars {median / polars_median:.2f}"
        )
        print(pieces(served, people, now))


def pieces(served: RequestFrames, people: list[int], now: datetime) -> str:
    """What a request builds on: the day's frames and their arrays (``features.moment``, built
    once per snapshot and day; timed on frames of their own) and, for the polars path, the
    person's row taken from them (median)."""
    started = time.perf_counter()
    moment_of(RequestFrames(served.context), now)
    frames_ms = (time.perf_counter() - started) * 1000
    rows = []
    for person in people:
        started = time.perf_counter()
        person_row(served, person, now)
        rows.append((time.perf_counter() - started) * 1000)
    return (
        f"  the day's frames and arrays {frames_ms:.0f} ms once; "
        f"a person's row from them {statistics.median(rows):.2f} ms (median)"
    )


if __name__ == "__main__":
    main()
