"""Two versions of the code over HTTP, side by side: which one answers top-10 jobs faster.

Usage: .venv/bin/python -m experiments.serving_paired --data-dir var --a SRC_A --b SRC_B
       [--env-b NAME=VALUE ...] [--persons 300] [--pairs 600]

SRC_A and SRC_B are source trees of jobmatch (a checkout or a `git worktree`); each is served by
`jobmatch serve` with that tree first on PYTHONPATH, both at once, on one city (what `make run`
leaves in `var/`). Each person's request then goes to both servers back to back, which one first
alternating, so both see the same moments of a machine whose speed drifts by tens of percent
within an hour; single benchmark runs differ by ± 3–5 ms from one another, which hides most
changes worth making. Prints both medians, the median of the per-pair differences (B − A) and
the share of pairs where B was faster. Run it twice with A and B swapped before believing a
difference under 1 ms. `--env-b` sets environment variables for B's server only (to try a
setting with the same code on both sides).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from functools import partial
from pathlib import Path

import httpx
from sqlalchemy import select

from experiments.serving_latency_benchmark import (
    COUNTY,
    WARM_UP,
    alternating,
    free_port,
    jobmatch_serve,
    log_in,
    server,
    timed,
)
from matching.settings import Settings
from matching.storage import Person, make_engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("var"))
    parser.add_argument("--a", type=Path, required=True, help="source tree served as A")
    parser.add_argument("--b", type=Path, required=True, help="source tree served as B")
    parser.add_argument(
        "--env-b", action="append", default=[], type=setting, help="NAME=VALUE for B only"
    )
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    persons = random.Random(args.seed).sample(county_persons(data_dir), args.persons)
    base = os.environ | {"JOBMATCH_DATA_DIR": str(data_dir)}
    envs = {
        "A": base | {"PYTHONPATH": str(args.a.resolve())},
        "B": base | {"PYTHONPATH": str(args.b.resolve())} | dict(args.env_b),
    }
    bin_dir = Path(sys.executable).parent
    ports = {"A": free_port(), "B": free_port()}
    urls = {side: f"http://127.0.0.1:{port}" for side, port in ports.items()}
    with (
        server(jobmatch_serve(bin_dir, ports["A"]), envs["A"], f"{urls['A']}/api/health"),
        server(jobmatch_serve(bin_dir, ports["B"]), envs["B"], f"{urls['B']}/api/health"),
        httpx.Client(base_url=urls["A"]) as client_a,
        httpx.Client(base_url=urls["B"]) as client_b,
    ):
        log_in(client_a, data_dir)
        log_in(client_b, data_dir)
        urls_by_pair = [
            f"/api/persons/{persons[index % len(persons)]}/recommendations/jobs?k=10"
            for index in range(WARM_UP + args.pairs)
        ]
        pairs = [
            (partial(timed, client_a.get, url), partial(timed, client_b.get, url))
            for url in urls_by_pair
        ]
        alternating(pairs[:WARM_UP])
        millis_a, millis_b = alternating(pairs[WARM_UP:])

    differences = [b - a for a, b in zip(millis_a, millis_b, strict=True)]
    faster = sum(difference < 0 for difference in differences) / len(differences)
    print(f"A {args.a}: p50 {statistics.median(millis_a):.2f} ms")
    settings = " ".join(f"{name}={value}" for name, value in args.env_b)
    print(f"B {args.b} {settings}: p50 {statistics.median(millis_b):.2f} ms")
    print(
        f"{len(differences)} pairs: median B - A {statistics.median(differences):+.2f} ms, "
        f"B faster in {faster:.0%} of pairs"
    )


def setting(text: str) -> tuple[str, str]:
    """``--env-b NAME=VALUE`` as (NAME, VALUE)."""
    name, equals, value = text.partition("=")
    if not name or not equals:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def county_persons(data_dir: Path) -> list[int]:
    """Ids of the benchmark county's persons, in id order (the ids alone, not a snapshot)."""
    engine = make_engine(Settings(data_dir=data_dir).resolved_database_url)
    try:
        with engine.connect() as connection:
            query = select(Person.id).where(Person.county == COUNTY).order_by(Person.id)
            return list(connection.scalars(query))
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
