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
from pathlib import Path

import httpx
import polars as pl

from experiments.serving_latency_benchmark import (
    COUNSELOR,
    COUNTY,
    WARM_UP,
    free_port,
    password_of,
    server,
    timed,
)
from features.sources import read_snapshot
from matching.settings import Settings
from matching.storage import make_engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("var"))
    parser.add_argument("--a", type=Path, required=True, help="source tree served as A")
    parser.add_argument("--b", type=Path, required=True, help="source tree served as B")
    parser.add_argument("--env-b", action="append", default=[], help="NAME=VALUE for B only")
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    settings = Settings(data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    persons_table = read_snapshot(engine).persons
    engine.dispose()
    county = persons_table.filter(pl.col("county") == COUNTY)["id"].to_list()
    persons = random.Random(args.seed).sample(county, args.persons)
    extra_b = dict(item.split("=", 1) for item in args.env_b)
    bin_dir = Path(sys.executable).parent
    base = os.environ | {"JOBMATCH_DATA_DIR": str(data_dir)}
    login = {"username": COUNSELOR, "password": password_of(data_dir, COUNSELOR)}

    ports = {"A": free_port(), "B": free_port()}
    envs = {
        "A": base | {"PYTHONPATH": str(args.a.resolve())},
        "B": base | {"PYTHONPATH": str(args.b.resolve())} | extra_b,
    }
    urls = {side: f"http://127.0.0.1:{port}" for side, port in ports.items()}
    commands = {
        side: [str(bin_dir / "jobmatch"), "serve", "--port", str(port)]
        for side, port in ports.items()
    }
    with (
        server(commands["A"], envs["A"], f"{urls['A']}/api/health"),
        server(commands["B"], envs["B"], f"{urls['B']}/api/health"),
        httpx.Client(base_url=urls["A"]) as client_a,
        httpx.Client(base_url=urls["B"]) as client_b,
    ):
        clients = {"A": client_a, "B": client_b}
        for client in clients.values():
            token = client.post("/api/auth/token", data=login).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
        millis: dict[str, list[float]] = {"A": [], "B": []}
        for index in range(WARM_UP + args.pairs):
            url = f"/api/persons/{persons[index % len(persons)]}/recommendations/jobs?k=10"
            for side in ("A", "B") if index % 2 == 0 else ("B", "A"):
                elapsed = timed(clients[side].get, url)
                if index >= WARM_UP:
                    millis[side].append(elapsed)

    differences = [b - a for a, b in zip(millis["A"], millis["B"], strict=True)]
    faster = sum(difference < 0 for difference in differences) / len(differences)
    print(f"A {args.a}: p50 {statistics.median(millis['A']):.2f} ms")
    print(f"B {args.b} {' '.join(args.env_b)}: p50 {statistics.median(millis['B']):.2f} ms")
    print(
        f"{len(differences)} pairs: median B - A {statistics.median(differences):+.2f} ms, "
        f"B faster in {faster:.0%} of pairs"
    )


if __name__ == "__main__":
    main()
