"""Closed-loop load on top-10 jobs for one person: requests/s and latency at 1/4/16/64 clients,
alone, during a fair pre-match of 3,000 × 500 (in the request, or as a background job on Dask),
during the nightly batch as a background job, or during snapshot re-reads.

Usage (from the repository root, after `make run`'s steps up to `serve` have filled `var/`):

    .venv/bin/python experiments/load_benchmark.py --data-dir var [--tree /path/to/other/code]
        [--clients 1,4,16,64] [--seconds 20] [--scenario plain|prematch|snapshot] [--repeat 1]
        [--scenario plain,prematch-job,batch-job] [--batch-persons N]

Starts one `jobmatch serve` (as `make run` serves: one uvicorn process) with ``PYTHONPATH``
selecting the code tree to measure (``--tree``; default: this one), logs in as the demo
counselor, and for each client count runs that many closed-loop clients (asyncio + httpx, one
keep-alive connection each) for ``--seconds``: each sends
`GET /api/persons/{id}/recommendations/jobs?k=10` for a random person of 东昌府区 as soon as its
last answer came. A 503 with ``Retry-After`` makes that client wait as long as it says (a
well-behaved caller); ``--ignore-retry-after`` retries at once. Reports requests/s answered 200,
p50/p99 of those, the count of 503s and of anything else (errors), and the load average.

Scenarios:
- ``prematch``: a fair of 3,000 seeking persons × 500 open vacancies (created once in the
  database, named ``LOAD_FAIR``) is pre-matched back to back by the demo fair organiser
  (`POST /api/fairs/{id}/prematch`) for the whole window;
- ``prematch-job``: the same fair pre-matched back to back as a background job
  (`POST /api/fairs/{id}/prematch/jobs`, then `GET /api/jobs/{id}` every 0.5 s until it ends),
  on the server's LocalCluster (one worker process at nice +10, started by a warm-up job
  before the first level, which also has the worker read the city once; the batch's warm-up
  ranks one block);
- ``batch-job``: the nightly batch back to back as a background job by the demo admin
  (`POST /api/batch/jobs`), the night's part files removed before each run so that each ranks
  every block (``--batch-persons``: only the first N persons); a run still going when the
  scenario's last level ends is left to the server's shutdown, so put it last (a pre-match
  job still running then is waited for);
- several scenarios, comma-separated, run one after the other against one server, so their
  levels are measured side by side in one run;
- ``snapshot``: the server re-checks the database every 2 s and a person row is touched every
  2 s, so the feature snapshot is re-read again and again during the window.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, update

from matching.fair_plans import NewFair, create_fair
from matching.fair_plans.rules import ON_SITE_NEEDS
from matching.settings import Settings
from matching.storage import (
    Fair,
    FairCandidate,
    FairVacancy,
    Person,
    Vacancy,
    make_engine,
    make_sessionmaker,
)

COUNTY = "371502"
LOAD_FAIR = "负载测试招聘会"
ORGANISER = "demo_fair_organizer"
ADMIN = "demo_admin"
JOB_SCENARIOS = ("prematch-job", "batch-job")
SCENARIOS = ("plain", "prematch", "snapshot", *JOB_SCENARIOS)
sys.path.insert(0, str(Path(__file__).parent))
from serving_latency_benchmark import (  # noqa: E402
    cpu_probe_ms,
    free_port,
    log_in,
    password_of,
    server,
)


@dataclass
class Level:
    clients: int
    seconds: float
    ok: list[float] = field(default_factory=list)  # latency of 200s, ms
    shed: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    heavy_runs: list[float] = field(default_factory=list)
    server: str = ""  # server-side p50/p99 of the 200s, from the /metrics histogram
    client_cpu: float = 0.0  # CPU seconds this (client) process used in the window
    probe: list[float] = field(default_factory=list)  # GET /healthz every 0.1 s, ms
    server_cpu: float = 0.0  # CPU seconds the server process used in the window
    jobs_cpu: float = 0.0  # CPU seconds the server's child processes (Dask) used in the window

    def line(self, load: str) -> str:
        ordered = sorted(self.ok) or [float("nan")]
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        heavy = ""
        if self.heavy_runs:
            heavy = f" | {len(self.heavy_runs)} × {statistics.median(self.heavy_runs):.1f} s"
        if self.jobs_cpu:
            heavy += f", Dask processes {self.jobs_cpu / self.seconds:.2f} cores"
        return (
            f"| {self.clients} | {len(self.ok) / self.seconds:.1f} "
            f"| {statistics.median(ordered):.0f} | {p99:.0f} | {self.shed} "
            f"| {sum(self.errors.values())} {self.errors or ''} "
            f"| {self.server} | {_p99(self.probe):.0f} | {self.client_cpu / self.seconds:.0%} "
            f"| {1000 * self.server_cpu / max(1, len(self.ok)):.1f} "
            f"| {load}{heavy} |"
        )


ROUTE = 'route="/api/persons/{person_id}/recommendations/jobs",status="200"'


def buckets(http: httpx.Client) -> dict[float, float]:
    """Cumulative counts of the jobs route's 200s by upper bound (seconds), from /metrics."""
    found = {}
    for line in http.get("/metrics").text.splitlines():
        if line.startswith("jobmatch_http_request_duration_seconds_bucket") and ROUTE in line:
            bound = line.split('le="')[1].split('"')[0]
            found[float(bound)] = float(line.rsplit(" ", 1)[1])
    return found


