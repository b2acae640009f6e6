"""Admission control (``serving.api.admission``) with a fake clock, and heavy jobs at low priority
(``serving.runtime.scoring_threads.at_low_priority``)."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from prometheus_client import CollectorRegistry

from serving.api.admission import Admission, AdmissionCollector, Overloaded
from serving.runtime.scoring_threads import HEAVY_NICENESS, at_low_priority


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def hold(admission: Admission, entered: asyncio.Event, leave: asyncio.Event) -> None:
    async with admission.slot():
        entered.set()
        await leave.wait()


def test_admits_up_to_the_limit_then_queues_and_hands_the_slot_over() -> None:
    async def scenario() -> None:
        admission = Admission(2, wait_budget=10.0, first_guess=0.1)
        leaves = [asyncio.Event() for _ in range(3)]
        entered = [asyncio.Event() for _ in range(3)]
        tasks = [
            asyncio.create_task(hold(admission, event, leave))
            for event, leave in zip(entered, leaves, strict=True)
        ]
        await asyncio.sleep(0)
        assert [e.is_set() for e in entered] == [True, True, False]
        assert (admission.in_flight, admission.queued) == (2, 1)
        assert admission.expected_wait() == pytest.approx(2 * 0.1 / 2)
        leaves[0].set()
        await asyncio.wait_for(entered[2].wait(), 1)
        assert (admission.in_flight, admission.queued) == (2, 0)
        for leave in leaves:
            leave.set()
        await asyncio.gather(*tasks)
        assert (admission.in_flight, admission.queued, admission.admitted) == (0, 0, 3)
        assert admission.shed == {"queue": 0, "waited": 0}

    asyncio.run(scenario())


def test_sheds_at_once_when_the_expected_wait_exceeds_the_budget() -> None:
    async def scenario() -> None:
        admission = Admission(1, wait_budget=2.0, first_guess=1.0)
        leave = asyncio.Event()
        entered = [asyncio.Event() for _ in range(3)]
        tasks = [asyncio.create_task(hold(admission, e, leave)) for e in entered]
        await asyncio.sleep(0)
        assert entered[0].is_set() and admission.queued == 2  # waits of 1 s and 2 s: allowed
        assert admission.expected_wait() == pytest.approx(3.0)
        with pytest.raises(Overloaded) as refused:
            async with admission.slot():
                raise AssertionError("must not be admitted")
        assert refused.value.reason == "queue"
        assert refused.value.retry_after == 2  # the two queued × 1 s, in whole seconds
        assert admission.shed == {"queue": 1, "waited": 0}
        leave.set()
        await asyncio.gather(*tasks)
        assert admission.in_flight == 0

    asyncio.run(scenario())


def test_the_first_places_of_the_queue_are_open_whatever_the_estimate() -> None:
    async def scenario() -> None:
        admission = Admission(2, wait_budget=0.5, first_guess=10.0)  # estimates: 5 s, 10 s
        leave = asyncio.Event()
        entered = [asyncio.Event() for _ in range(4)]
        tasks = [asyncio.create_task(hold(admission, e, leave)) for e in entered]
        await asyncio.sleep(0)
        assert (admission.in_flight, admission.queued) == (2, 2)
        assert admission.refuses_now()
        with pytest.raises(Overloaded) as refused:
            async with admission.slot():
                raise AssertionError("must not be admitted")
        assert refused.value.retry_after == 5  # 2 × 10 s / 2 slots, capped
        leave.set()
        await asyncio.gather(*tasks)
        assert admission.admitted == 4

    asyncio.run(scenario())


def test_the_service_time_is_a_moving_average_of_slot_times() -> None:
    clock = FakeClock()

    async def scenario() -> None:
        admission = Admission(1, wait_budget=1.0, clock=clock, first_guess=0.05)
        async with admission.slot():
            clock.now += 0.55
        assert admission.service_seconds == pytest.approx(0.05 + 0.2 * (0.55 - 0.05))
        # now one request is expected to hold its slot 0.15 s: a queue of 7 waits 1.05 s
        admission.in_flight = 1
        admission.service_seconds = 0.15
        assert admission.expected_wait() == pytest.approx(0.15)
        admission.in_flight = 0

    asyncio.run(scenario())


def test_a_request_that_waited_the_whole_budget_is_shed_and_leaves_the_queue() -> None:
    async def scenario() -> None:
        admission = Admission(1, wait_budget=0.05, first_guess=0.001)
        leave, entered = asyncio.Event(), asyncio.Event()
        holder = asyncio.create_task(hold(admission, entered, leave))
        await entered.wait()
        with pytest.raises(Overloaded) as refused:
            async with admission.slot():
                raise AssertionError("must not be admitted")
        assert refused.value.reason == "waited" and refused.value.retry_after >= 1
        assert (admission.queued, admission.in_flight) == (0, 1)
        leave.set()
        await holder
        assert admission.in_flight == 0

    asyncio.run(scenario())


def test_a_waiter_that_goes_away_does_not_take_a_slot() -> None:
    async def scenario() -> None:
        admission = Admission(1, wait_budget=10.0, first_guess=0.01)
        leave = asyncio.Event()
        entered = [asyncio.Event() for _ in range(3)]
        tasks = [asyncio.create_task(hold(admission, e, leave)) for e in entered]
        await asyncio.sleep(0)
        tasks[1].cancel()  # the client disconnected while queued
        with pytest.raises(asyncio.CancelledError):
            await tasks[1]
        assert admission.queued == 1
        leave.set()
        await asyncio.wait_for(entered[2].wait(), 1)
        await asyncio.gather(tasks[0], tasks[2])
        assert not entered[1].is_set() and admission.in_flight == 0

    asyncio.run(scenario())


def test_the_collector_counts_sheds_by_reason() -> None:
    admission = Admission(1, wait_budget=0.0)
    admission.in_flight = 1  # every slot busy, no queueing allowed

    async def refused() -> None:
        async with admission.slot():
            raise AssertionError("must not be admitted")

    for _ in range(2):
        with pytest.raises(Overloaded):
            asyncio.run(refused())
    registry = CollectorRegistry()
    registry.register(AdmissionCollector(admission))
    assert registry.get_sample_value("jobmatch_admission_shed_total", {"reason": "queue"}) == 2
    assert registry.get_sample_value("jobmatch_admission_shed_total", {"reason": "waited"}) == 0
    assert registry.get_sample_value("jobmatch_admission_in_flight") == 1


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        Admission(0, 1.0)


def test_a_heavy_job_runs_in_its_own_thread_at_lower_priority() -> None:
    caller = threading.get_native_id()

    def work() -> tuple[int, int]:
        me = threading.get_native_id()
        return me, os.getpriority(os.PRIO_PROCESS, me)

    thread, niceness = at_low_priority(work)
    assert thread != caller
    before = os.getpriority(os.PRIO_PROCESS, caller)
    assert niceness == min(19, before + HEAVY_NICENESS)  # Linux's lowest priority is 19
    if before < 19:
        assert before < niceness  # the caller keeps its priority


def test_a_heavy_jobs_error_reaches_the_caller() -> None:
    def work() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        at_low_priority(work)
