"""The nightly batch at several city sizes: wall time, per-person cost and workers' memory.

Usage: .venv/bin/python -m experiments.batch_benchmark --data-dir <city> [--data-dir <city> ...]
       --tracking-uri sqlite:///<dir>/mlflow.db [--engine dask|local] [--at 2026-12-04T02:00:00]

Each data dir holds one city (`jobmatch synth --scale city --persons N`); the champions come from
``--tracking-uri`` (one store for every size, so every size is ranked by the same models). For
each city the whole night is ranked into a fresh folder, as `jobmatch batch recommend` does, on a
LocalCluster of two worker processes (or one process with ``--engine local``), while a thread
samples the workers' resident memory every second. Prints one line per city and a least-squares
line seconds = a + b · persons through the sizes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from features.sources import read_table
from matching.storage import make_engine
from serving.batch.blocks import person_blocks
from serving.batch.night import BLOCK_SIZE
from serving.batch.ranking import BatchSource
from serving.batch.run import LOCAL_WORKERS, run_night


def _rss() -> int:
    """This process's resident memory in bytes (Linux: /proc/self/statm, in pages)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def one_city(data_dir: Path, tracking_uri: str, engine: str, at: datetime) -> dict[str, Any]:
    url = f"sqlite:///{data_dir / 'jobmatch.db'}"
    database = make_engine(url)
    with database.connect() as connection:
        persons = read_table(connection, "persons").select("id", "county")
    database.dispose()
    blocks = person_blocks(persons, BLOCK_SIZE)
    source = BatchSource(url, tracking_uri, str(data_dir), at)
    out = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    peak = {"rss": 0}
    started = time.perf_counter()
    try:
        if engine == "local":
            run_night(source, blocks, out)
            peak["rss"] = _rss()
        else:
            dask: Any = importlib.import_module("distributed")
            cluster = dask.LocalCluster(
                n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True
            )
            client = dask.Client(cluster)
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(1.0):
                    try:
                        sizes = client.run(_rss).values()
                    except Exception:  # a worker restarting: skip this sample
                        continue
                    peak["rss"] = max(peak["rss"], *sizes)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            try:
                run_night(source, blocks, out, engine="dask", scheduler=cluster.scheduler_address)
            finally:
                stop.set()
                sampler.join()
                client.close()
                cluster.close()
    finally:
        seconds = time.perf_counter() - started
        shutil.rmtree(out, ignore_errors=True)
    return {
        "persons": persons.height,
        "blocks": len(blocks),
        "seconds": seconds,
        "ms_per_person": 1000 * seconds / max(persons.height, 1),
        "peak_worker_rss_mb": peak["rss"] / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, action="append", required=True)
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--engine", choices=("dask", "local"), default="dask")
    parser.add_argument("--at", default="2026-12-04T02:00:00")
    args = parser.parse_args()
    at = datetime.fromisoformat(args.at).replace(tzinfo=UTC)
    os.environ["JOBMATCH_MLFLOW_TRACKING_URI"] = args.tracking_uri
    rows = []
    for data_dir in args.data_dir:
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        row = one_city(data_dir, args.tracking_uri, args.engine, at)
        rows.append(row)
        print(
            f"{data_dir}: {row['persons']} persons, {row['blocks']} blocks, "
            f"{row['seconds']:.0f} s ({row['ms_per_person']:.1f} ms a person), peak worker RSS "
            f"{row['peak_worker_rss_mb']:.0f} MB, load average before {load}",
            flush=True,
        )
    if len(rows) >= 2:
        xs = [float(r["persons"]) for r in rows]
        ys = [float(r["seconds"]) for r in rows]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mean_x) ** 2 for x in xs
        )
        intercept = mean_y - slope * mean_x
        print(f"fit: seconds = {intercept:.1f} + {slope * 1000:.3f} ms × persons")


if __name__ == "__main__":
    main()