def server_quantiles(before: dict[float, float], after: dict[float, float]) -> str:
    """The bucket bounds holding the median and the 99th percentile of the window's 200s."""
    counts = sorted((bound, after[bound] - before.get(bound, 0.0)) for bound in after)
    if not counts or counts[-1][1] == 0:
        return "-"
    total = counts[-1][1]
    p50 = next(bound for bound, n in counts if n >= 0.5 * total)
    p99 = next(bound for bound, n in counts if n >= 0.99 * total)
    return f"≤{p50 * 1000:.0f}/≤{p99 * 1000:.0f}"


def _p99(values: list[float]) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def probe_loop(port: int, level: Level, stop: threading.Event) -> None:
    """The event loop's responsiveness: GET /healthz (no thread pool, no admission) every
    0.1 s from a thread of its own, over ``http.client`` (little CPU on this side)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.wait(0.1):
        started = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        level.probe.append((time.perf_counter() - started) * 1000)
    connection.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, all its threads (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the LocalCluster's nanny and worker of a server)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def children_cpu(pid: int) -> float:
    total = 0.0
    for child in descendants(pid):
        try:
            total += cpu_seconds(child)
        except (OSError, ValueError, IndexError):
            continue
    return total


def load_average() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


async def closed_loop(
    api: str, token: str, persons: list[int], level: Level, honour_retry: bool
) -> None:
    """The clients are built before the clock starts: an ``httpx.AsyncClient`` costs tens of
    milliseconds of CPU to construct (its TLS context), and 64 of them built inside the window
    blocked this event loop for seconds, which the first requests' times then included."""
    rng = random.Random(level.clients)
    clients = [
        httpx.AsyncClient(base_url=api, headers={"Authorization": token}, timeout=60)
        for _ in range(level.clients)
    ]
    deadline = time.perf_counter() + level.seconds

    async def client(http: httpx.AsyncClient) -> None:
        async with http:
            while time.perf_counter() < deadline:
                person = rng.choice(persons)
                started = time.perf_counter()
                try:
                    answer = await http.get(f"/api/persons/{person}/recommendations/jobs?k=10")
                except httpx.HTTPError as error:
                    name = type(error).__name__
                    level.errors[name] = level.errors.get(name, 0) + 1
                    continue
                ended = time.perf_counter()
                if ended > deadline:
                    return
                if answer.status_code == 200:
                    level.ok.append((ended - started) * 1000)
                elif answer.status_code == 503 and "Retry-After" in answer.headers:
                    level.shed += 1
                    if honour_retry:
                        wait = float(answer.headers["Retry-After"])
                        await asyncio.sleep(min(wait, deadline - time.perf_counter()))
                else:
                    key = str(answer.status_code)
                    level.errors[key] = level.errors.get(key, 0) + 1

    await asyncio.gather(*(client(http) for http in clients))


