"""Read the feature snapshot in a short-lived process of its own, for background refreshes.

Turning the database's rows into frames is Python work that holds the interpreter lock for
seconds on the demo city; in the serving process it stalls every request, whatever its thread's
priority (experiments/load.md, "snapshot re-reads"). A background refresh therefore reads in a
spawned child (spawn, not fork: LightGBM must not run in a forked copy of a process that has
used it) at low priority and receives the frames pickled (polars sends them as Arrow IPC), which
the parent unpickles without holding the lock long. The child exits after each read, so the
service keeps no second copy of the imports in memory between refreshes. The first read at
start-up and a read a request waits for stay in process: nothing is served yet, or the request
waits for the read either way.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from features.sources import Snapshot, read_snapshot
from matching.storage import make_engine

CHILD_NICENESS = 10


def _read(url: str) -> tuple[int, Snapshot]:
    """In the child: the snapshot, and the process that read it."""
    os.nice(CHILD_NICENESS)
    engine = make_engine(url)
    try:
        return os.getpid(), read_snapshot(engine)
    finally:
        engine.dispose()


def read_snapshot_elsewhere(url: str) -> tuple[int, Snapshot]:
    """``read_snapshot`` of the database at ``url``, done in a spawned child process: the
    child's process id and the snapshot."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_read, url).result()
