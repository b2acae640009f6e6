"""How the process's CPU is shared: every LightGBM call of the service uses one thread, a
request's contributions are computed under one lock, and heavy jobs (a fair pre-match, snapshot
re-reads) run in threads of lower priority.

One thread, always: LightGBM keeps the thread count of its latest call in process-wide state
and sizes per-thread buffers from it, so two calls with different counts from two threads can
write past each other's buffers; with requests on two threads while alone and a pre-match on
one, the server died with a segfault in lib_lightgbm.so under load (experiments/load.md). A
request's rows are few, so the second thread bought little; requests side by side use both
cores anyway (at most ``JOBMATCH_ADMISSION_LIMIT`` at once).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)
LIGHTGBM_THREADS = 1  # every call: the count is process-wide state in LightGBM (see above)
HEAVY_NICENESS = 10  # added to a heavy job's thread (Linux: per thread; inherited by its helpers)
T = TypeVar("T")


CONTRIBUTIONS = threading.Lock()
"""Held while a request computes feature contributions on the served booster: LightGBM's
``pred_contrib`` is not thread-safe on one Booster (concurrent calls corrupt the heap, LightGBM
issue #5482; seen here as a segfault in lib_lightgbm.so under load during a fair pre-match). A
request's are ten rows; a heavy job takes a Booster of its own
(``serving.runtime.models.own_copy``)."""


def lower_this_thread(niceness: int = HEAVY_NICENESS) -> None:
    """Make the calling thread (and threads it starts later, such as LightGBM's OpenMP team)
    yield the CPU to request threads. Linux applies ``setpriority`` to one thread when given its
    id; an unprivileged process cannot undo it, so only threads that end with their job (or
    live for it) call this. Where it is not supported, nothing changes."""
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), current + niceness)
    except (AttributeError, OSError) as error:
        log.debug("thread priority unchanged (%s)", type(error).__name__)


def at_low_priority(work: Callable[[], T], name: str = "heavy-job") -> T:
    """Run ``work`` in a new thread of lower priority, wait for it and return its result (or
    raise its error). The caller's thread (a server pool thread) keeps its priority."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        lower_this_thread()
        try:
            outcome.append(work())
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]
