"""Aggregation of repeated refusals, so anonymous traffic cannot grow ``audit_log`` per request.

Audit rows are append-only (triggers refuse UPDATE), so a count cannot be kept in a row. Instead,
for each key (action, client address, kind of refusal, username or none) the first refusal of
a minute is written as usual and the rest of that minute are only counted; once the minute is
over, the next refusal of any key writes one summary row per key with its count (and the app
writes the remaining summaries at shutdown). Keys beyond ``keys_per_window`` in one minute
(many addresses: a botnet, an IPv6 range) share one overflow key per action. So a flood adds at
most about ``2 × (keys_per_window + actions)`` rows a minute, whatever its rate.

In process memory like the login throttle (one service process); thread-safe; clock injectable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["OVERFLOW_ADDRESS", "RefusalKey", "RefusalLimiter", "Summary"]

OVERFLOW_ADDRESS = "*"  # the address of the shared key once a minute has too many keys


@dataclass(frozen=True, slots=True)
class RefusalKey:
    action: str
    address: str
    kind: str
    username: str | None


@dataclass(frozen=True, slots=True)
class Summary:
    """``count`` refusals of ``key`` not written one by one in the window from ``since``
    (seconds of the limiter's wall clock)."""

    key: RefusalKey
    count: int
    since: float


class RefusalLimiter:
    """Decides which refusals get their own audit row and which are summed up."""

    def __init__(
        self,
        *,
        window_seconds: float = 60.0,
        keys_per_window: int = 100,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.window_seconds, self.keys_per_window, self.clock = (
            window_seconds,
            keys_per_window,
            clock,
        )
        self._window_start = -float("inf")
        self._suppressed: dict[RefusalKey, int] = {}
        self._lock = threading.Lock()

    def admit(self, key: RefusalKey) -> tuple[RefusalKey | None, list[Summary]]:
        """The key to write a row for now (``None``: only counted) and the summaries of the
        previous window that are due."""
        with self._lock:
            now = self.clock()
            due: list[Summary] = []
            if now - self._window_start >= self.window_seconds:
                due = self._drain()
                self._window_start = now
            if key not in self._suppressed and len(self._suppressed) >= self.keys_per_window:
                key = RefusalKey(key.action, OVERFLOW_ADDRESS, "many", None)
            if key in self._suppressed:
                self._suppressed[key] += 1
                return None, due
            self._suppressed[key] = 0
            return key, due

    def flush(self) -> list[Summary]:
        """The summaries still pending (at shutdown)."""
        with self._lock:
            return self._drain()

    def _drain(self) -> list[Summary]:
        since = self._window_start
        due = [Summary(key, count, since) for key, count in self._suppressed.items() if count]
        self._suppressed = {}
        return due
