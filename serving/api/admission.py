"""Admission control for the expensive interactive routes: a few requests score at once, a short
queue waits in the event loop, and a request that would wait too long is refused at once with
503 and ``Retry-After`` instead of queueing.

Why: the routes are sync and run in Starlette's thread pool (40 threads). With 16 or 64 clients,
dozens of threads ran polars and LightGBM side by side on 2 cores: throughput fell and latency
grew without bound (experiments/load.md has the figures). Here at most ``limit`` requests run (about
one per core); the others wait as futures in the event loop, which costs nothing. A new request
is shed when every slot is busy and its expected wait — its place in the queue times the recent
time a request holds a slot (an EWMA), over ``limit`` — exceeds ``wait_budget``; one that has
waited ``wait_budget`` after all (the machine slowed down) is shed then. So an admitted request
waits at most ``wait_budget`` plus its own work, and a shed one costs a few microseconds. Up to
``limit`` requests may always queue, whatever the estimate: a freed slot then goes straight to a
waiter instead of idling until a refused client comes back (when a heavy job slowed requests
down, an empty queue cost much of the throughput: experiments/load.md).

State is touched only from the event loop thread (the dependency and its exit run there), so no
lock is needed. Routes opt in with ``dependencies=[Admitted]``.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, suppress

from fastapi import Depends, HTTPException, Request
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = [
    "OVERLOADED_ZH",
    "Admission",
    "AdmissionCollector",
    "Admitted",
    "Overloaded",
    "admitted",
]

OVERLOADED_ZH = "服务繁忙，请稍后重试"
SMOOTHING = 0.2  # weight of the newest service time in the EWMA
FIRST_GUESS_SECONDS = 0.05  # service time assumed before any request finished
MAX_RETRY_AFTER = 5  # seconds: a refused client comes back soon; the queue drains in < 1 s


class Overloaded(Exception):
    """Refused by admission control; ``reason`` is ``queue`` (expected wait too long) or
    ``waited`` (waited the whole budget)."""

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Admission:
    """At most ``limit`` holders at once; a bounded-wait FIFO queue behind them."""

    def __init__(
        self,
        limit: int,
        wait_budget: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        first_guess: float = FIRST_GUESS_SECONDS,
    ) -> None:
        if limit < 1 or wait_budget < 0:
            raise ValueError(f"limit must be ≥ 1 and wait_budget ≥ 0, got {limit}, {wait_budget}")
        self.limit = limit
        self.wait_budget = wait_budget
        self.service_seconds = first_guess  # EWMA of the time a request holds a slot
        self.in_flight = 0
        self.admitted = 0
        self.shed: dict[str, int] = {"queue": 0, "waited": 0}
        self._clock = clock
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def queued(self) -> int:
        return len(self._waiters)

    def expected_wait(self) -> float:
        """Seconds a request arriving now would wait for a slot."""
        if self.in_flight < self.limit:
            return 0.0
        return (self.queued + 1) * self.service_seconds / self.limit

    def refuses_now(self) -> bool:
        """Whether a request arriving now is shed at once (the queue's first ``limit`` places
        are open whatever the estimate, unless the budget is 0: never queue)."""
        always_open = self.wait_budget > 0 and self.queued < self.limit
        return not always_open and self.expected_wait() > self.wait_budget

    def retry_after(self) -> int:
        """Whole seconds (HTTP's unit) until the queue now waiting has drained: 1 to 5."""
        drained = math.ceil(self.queued * self.service_seconds / self.limit)
        return min(MAX_RETRY_AFTER, max(1, drained))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the block; raises ``Overloaded`` instead of waiting too long."""
        await self._acquire()
        started = self._clock()
        try:
            yield
        finally:
            held = self._clock() - started
            self.service_seconds += SMOOTHING * (held - self.service_seconds)
            self._release()

    async def _acquire(self) -> None:
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
            self.admitted += 1
            return
        if self.refuses_now():
            raise self._refuse("queue")
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), self.wait_budget)
        except TimeoutError:
            if waiter.done() and not waiter.cancelled():  # handed a slot as the time ran out
                self._release()
            self._forget(waiter)
            raise self._refuse("waited") from None
        except asyncio.CancelledError:  # the client went away while waiting
            if waiter.done() and not waiter.cancelled():
                self._release()
            self._forget(waiter)
            raise
        self.admitted += 1

    def _release(self) -> None:
        """Hand the slot to the first live waiter (``in_flight`` unchanged), else free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.in_flight -= 1

    def _forget(self, waiter: asyncio.Future[None]) -> None:
        if not waiter.done():
            waiter.cancel()
        with suppress(ValueError):
            self._waiters.remove(waiter)

    def _refuse(self, reason: str) -> Overloaded:
        self.shed[reason] += 1
        return Overloaded(reason, self.retry_after())


def overloaded_answer(error: Overloaded) -> HTTPException:
    """503 in the one error shape, with ``Retry-After``."""
    return HTTPException(
        status_code=503,
        detail={
            "error": "Overloaded",
            "status": "overloaded",
            "message": "the service is at capacity; retry after the seconds in Retry-After",
            "message_zh": OVERLOADED_ZH,
        },
        headers={"Retry-After": str(error.retry_after)},
    )


async def admitted(request: Request) -> AsyncIterator[None]:
    """Dependency: run the route only inside a slot of the app's ``Admission`` (only taking
    the slot raises ``Overloaded``)."""
    admission: Admission = request.app.state.admission
    try:
        async with admission.slot():
            yield
    except Overloaded as error:
        raise overloaded_answer(error) from None


# "function": the slot is freed when the route returns, before its answer is sent.
Admitted = Depends(admitted, scope="function")


class AdmissionCollector(Collector):
    """Sheds, admissions, queue and slot figures, read at scrape time."""

    def __init__(self, admission: Admission) -> None:
        self._admission = admission

    def collect(self) -> Iterator[Metric]:
        admission = self._admission
        shed = CounterMetricFamily(
            "jobmatch_admission_shed",
            "Requests refused with 503 by admission control: queue (expected wait over the "
            "budget) or waited (waited the whole budget).",
            labels=["reason"],
        )
        for reason, count in admission.shed.items():
            shed.add_metric([reason], count)
        yield shed
        yield CounterMetricFamily(
            "jobmatch_admission_admitted", "Requests given a slot.", value=admission.admitted
        )
        yield GaugeMetricFamily(
            "jobmatch_admission_in_flight",
            "Requests holding a slot now.",
            value=admission.in_flight,
        )
        yield GaugeMetricFamily(
            "jobmatch_admission_queued", "Requests waiting for a slot now.", value=admission.queued
        )
        yield GaugeMetricFamily(
            "jobmatch_admission_service_seconds",
            "Recent time a request holds a slot (EWMA).",
            value=admission.service_seconds,
        )
