"""Latency of the person's recommendations page against the API routes it shows, in one run.

Usage: .venv/bin/python experiments/pages_benchmark.py --data-dir var [--persons 200] [--seed 1]

Needs what `make run` leaves in `var/` (the demo city, the demo users, the jobs and courses
champions), as experiments/serving_latency_benchmark.py does, whose set-up this reuses: one
`jobmatch serve` process on a free port, the demo counselor logged in twice (the pages' session
cookie, the API's bearer token). For each sampled person of the counselor's county, back to back
and in an alternating order:
- page: `GET /persons/{id}/recommendations` — top-10 jobs and top-5 courses with reasons,
  rendered as HTML;
- API: `GET /api/persons/{id}/recommendations/jobs?k=10` and `.../courses?k=5` — the same two
  answers as JSON (timed separately and summed per person).
Budget (issue 18): the page p50 ≤ 40 ms server time. Times are measured by the client over
localhost keep-alive connections, so they include the server's whole handling (an upper bound of
its server time). Prints medians, p99 and the ratio page / (jobs + courses).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from pathlib import Path

import httpx
import polars as pl
from sqlalchemy import select

from matching.settings import Settings
from matching.storage import Person, make_engine

sys.path.insert(0, str(Path(__file__).parent))
from serving_latency_benchmark import (
    COUNSELOR,
    COUNTY,
    WARM_UP,
    free_port,
    jobmatch_serve,
    log_in,
    machine,
    password_of,
    server,
    summary,
    timed,
)

P50_BUDGET_MS = 40.0


def page_log_in(client: httpx.Client, data_dir: Path) -> None:
    """The pages' login form (its CSRF value from the form), leaving the session cookie."""
    form = client.get("/login").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if found is None:
        raise SystemExit("no CSRF field on /login")
    login = {
        "username": COUNSELOR,
        "password": password_of(data_dir, COUNSELOR),
        "csrf_token": found.group(1),
    }
    answer = client.post("/login", data=login)
    if answer.status_code != 303:
        raise SystemExit(f"page login failed: {answer.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("var"))
    parser.add_argument("--persons", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    settings = Settings(data_dir=data_dir)
    bin_dir = Path(sys.executable).parent
    env = os.environ | {
        "JOBMATCH_DATA_DIR": str(data_dir),
        "MLFLOW_TRACKING_URI": settings.resolved_mlflow_tracking_uri,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as connection:
        ids = pl.Series(connection.scalars(select(Person.id).where(Person.county == COUNTY)).all())
    engine.dispose()
    persons = random.Random(args.seed).sample(ids.to_list(), min(args.persons, ids.len()))
    print(f"{len(persons)} persons of {COUNTY}")
    print(f"before: {machine()}")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (
        server(jobmatch_serve(bin_dir, port), env, f"{base}/api/health"),
        httpx.Client(base_url=base) as api,
        httpx.Client(base_url=base, follow_redirects=False) as pages,
    ):
        log_in(api, data_dir)
        page_log_in(pages, data_dir)

        def page_call(person: int) -> float:
            return timed(pages.get, f"/persons/{person}/recommendations")

        def api_call(person: int) -> float:
            jobs = timed(api.get, f"/api/persons/{person}/recommendations/jobs?k=10")
            return jobs + timed(api.get, f"/api/persons/{person}/recommendations/courses?k=5")

        for person in persons[:WARM_UP]:
            page_call(person)
            api_call(person)
        page_ms: list[float] = []
        api_ms: list[float] = []
        for index, person in enumerate(persons):
            if index % 2 == 0:
                page_ms.append(page_call(person))
                api_ms.append(api_call(person))
            else:
                api_ms.append(api_call(person))
                page_ms.append(page_call(person))
    print(f"after: {machine()}")
    page, both = summary("page", page_ms), summary("API j+c", api_ms)
    print(
        f"ratio page/API: p50 {page['p50'] / both['p50']:.2f}, p99 {page['p99'] / both['p99']:.2f}"
    )
    met = "met" if page["p50"] <= P50_BUDGET_MS else "NOT met"
    print(f"budget: page p50 {page['p50']:.1f}/{P50_BUDGET_MS:.0f} ms ({met})")


if __name__ == "__main__":
    main()
