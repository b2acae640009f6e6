"""Runs background jobs on Dask: a client of ``JOBMATCH_DASK_SCHEDULER``, or of a LocalCluster
of one worker process started at the first job (the app and most tests never pay for it) and
closed with the app.

A route records a job (``matching.background_jobs.submit_job``) and hands its task here; the
hand-over (which may have to start the cluster) happens on a thread of its own, so the route
answers at once. The task writes its own status through the database URL it carries; the
runner keeps each future until it ends (Dask forgets a task nobody holds) and, when it ends,
marks the job failed with a reason in Chinese if the task could not say so itself: its worker
died, it was cancelled, or it raised before writing. A job's first outcome stands, so this never
overwrites a result.

The LocalCluster's worker runs at a lower priority (nice +10, ``JOB_NICENESS``): on a machine
shared with the app, requests go first. A cluster of your own is yours to size and prioritise.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from matching.background_jobs import fail_unfinished
from serving.batch.run import dask_client

__all__ = ["JOB_NICENESS", "JobRunner"]

log = logging.getLogger(__name__)
JOB_NICENESS = 10
NO_CLUSTER_ZH = "后台计算服务未能启动，任务没有运行，请稍后重试或联系管理员"
WORKER_LOST_ZH = "后台计算进程意外退出，任务没有完成，请重新提交"
CANCELLED_ZH = "任务已被取消，没有完成，请重新提交"
FAILED_ZH = "任务运行出错（{kind}），没有完成，请稍后重试或联系管理员"
SILENT_ZH = "任务结束时没有留下结果，请重新提交"
SHUTDOWN_ZH = "服务正在关闭，后台任务已中断，请在服务恢复后重新提交"
RESTARTED_ZH = "服务重新启动，正在进行的后台任务已中断，请重新提交"


class JobRunner:
    """The app's one way to run a background job (``app.state.jobs``)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        scheduler: str | None = None,
        *,
        processes: bool = True,
    ) -> None:
        self._sessions = sessions
        self._scheduler = scheduler or None
        self._processes = processes
        self._stack = ExitStack()
        self._client: Any = None
        self._closed = False
        self._lock = threading.Lock()
        self._futures: dict[str, tuple[int, Any]] = {}  # key: (job id, Dask future)
        self._handing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job-hand-over")

    @property
    def started(self) -> bool:
        """Whether a client (and, without a scheduler, the LocalCluster) is up."""
        return self._client is not None

    def submit(self, job_id: int, task: Callable[..., object], *args: object) -> None:
        """Run ``task(*args)`` on the cluster for job ``job_id``; returns at once."""
        self._handing.submit(self._hand_over, job_id, task, args)

    def forget_orphans(self) -> threading.Thread:
        """At start-up, in the background (a database that is down must not delay the start):
        jobs left queued or running by an earlier app are failed (its cluster, and the futures
        that kept their tasks, went with it); jobs asked for since this app started are not."""
        started = datetime.now(UTC)

        def forget() -> None:
            try:
                with self._sessions.begin() as session:
                    fail_unfinished(session, None, RESTARTED_ZH, created_before=started)
            except SQLAlchemyError as error:  # no table yet, or no database: nothing to do
                log.warning("unfinished jobs not checked (%s)", type(error).__name__)

        thread = threading.Thread(target=forget, name="forget-orphan-jobs", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop handing over, then close the client and the LocalCluster if started."""
        self._closed = True
        # on the hand-over thread, which entered them: a Dask client's exit must run in the
        # context (contextvars) its entry ran in
        self._handing.submit(self._close_client).result()
        self._handing.shutdown(wait=True)

    def _close_client(self) -> None:
        with self._lock:
            held = list(self._futures.values())
            self._futures.clear()
        for job_id, _future in held:  # their tasks end with the cluster, unannounced
            self._fail(job_id, SHUTDOWN_ZH)
        with self._lock:
            self._stack.close()
            self._client = None

    def client(self) -> Any:
        """The Dask client, started on first use (on the hand-over thread: a Dask client's
        exit at ``close`` must run in the context its entry ran in)."""
        if self._client is not None:
            return self._client
        return self._handing.submit(self._start_client).result()

    def _start_client(self) -> Any:
        with self._lock:
            if self._client is None:
                if self._closed:
                    raise RuntimeError("the job runner is closed")
                client = self._stack.enter_context(
                    dask_client(
                        self._scheduler, workers=1, processes=self._processes, dashboard=False
                    )
                )
                if self._scheduler is None and self._processes:
                    client.register_plugin(_lower_priority(), name="jobmatch-lower-priority")
                self._client = client
            return self._client

    def _hand_over(
        self, job_id: int, task: Callable[..., object], args: tuple[object, ...]
    ) -> None:
        key = f"job-{job_id}-{uuid.uuid4().hex[:8]}"
        try:
            future = self._start_client().submit(task, *args, key=key, pure=False)
        except Exception as error:  # no cluster: say so on the job, values unlogged
            log.warning("job %d not started (%s)", job_id, type(error).__name__)
            self._fail(job_id, NO_CLUSTER_ZH)
            return
        with self._lock:
            self._futures[key] = (job_id, future)
        future.add_done_callback(lambda ended: self._ended(job_id, key, ended))

    def _ended(self, job_id: int, key: str, future: Any) -> None:
        """On Dask's callback thread: fail the job if its task left it unfinished."""
        with self._lock:
            self._futures.pop(key, None)
        if future.status == "finished":
            reason = SILENT_ZH
        elif future.status == "cancelled":
            reason = CANCELLED_ZH
        else:
            kind = type(future.exception()).__name__
            reason = WORKER_LOST_ZH if kind == "KilledWorker" else FAILED_ZH.format(kind=kind)
            log.warning("job %d: its task failed (%s)", job_id, kind)
        self._fail(job_id, reason)

    def _fail(self, job_id: int, reason_zh: str) -> None:
        try:
            with self._sessions.begin() as session:
                fail_unfinished(session, job_id, reason_zh)
        except SQLAlchemyError as error:
            log.warning("job %d: status not written (%s)", job_id, type(error).__name__)


def _lower_priority() -> Any:
    """A worker plugin that lowers the worker process's priority (also on a restarted worker)."""
    distributed: Any = importlib.import_module("distributed")

    class LowerPriority(distributed.WorkerPlugin):  # type: ignore[misc]
        def setup(self, worker: Any) -> None:
            os.nice(JOB_NICENESS)

    return LowerPriority()
