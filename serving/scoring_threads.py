"""How the process's CPU is shared: how many threads LightGBM may use to score one request (two
when no other request is scoring in this process, one otherwise), and heavy jobs (a fair
pre-match, snapshot re-reads) run in threads of lower priority, scoring on one thread.

One person's few hundred candidate rows score about twice as fast on two threads as on one. But
when requests run side by side (the server's thread pool), OpenMP threads fighting over the 2
cores spin-wait and a list takes several times longer. So a
request takes the second core only while it is the only one scoring; counting is in-process, so
other processes' load is not seen (experiments/serving.md has the figures).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

log = logging.getLogger(__name__)
ALONE_THREADS = 2
HEAVY_THREADS = 1  # LightGBM threads of a heavy job: the other core stays free for requests
HEAVY_NICENESS = 10  # added to a heavy job's thread (Linux: per thread; inherited by its helpers)
T = TypeVar("T")


class ScoringThreads:
    """Counts the requests scoring now; ``slot`` says how many threads the caller may use."""

    def __init__(self, alone: int = ALONE_THREADS) -> None:
        self._alone = alone
        self._lock = threading.Lock()
        self._active = 0

    @contextmanager
    def slot(self) -> Iterator[dict[str, Any]]:
        """LightGBM ``predict`` keyword arguments for the duration of the block."""
        with self._lock:
            self._active += 1
            alone = self._active == 1
        try:
            yield {"num_threads": self._alone if alone else 1}
        finally:
            with self._lock:
                self._active -= 1


SCORING_THREADS = ScoringThreads()

CONTRIBUTIONS = threading.Lock()
"""Held while a request computes feature contributions on the served booster: LightGBM's
``pred_contrib`` is not thread-safe on one Booster (concurrent calls corrupt the heap, LightGBM
issue #5482; seen here as a segfault in lib_lightgbm.so under load during a fair pre-match). A
request's are ten rows; a heavy job takes a Booster of its own (``serving.models.own_copy``)."""


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
