"""Side by side: batch blocks ranked with LightGBM's scoring and with the compiled trees.

    .venv/bin/python -m experiments.batch_forest --data-dir /tmp/scale/p100000 \\
        --tracking-uri sqlite:////tmp/cities/s7/mlflow.db [--blocks 3,100,200,300]

One process reads the city and the champions once (``night_state``, which compiles the trees),
then ranks each chosen block of 250 persons twice, alternating: with the forests removed
(LightGBM scores) and with them; the two lists must be equal. Prints ms a person of each, their
medians and the ratio (results in experiments/batch.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from features.sources import read_table
from matching.storage import make_engine
from serving.batch import ranking
from serving.batch.blocks import person_blocks
from serving.batch.ranking import BatchSource, night_state, rank_block

BLOCK_SIZE = 250


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--blocks", default="3,100,200,300")
    parser.add_argument("--at", default="2026-12-04T02:00:00")
    args = parser.parse_args()
    os.environ["JOBMATCH_MLFLOW_TRACKING_URI"] = args.tracking_uri
    url = f"sqlite:///{args.data_dir / 'jobmatch.db'}"
    with make_engine(url).connect() as connection:
        persons = read_table(connection, "persons").select("id", "county")
    blocks = person_blocks(persons, BLOCK_SIZE)
    at = datetime.fromisoformat(args.at).replace(tzinfo=UTC)
    source = BatchSource(url, args.tracking_uri, str(args.data_dir), at)
    started = time.perf_counter()
    compiled = night_state(source)
    print(f"state read and trees compiled in {time.perf_counter() - started:.1f} s", flush=True)
    if compiled.jobs.forest is None or compiled.courses.forest is None:
        raise SystemExit("a champion's trees were not compiled (see the log)")
    plain = replace(
        compiled,
        jobs=replace(compiled.jobs, forest=None),
        courses=replace(compiled.courses, forest=None),
    )
    chosen = [blocks[int(index)] for index in args.blocks.split(",")]
    rank_block(source, chosen[0])  # warm-up
    ms: dict[str, list[float]] = {"lightgbm": [], "compiled": []}
    for block in chosen:
        lists = {}
        for name, state in (("lightgbm", plain), ("compiled", compiled)):
            ranking._STATES[source] = state  # the state this process ranks the night with
            begun = time.perf_counter()
            lists[name] = rank_block(source, block)
            ms[name].append(1000 * (time.perf_counter() - begun) / len(block.person_ids))
        if not lists["lightgbm"].equals(lists["compiled"]):
            raise SystemExit(f"block {block.index}: the lists differ")
        print(f"block {block.index}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in ms.items()))
    medians = {name: statistics.median(values) for name, values in ms.items()}
    print(
        f"medians (ms a person): lightgbm {medians['lightgbm']:.2f}, compiled "
        f"{medians['compiled']:.2f}, ratio {medians['lightgbm'] / medians['compiled']:.2f}; "
        f"load average {' '.join(f'{value:.1f}' for value in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
