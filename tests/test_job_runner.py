"""The job runner marks a job failed, with a Chinese reason, when its task ends without saying
so: the task raised before writing, or its worker process died (Dask gives up after retries).
The cluster starts at the first job only."""

from __future__ import annotations

import operator
import os
import time

import pytest
from sqlalchemy.orm import Session, sessionmaker

from matching.access import Caller
from matching.background_jobs import submit_job
from matching.storage import BackgroundJob
from serving.runtime.job_runner import JobRunner

ADMIN = Caller(1, "admin", "admin")


def new_job(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return submit_job(session, "snapshot", ADMIN, county=None)[0].id


def wait_until_ended(sessions: sessionmaker[Session], job_id: int, seconds: float) -> BackgroundJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sessions() as session:
            job = session.get(BackgroundJob, job_id)
            assert job is not None
            if job.status in ("done", "failed"):
                return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still unfinished after {seconds} s")


def test_a_task_that_raises_before_writing_leaves_a_failed_job(
    sessions: sessionmaker[Session],
) -> None:
    runner = JobRunner(sessions, processes=False)
    assert not runner.started  # nothing started before the first job
    try:
        job_id = new_job(sessions)
        runner.submit(job_id, operator.truediv, 1, 0)
        job = wait_until_ended(sessions, job_id, 30)
        assert runner.started
    finally:
        runner.close()
    assert job.status == "failed" and job.finished_at is not None
    assert job.message_zh is not None and "ZeroDivisionError" in job.message_zh
    assert "任务运行出错" in job.message_zh


def test_a_task_that_returns_without_its_outcome_is_failed_too(
    sessions: sessionmaker[Session],
) -> None:
    runner = JobRunner(sessions, processes=False)
    try:
        job_id = new_job(sessions)
        runner.submit(job_id, operator.add, 1, 2)
        job = wait_until_ended(sessions, job_id, 30)
    finally:
        runner.close()
    assert job.status == "failed" and job.message_zh == "任务结束时没有留下结果，请重新提交"


@pytest.mark.slow
def test_a_worker_that_dies_leaves_a_failed_job(sessions: sessionmaker[Session]) -> None:
    runner = JobRunner(sessions)  # a LocalCluster of one worker process
    try:
        job_id = new_job(sessions)
        runner.submit(job_id, os._exit, 1)  # the worker process dies, each time Dask retries
        job = wait_until_ended(sessions, job_id, 120)
    finally:
        runner.close()
    assert job.status == "failed"
    assert job.message_zh == "后台计算进程意外退出，任务没有完成，请重新提交"


def test_jobs_still_running_at_shutdown_are_failed_as_interrupted(
    sessions: sessionmaker[Session],
) -> None:
    runner = JobRunner(sessions, processes=False)
    job_id = new_job(sessions)
    try:
        runner.submit(job_id, time.sleep, 2)  # a thread: the close waits for it
        deadline = time.monotonic() + 30
        while not runner.started or not runner._futures:  # handed over
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        runner.close()
    job = wait_until_ended(sessions, job_id, 5)
    assert job.status == "failed" and job.message_zh is not None
    assert job.message_zh.startswith("服务正在关闭")


def test_an_unreachable_scheduler_fails_the_job_with_a_reason(
    sessions: sessionmaker[Session],
) -> None:
    dask = pytest.importorskip("dask")
    runner = JobRunner(sessions, "tcp://127.0.0.1:9")  # nothing listens there
    job_id = new_job(sessions)
    try:
        with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
            runner.submit(job_id, operator.add, 1, 2)
            job = wait_until_ended(sessions, job_id, 60)
    finally:
        runner.close()
    assert job.status == "failed" and not runner.started
    assert job.message_zh == "后台计算服务未能启动，任务没有运行，请稍后重试或联系管理员"