def load_fair(settings: Settings) -> int:
    """The id of the 3,000 × 500 fair to pre-match, created on first use."""
    engine = make_engine(settings.resolved_database_url)
    sessions = make_sessionmaker(engine)
    held_on = datetime.now(UTC).date() + timedelta(days=7)
    with sessions.begin() as session:
        found = session.scalar(select(Fair.id).where(Fair.name == LOAD_FAIR))
        if found is not None:
            return int(found)
        rng = random.Random(7)
        seekers = session.scalars(
            select(Person.id).where(Person.employment_status == "seeking")
        ).all()
        open_ids = session.scalars(
            select(Vacancy.id).where(
                Vacancy.status == "open",
                (Vacancy.deadline.is_(None)) | (Vacancy.deadline >= held_on),
            )
        ).all()
        persons = rng.sample(sorted(seekers), 3000)
        vacancies = rng.sample(sorted(open_ids), 500)
        fair = create_fair(
            session,
            NewFair(LOAD_FAIR, held_on, "人力资源市场", COUNTY, ON_SITE_NEEDS),
            actor="load",
        )
        session.add_all(
            FairVacancy(fair_id=fair.id, vacancy_id=v, interview_capacity=8) for v in vacancies
        )
        session.add_all(
            FairCandidate(fair_id=fair.id, person_id=p, registered_on=date.today()) for p in persons
        )
        session.flush()
        return int(fair.id)


def token_of(http: httpx.Client, data_dir: Path, username: str) -> None:
    login = {"username": username, "password": password_of(data_dir, username)}
    token = http.post("/api/auth/token", data=login).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"


def job_once(
    http: httpx.Client,
    scenario: str,
    fair_id: int | None,
    data_dir: Path,
    stop: threading.Event | None = None,
    batch: dict[str, int] | None = None,
) -> float | None:
    """Submit one background job and poll it until it ends: seconds from submission to end
    (None: ``stop`` was set first; the job is left to run)."""
    started = time.perf_counter()
    if scenario == "prematch-job":
        answer = http.post(f"/api/fairs/{fair_id}/prematch/jobs", json={})
    else:
        night = data_dir / "batch" / f"{datetime.now(UTC):%Y-%m-%d}"
        for part in night.glob("part-*"):  # every run ranks every block
            part.unlink()
        answer = http.post("/api/batch/jobs", json=BATCH_BODY if batch is None else batch)
    if answer.status_code != 202:
        raise RuntimeError(f"{scenario} answered {answer.status_code}: {answer.text[:300]}")
    url = answer.json()["url"]
    while True:
        time.sleep(0.5)
        if stop is not None and stop.is_set():
            return None
        job = http.get(url).json()
        if job["status"] == "failed":
            raise RuntimeError(f"{scenario} failed: {job['message_zh']}")
        if job["status"] == "done":
            return time.perf_counter() - started


BATCH_BODY: dict[str, int] = {}


