"""Time `jobmatch synth --scale demo` end to end (generation and SQLite writes) on this machine.

Usage: .venv/bin/python experiments/synth_benchmark.py [--runs 3]
Budget (issue 3): the demo city in ≤ 60 s on 2 cores. Prints one line per run and the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 60.0


def one_run(seed: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        env = os.environ | {"JOBMATCH_DATA_DIR": folder, "JOBMATCH_DATABASE_URL": ""}
        command = [str(Path(sys.executable).parent / "jobmatch"), "synth", "--seed", str(seed),
                   "--scale", "demo", "--as-of", "2026-11-01"]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for run in range(args.runs):
        seconds = one_run(seed=7 + run)
        times.append(seconds)
        print(f"run {run + 1}: {seconds:.1f} s")
    median = statistics.median(times)
    print(f"median {median:.1f} s, max {max(times):.1f} s; budget {BUDGET_SECONDS:.0f} s "
          f"(median/budget = {median / BUDGET_SECONDS:.2f})")  # fmt: skip
    if max(times) > BUDGET_SECONDS:
        raise SystemExit("over budget")


if __name__ == "__main__":
    main()
