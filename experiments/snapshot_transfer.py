"""Where to build the serving snapshot of a rebuild run off the app process: what the app pays
to take in (a) the rows read elsewhere (pickled ``Snapshot`` frames), then build the features
and the serving snapshot itself, as the background refresh does today, against (b) a whole
``ServingSnapshot`` built elsewhere and pickled.

Usage (from the repository root, a demo city in ``var/``):

    .venv/bin/python experiments/snapshot_transfer.py --data-dir var [--repeat 3]

Prints, per repeat: the read, the pickle sizes, and the app's side of each way (unpickling, and
for (a) the build), as wall and CPU seconds of this process. ``ServingSnapshot`` and the request
frames hold locks, which pickle refuses: for (b) this script pickles a lock as a new lock (a
real implementation would give both classes ``__getstate__``), so the figure is what (b) would
cost, not code the service has.
"""

from __future__ import annotations

import argparse
import copyreg
import pickle
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from features.context import FeatureContext
from features.sources import read_snapshot
from matching.settings import Settings
from matching.storage import make_engine
from serving.runtime.snapshot import ServingSnapshot

T = TypeVar("T")
copyreg.pickle(type(threading.Lock()), lambda _lock: (threading.Lock, ()))


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def take_rows(sent: bytes, now: datetime) -> ServingSnapshot:
    """The app's side of (a): the rows in, the features and the serving snapshot built."""
    return ServingSnapshot.of(FeatureContext.from_snapshot(pickle.loads(sent)), now)


def one_round(engine: Engine) -> dict[str, float]:
    tables, read, _cpu = timed(lambda: read_snapshot(engine))
    sent = pickle.dumps(tables, protocol=5)
    built, a_wall, a_cpu = timed(partial(take_rows, sent, datetime.now(UTC)))
    whole, b_pickle, _cpu = timed(partial(pickle.dumps, built, protocol=5))
    _copy, b_wall, b_cpu = timed(partial(pickle.loads, whole))
    return {
        "read rows (worker side), s": read,
        "(a) pickled rows, MB": len(sent) / 2**20,
        "(a) app: unpickle rows + build, wall s": a_wall,
        "(a) app: unpickle rows + build, CPU s": a_cpu,
        "(b) pickle whole snapshot (worker side), s": b_pickle,
        "(b) pickled snapshot, MB": len(whole) / 2**20,
        "(b) app: unpickle whole snapshot, wall s": b_wall,
        "(b) app: unpickle whole snapshot, CPU s": b_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("var"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir.resolve())
    engine = make_engine(settings.resolved_database_url)
    rows: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for name, value in one_round(engine).items():
            rows.setdefault(name, []).append(value)
    engine.dispose()
    print(f"{args.repeat} repeats; medians (min–max)")
    for name, values in rows.items():
        low, high = min(values), max(values)
        print(f"| {name} | {statistics.median(values):.2f} ({low:.2f}–{high:.2f}) |")


if __name__ == "__main__":
    main()
