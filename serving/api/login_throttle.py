"""Login throttling: exponential back-off per username and per client address.

Without it a password can be guessed as fast as argon2 verifies one (experiments/serving.md). Two
keys count failed logins:

- the **username** (normalised: stripped, case-folded): after ``user_failures`` failures in a
  row it is blocked for ``backoff``, then 2×, 4× … up to ``user_max_block`` (15 min by default:
  short, so an attacker cannot lock a real counselor out for long). A successful login resets it.
- the **client address**: after ``address_failures`` failures (whatever the usernames: password
  spraying) it is blocked likewise up to ``address_max_block``. A success does not reset it (one
  valid account must not launder a spray); it is forgotten after ``memory`` without failures.

An address where a username has logged in successfully is *known* for that username: there the
username is counted under its own (username, address) key instead of the shared username key,
so failures from elsewhere do not block the counselor at her usual desk, while guesses at that
address are still throttled by the same rule.

Every admitted attempt is counted as a failure *before* the password is checked and taken back
on success, so a burst of parallel guesses cannot all slip in before the first one fails; a
blocked attempt is refused before the hash is verified, so it costs almost nothing.

The state is in process memory: the service runs as one process (``jobmatch serve``); a restart
forgets it, and several processes would each count on their own. Memory is bounded: at most
``max_keys`` entries per kind, the least recently used dropped first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from matching.settings import Settings

__all__ = ["BackoffRule", "LoginThrottle", "normalise_username"]


@dataclass(frozen=True, slots=True)
class BackoffRule:
    """After ``failures`` failures, block ``base`` seconds, doubling per failure up to ``cap``."""

    failures: int
    base: float
    cap: float

    def block_seconds(self, failures: int) -> float:
        if failures < self.failures:
            return 0.0
        return min(self.cap, self.base * 2.0 ** min(failures - self.failures, 64))


@dataclass(slots=True)
class _Count:
    failures: int
    last: float  # clock time of the latest counted attempt


class _Counts:
    """Failure counts by key, least recently used first, at most ``limit`` of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[Hashable, _Count] = OrderedDict()

    def get(self, key: Hashable, now: float, memory: float) -> _Count | None:
        count = self.items.get(key)
        if count is not None and now - count.last > memory:
            del self.items[key]
            return None
        return count

    def add(self, key: Hashable, now: float, memory: float) -> None:
        count = self.get(key, now, memory)
        if count is None:
            self.items[key] = _Count(1, now)
            if len(self.items) > self.limit:
                self.items.popitem(last=False)
        else:
            count.failures += 1
            count.last = now
            self.items.move_to_end(key)

    def take_back(self, key: Hashable) -> None:
        count = self.items.get(key)
        if count is not None:
            count.failures = max(0, count.failures - 1)


class LoginThrottle:
    """Decides whether a login attempt may be checked; thread-safe, clock injectable."""

    def __init__(
        self,
        *,
        user: BackoffRule,
        address: BackoffRule,
        memory: float,
        max_keys: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user, self.address, self.memory, self.clock = user, address, memory, clock
        self._users = _Counts(max_keys)  # keys: username, or (username, address) when known
        self._addresses = _Counts(max_keys)
        self._known: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._max_keys = max_keys
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, clock: Callable[[], float] = time.monotonic
    ) -> LoginThrottle:
        base = settings.login_backoff_seconds
        return cls(
            user=BackoffRule(
                settings.login_user_failures, base, settings.login_user_max_block_seconds
            ),
            address=BackoffRule(
                settings.login_address_failures, base, settings.login_address_max_block_seconds
            ),
            memory=settings.login_failure_memory_seconds,
            max_keys=settings.login_throttle_max_keys,
            clock=clock,
        )

    def attempt(self, username: str, address: str) -> int | None:
        """``None`` and the attempt counted as a failure (until ``succeeded``), or the whole
        seconds to wait (≥ 1) when the username or the address is blocked."""
        name = normalise_username(username)
        with self._lock:
            now = self.clock()
            user_key = self._user_key(name, address)
            wait = max(
                self._wait(self._users, user_key, self.user, now),
                self._wait(self._addresses, address, self.address, now),
            )
            if wait > 0:
                return max(1, math.ceil(wait))
            self._users.add(user_key, now, self.memory)
            self._addresses.add(address, now, self.memory)
            return None

    def succeeded(self, username: str, address: str) -> None:
        """The attempt let in by ``attempt`` was right: reset the username, take the address's
        count back and remember the address as known for this username."""
        name = normalise_username(username)
        with self._lock:
            self._users.items.pop(self._user_key(name, address), None)
            self._addresses.take_back(address)
            self._known[(name, address)] = None
            self._known.move_to_end((name, address))
            if len(self._known) > self._max_keys:
                self._known.popitem(last=False)

    def cancel(self, username: str, address: str) -> None:
        """The attempt let in by ``attempt`` could not be checked (database down): take it
        back from both counts."""
        name = normalise_username(username)
        with self._lock:
            self._users.take_back(self._user_key(name, address))
            self._addresses.take_back(address)

    def _user_key(self, name: str, address: str) -> Hashable:
        return (name, address) if (name, address) in self._known else name

    def _wait(self, counts: _Counts, key: Hashable, rule: BackoffRule, now: float) -> float:
        count = counts.get(key, now, self.memory)
        if count is None:
            return 0.0
        return count.last + rule.block_seconds(count.failures) - now


def normalise_username(username: str) -> str:
    """One throttle key for every spelling of a username (case, surrounding blanks)."""
    return username.strip().casefold()[:100]