def heavy_loop(
    scenario: str,
    api: str,
    data_dir: Path,
    settings: Settings,
    fair_id: int | None,
    stop: threading.Event,
    level_of: list[Level],
) -> None:
    """Run the heavy job back to back until ``stop``; durations go to the current level."""
    if scenario == "prematch":
        with httpx.Client(base_url=api, timeout=300) as http:
            login = {"username": ORGANISER, "password": password_of(data_dir, ORGANISER)}
            token = http.post("/api/auth/token", data=login).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            while not stop.is_set():
                started = time.perf_counter()
                answer = http.post(
                    f"/api/fairs/{fair_id}/prematch", json={}, params={"page_size": 1}
                )
                if answer.status_code != 200:
                    print(f"pre-match answered {answer.status_code}: {answer.text[:300]}")
                    stop.wait(1)
                    continue
                level_of[-1].heavy_runs.append(time.perf_counter() - started)
    elif scenario in JOB_SCENARIOS:
        with httpx.Client(base_url=api, timeout=60) as http:
            token_of(http, data_dir, ORGANISER if scenario == "prematch-job" else ADMIN)
            while not stop.is_set():
                try:
                    # a pre-match still running at the end is waited for (it would load the
                    # next scenario); a batch (the last scenario) is left to the shutdown
                    late = stop if scenario == "batch-job" else None
                    took = job_once(http, scenario, fair_id, data_dir, late)
                except RuntimeError as error:
                    print(error)
                    stop.wait(1)
                    continue
                if took is not None:
                    level_of[-1].heavy_runs.append(took)
    elif scenario == "snapshot":
        engine = make_engine(settings.resolved_database_url)
        with engine.connect() as connection:
            person = connection.scalar(select(func.min(Person.id)))
        while not stop.wait(2.0):
            with engine.begin() as connection:
                connection.execute(
                    update(Person).where(Person.id == person).values(updated_at=datetime.now(UTC))
                )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("var"))
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--clients", default="1,4,16,64")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--scenario", default="plain", help=", ".join(SCENARIOS) + "; a list")
    parser.add_argument("--batch-persons", type=int, default=0, help="0: all")
    parser.add_argument("--ignore-retry-after", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    scenarios = args.scenario.split(",")
    if not set(scenarios) <= set(SCENARIOS):
        parser.error(f"--scenario: choose from {', '.join(SCENARIOS)}")
    if args.batch_persons:
        BATCH_BODY["persons"] = args.batch_persons
    data_dir = args.data_dir.resolve()
    settings = Settings(data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as connection:
        county = connection.scalars(select(Person.id).where(Person.county == COUNTY)).all()
    persons = random.Random(1).sample(sorted(county), 500)
    wants_fair = {"prematch", "prematch-job"} & set(scenarios)
    fair_id = load_fair(settings) if wants_fair else None
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "JOBMATCH_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(args.tree.resolve()),
    }
    if "snapshot" in scenarios:
        env["JOBMATCH_SNAPSHOT_REFRESH_SECONDS"] = "2"
    command = [str(Path(sys.executable).parent / "jobmatch"), "serve", "--port", str(port)]
    commit = subprocess.run(
        ["git", "-C", str(args.tree), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(
        f"tree {args.tree} ({commit or 'no git'}), scenario {args.scenario}, "
        f"{os.cpu_count()} cores, CPU probe {cpu_probe_ms():.0f} ms, load {load_average()}"
    )
    with server(command, env, f"{api}/api/health"), httpx.Client(base_url=api) as http:
        pid = int(
            subprocess.run(
                ["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True
            ).stdout.split()[0]
        )
        log_in(http, data_dir)
        token = http.headers["Authorization"]
        for person in persons[:30]:
            http.get(f"/api/persons/{person}/recommendations/jobs?k=10")
        print(f"server RSS after warm-up: {rss_mb(pid):.0f} MB")
        for scenario in scenarios:
            measure(scenario, args, api, port, pid, http, token, persons, settings, fair_id)
        print(f"server RSS at the end: {rss_mb(pid):.0f} MB")
        shed = http.get("/metrics").text
        print(
            "\n".join(
                line for line in shed.splitlines() if "shed" in line and not line.startswith("#")
            )
        )


def measure(
    scenario: str,
    args: argparse.Namespace,
    api: str,
    port: int,
    pid: int,
    http: httpx.Client,
    token: str,
    persons: list[int],
    settings: Settings,
    fair_id: int | None,
) -> None:
    """Every client level of one scenario, its heavy work running back to back meanwhile."""
    data_dir = settings.data_dir
    print(f"\nscenario {scenario}, load {load_average()}")
    if scenario in JOB_SCENARIOS:  # start the cluster and have its worker read the city
        with httpx.Client(base_url=api, timeout=60) as warm:
            token_of(warm, data_dir, ORGANISER if scenario == "prematch-job" else ADMIN)
            small = {"persons": 250}  # the batch's warm-up: one block
            took = job_once(warm, scenario, fair_id, data_dir, batch=small)
            print(f"warm-up {scenario}: {took or 0:.1f} s")
    print(
        "| clients | requests/s (200) | p50 ms | p99 ms | 503 | other errors "
        "| server p50/p99 ms | /healthz p99 ms | client CPU | server CPU ms per 200 "
        "| load 1/5/15 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    levels: list[Level] = []
    stop = threading.Event()
    heavy = None
    for _ in range(args.repeat):
        for clients in (int(c) for c in args.clients.split(",")):
            levels.append(Level(clients, args.seconds))
            if heavy is None and scenario != "plain":
                heavy = threading.Thread(
                    target=heavy_loop,
                    args=(scenario, api, data_dir, settings, fair_id, stop, levels),
                    daemon=True,
                )
                heavy.start()
                time.sleep(2)
            before, cpu = buckets(http), time.process_time()
            served_cpu, jobs_cpu = cpu_seconds(pid), children_cpu(pid)
            probe_stop = threading.Event()
            probe = threading.Thread(target=probe_loop, args=(port, levels[-1], probe_stop))
            probe.start()
            asyncio.run(closed_loop(api, token, persons, levels[-1], not args.ignore_retry_after))
            probe_stop.set()
            probe.join()
            levels[-1].client_cpu = time.process_time() - cpu
            levels[-1].server_cpu = cpu_seconds(pid) - served_cpu
            levels[-1].jobs_cpu = children_cpu(pid) - jobs_cpu
            levels[-1].server = server_quantiles(before, buckets(http))
            print(levels[-1].line(load_average()), flush=True)
    stop.set()
    if heavy is not None:
        heavy.join(timeout=600)


if __name__ == "__main__":
    main()
