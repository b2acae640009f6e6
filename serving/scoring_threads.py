"""How many threads LightGBM may use to score one request: two when no other request is scoring
in this process, one otherwise.

One person's few hundred candidate rows score in about 4.4 ms on one thread and half that on two.
But when requests run side by side (the server's thread pool), OpenMP threads fighting over the
2 cores spin-wait: an earlier measurement on a busy machine found 12 ms against 2 ms a list. So a
request takes the second core only while it is the only one scoring; counting is in-process, so
other processes' load is not seen (experiments/serving.md has the figures).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ALONE_THREADS = 2


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
