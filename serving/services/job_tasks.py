"""What a Dask worker does for a background job (``serving.runtime.job_runner``): the same
service code as the request path, fed from a serving state the worker process keeps.

A worker reads the snapshot from the database and the champions from MLflow once
(``worker_state``), and before each later job only checks the database's fingerprint and the
champion aliases, as the app's own refresh loops do (``serving.runtime.state``): a second job
on an unchanged city starts at once. Each task writes its job's status itself
(``matching.background_jobs``): running, then done with a small result, or failed with the
Chinese message of a ``JobmatchError`` (any other error: its type, never its values).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from features.sources import Snapshot, read_snapshot
from matching.access import Caller
from matching.background_jobs import finish_job, record_progress, start_job, submit_job
from matching.errors import JobmatchError, NotFoundError
from matching.fair_plans import Day, get_fair
from matching.fair_plans.fairs import FAIR_NOT_FOUND_ZH
from matching.settings import Settings
from matching.storage import (
    BackgroundJob,
    Fair,
    FairCandidate,
    FairVacancy,
    make_engine,
    make_sessionmaker,
)
from serving.batch.night import BLOCK_SIZE, plan_night, rank_night
from serving.batch.ranking import BatchSource
from serving.runtime.job_runner import CANCELLED_ZH, FAILED_ZH, JobRunner
from serving.runtime.models import bound_registry_waits
from serving.runtime.scoring_threads import lower_this_thread
from serving.runtime.state import ServiceState
from serving.services.fair_prematch import CapacityRule, nothing_to_match, run_prematch

__all__ = [
    "JobPlace",
    "batch_task",
    "prematch_task",
    "submit_batch",
    "submit_prematch",
    "submit_snapshot",
    "worker_state",
]

log = logging.getLogger(__name__)
READ_FAILED_ZH = "未能读取数据库，推荐数据没有更新，请稍后重试"
Work = Callable[[sessionmaker[Session]], dict[str, Any]]


@dataclass(frozen=True)
class JobPlace:
    """Where a worker reads the city and the champions (the app's settings, resolved)."""

    database_url: str
    tracking_uri: str
    data_dir: str


def job_place(settings: Settings) -> JobPlace:
    return JobPlace(
        settings.resolved_database_url,
        settings.resolved_mlflow_tracking_uri,
        str(settings.data_dir),
    )


_STATES: dict[JobPlace, ServiceState] = {}
_LOCK = threading.Lock()


def worker_state(place: JobPlace) -> ServiceState:
    """The serving state of ``place`` in this process: read once, then refreshed only where the
    database or a champion alias changed."""
    with _LOCK:
        state = _STATES.get(place)
        if state is None:
            bound_registry_waits()
            state = ServiceState()
            state.load(make_engine(place.database_url), place.tracking_uri, Path(place.data_dir))
            _STATES.clear()  # one city per worker process: memory stays bounded
            _STATES[place] = state
            return state
        state.refresh_snapshot()
        for holder in (state.jobs, state.courses):
            if holder is not None:
                holder.refresh()
        return state


def run_job(place: JobPlace, job_id: int, work: Work) -> None:
    """Mark the job running, do ``work`` and record its outcome."""
    engine = make_engine(place.database_url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as session:
            start_job(session, job_id)
        try:
            result = work(sessions)
        except JobmatchError as error:
            outcome: dict[str, Any] = {"failure_zh": error.message_zh}
        except Exception as error:  # the job says it failed; values unlogged
            kind = type(error).__name__
            log.warning("job %d failed (%s)", job_id, kind)
            # its sub-tasks cancelled: the app that held them shut down
            reason = CANCELLED_ZH if "Cancelled" in kind else FAILED_ZH.format(kind=kind)
            outcome = {"failure_zh": reason}
        else:
            outcome = {"result": result}
        with sessions.begin() as session:
            finish_job(session, job_id, **outcome)
    finally:
        engine.dispose()


def prematch_task(
    place: JobPlace, job_id: int, fair_id: int, day: Day, rule: CapacityRule | None, actor: str
) -> None:
    """Pre-match the fair as ``POST /api/fairs/{id}/prematch`` does and store the result as its
    latest (the caller's right to was checked when the job was submitted)."""

    def work(sessions: sessionmaker[Session]) -> dict[str, Any]:
        state = worker_state(place)
        with sessions.begin() as session:
            fair = session.get(Fair, fair_id)
            if fair is None:  # deleted since the job was submitted
                raise NotFoundError(f"fair {fair_id} not found", FAIR_NOT_FOUND_ZH)
            result = run_prematch(
                session, state, state.snapshot, fair, day, rule, actor=actor, now=datetime.now(UTC)
            )
        return {
            "fair_id": fair_id,
            "candidates": len(result.candidates),
            "vacancies": len(result.vacancies),
            "interviews": result.optimal.interviews,
            "expected_hires": round(result.optimal.expected_hires, 2),
            "model_version": result.model_version,
        }

    run_job(place, job_id, work)


def submit_prematch(
    sessions: sessionmaker[Session],
    runner: JobRunner,
    settings: Settings,
    caller: Caller,
    fair_id: int,
    day: Day,
    rule: CapacityRule | None,
    parameters: dict[str, Any],
) -> BackgroundJob:
    """Queue the fair's pre-match (404 for a fair the caller does not see, 409 for one without
    candidates or booths); while one is queued or running for the fair, that job is answered
    instead of a second."""
    with sessions.begin() as session:
        fair = get_fair(session, fair_id, caller)
        counts = [
            session.scalar(select(func.count()).where(table.fair_id == fair.id)) or 0
            for table in (FairCandidate, FairVacancy)
        ]
        if not all(counts):  # said now (409), not by a failed job
            raise nothing_to_match(fair.id, *counts)
        job, new = submit_job(
            session, "prematch", caller, county=fair.county, subject_id=fair.id,
            parameters=parameters,
        )  # fmt: skip
    if new:  # after the commit: the worker must find the row
        runner.submit(
            job.id, prematch_task, job_place(settings), job.id, fair_id, day, rule, caller.username
        )
    return job


def batch_task(place: JobPlace, job_id: int, at: datetime, limit: int | None) -> None:
    """The night's batch as ``jobmatch batch recommend --engine dask`` runs it, on the cluster
    this task runs on: it secedes from its worker thread (``distributed.worker_client``) while
    its blocks run as tasks of their own, and counts the blocks written as its progress."""

    def work(sessions: sessionmaker[Session]) -> dict[str, Any]:
        plan = plan_night(place.database_url, BLOCK_SIZE, limit)
        source = BatchSource(place.database_url, place.tracking_uri, place.data_dir, at)

        def progress(done: int, total: int) -> None:
            with sessions.begin() as session:
                record_progress(session, job_id, done, total)

        distributed: Any = importlib.import_module("distributed")
        with distributed.worker_client() as client:
            night = rank_night(
                source, plan, Path(place.data_dir) / "batch", engine="dask",
                progress=progress, client=client,
            )  # fmt: skip
        return {
            "persons": plan.persons,
            "blocks": night.run.blocks,
            "ranked": night.run.ranked,
            "night": night.run.folder.name,
            "alerts": night.alerts is not None,
        }

    run_job(place, job_id, work)


def submit_batch(
    sessions: sessionmaker[Session],
    runner: JobRunner,
    settings: Settings,
    caller: Caller,
    limit: int | None,
    at: datetime,
) -> BackgroundJob:
    """Queue tonight's batch (``limit``: the first persons by county and id only); while one
    is queued or running, that job is answered instead of a second."""
    parameters = {"persons": limit, "at": at.isoformat()}
    with sessions.begin() as session:
        job, new = submit_job(session, "batch", caller, county=None, parameters=parameters)
    if new:
        runner.submit(job.id, batch_task, job_place(settings), job.id, at, limit)
    return job


def read_rows_task(database_url: str) -> Snapshot:
    """On a worker: the snapshot's rows, sent back as frames (polars pickles them as Arrow)."""
    engine = make_engine(database_url)
    try:
        return read_snapshot(engine)
    finally:
        engine.dispose()


def submit_snapshot(
    sessions: sessionmaker[Session], runner: JobRunner, state: ServiceState, caller: Caller
) -> BackgroundJob:
    """Queue a rebuild of the app's serving snapshot: the rows are read on a Dask worker, the
    features and the snapshot built in a low-priority thread of the app, which swaps it in
    (building it on the worker would not be cheaper for the app: experiments/load.md). While
    one is queued or running, that job is answered instead."""
    with sessions.begin() as session:
        job, new = submit_job(session, "snapshot", caller, county=None)
    if new:
        threading.Thread(
            target=_rebuild, args=(sessions, runner, state, job.id), name="snapshot-rebuild",
            daemon=True,
        ).start()  # fmt: skip
    return job


def _rebuild(
    sessions: sessionmaker[Session], runner: JobRunner, state: ServiceState, job_id: int
) -> None:
    lower_this_thread()  # the build holds the interpreter lock for seconds: requests go first
    with sessions.begin() as session:
        start_job(session, job_id)

    def read(url: str) -> Snapshot:
        rows: Snapshot = runner.client().submit(read_rows_task, url, pure=False).result()
        return rows

    before = state.refreshes
    read_ok = state.refresh_snapshot(force=True, read=read)
    snapshot = state.snapshot
    result = {
        "persons": 0 if snapshot is None else snapshot.context.persons.height,
        "swapped": state.refreshes > before,
    }
    with sessions.begin() as session:
        if read_ok:
            finish_job(session, job_id, result=result)
        else:
            finish_job(session, job_id, failure_zh=READ_FAILED_ZH)
