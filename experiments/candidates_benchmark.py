"""Candidates for a vacancy on a large city: a county's seekers scored against random vacancies.

    .venv/bin/python -m experiments.candidates_benchmark --data-dir /tmp/scale/p100000 \\
        --tracking-uri sqlite:////tmp/cities/s7/mlflow.db [--vacancies 20] [--k 20]

Reads the city and the champions once, then times ``vacancy_candidates`` (what
``GET /api/vacancies/{id}/candidates`` computes, with the served LightGBM model) for the seekers
of the county with the most, against randomly chosen vacancies (seed 3). Results in
experiments/batch.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from serving.batch.ranking import BatchSource, serving_state
from serving.services.seeker_pairs import seekers
from serving.services.vacancy_candidates import vacancy_candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--vacancies", type=int, default=20)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--at", default="2026-12-04T02:00:00")
    args = parser.parse_args()
    os.environ["JOBMATCH_MLFLOW_TRACKING_URI"] = args.tracking_uri
    at = datetime.fromisoformat(args.at).replace(tzinfo=UTC)
    url = f"sqlite:///{args.data_dir / 'jobmatch.db'}"
    state = serving_state(BatchSource(url, args.tracking_uri, str(args.data_dir), at))
    snapshot, holder = state.snapshot, state.jobs
    assert snapshot is not None and holder is not None
    seeking = seekers(snapshot.context.persons)
    county = seeking.group_by("county").len().sort("len")[-1, "county"]
    ids = seeking.filter(pl.col("county") == county)["id"].to_list()
    random.seed(3)
    chosen = random.sample(sorted(snapshot.lookups.vacancies), args.vacancies)
    times = []
    for vacancy_id in chosen:
        begun = time.perf_counter()
        found = vacancy_candidates(snapshot, holder.loaded, vacancy_id, ids, at, args.k)
        times.append(1000 * (time.perf_counter() - begun))
        print(f"vacancy {vacancy_id}: {times[-1]:.0f} ms, {found.eligible} eligible", flush=True)
    print(
        f"county {county}: {len(ids)} seekers; median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms over {len(times)} vacancies"
    )


if __name__ == "__main__":
    main()
