"""What routes get from the running app, as FastAPI dependencies: settings, database, the service
state and its current snapshot, the in-process limiters and metrics.

The app factory (``serving.app``) puts these on ``app.state``; this module is the one place that
reads them back, so a route says what it needs in its signature (``sessions: SessionsDep``)
and a test can swap any of them through ``app.dependency_overrides``. Each accessor is read per
request, not captured at start-up (tests replace ``app.state.sessions`` on a running app).

Every dependency here is ``async def``: each is a cheap attribute read, and a sync dependency
would cost a hop to the thread pool on every request (see ``serving.api.security.require_roles``);
on the single-person recommendation path that hop is a measurable part of the budget.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from matching.errors import UnavailableError
from matching.settings import Settings
from serving.api.login_throttle import LoginThrottle
from serving.api.metrics import Metrics
from serving.runtime.job_runner import JobRunner
from serving.runtime.snapshot import ServingSnapshot
from serving.runtime.state import ServiceState

__all__ = [
    "NOT_READY_ZH",
    "EngineDep",
    "JobsDep",
    "LoginThrottleDep",
    "MetricsDep",
    "ServiceDep",
    "SessionsDep",
    "SettingsDep",
    "SnapshotDep",
    "SnapshotOrNoneDep",
]

NOT_READY_ZH = "推荐服务尚未就绪：数据库中还没有人员数据，请先导入或生成数据"


async def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


async def engine(request: Request) -> Engine:
    found: Engine = request.app.state.engine
    return found


async def sessions(request: Request) -> sessionmaker[Session]:
    found: sessionmaker[Session] = request.app.state.sessions
    return found


async def service(request: Request) -> ServiceState:
    found: ServiceState = request.app.state.service
    return found


async def snapshot_or_none(state: ServiceDep) -> ServingSnapshot | None:
    """The snapshot served now, read once: every part of a request that asks gets this very
    object (FastAPI resolves a dependency once per request), even if a refresh swaps in the next
    one meanwhile. None while the database holds no persons."""
    return state.snapshot


async def current_snapshot(snapshot: SnapshotOrNoneDep) -> ServingSnapshot:
    """The snapshot served now (as ``snapshot_or_none``); 503 in the error shape when none is
    loaded yet."""
    if snapshot is None:
        raise UnavailableError("no persons loaded yet", NOT_READY_ZH)
    return snapshot


async def jobs(request: Request) -> JobRunner:
    """The runner of background jobs (``serving.runtime.job_runner``)."""
    found: JobRunner = request.app.state.jobs
    return found


async def login_throttle(request: Request) -> LoginThrottle:
    found: LoginThrottle = request.app.state.login_throttle
    return found


async def metrics(request: Request) -> Metrics:
    found: Metrics = request.app.state.metrics
    return found


SettingsDep = Annotated[Settings, Depends(settings)]
EngineDep = Annotated[Engine, Depends(engine)]
SessionsDep = Annotated[sessionmaker[Session], Depends(sessions)]
ServiceDep = Annotated[ServiceState, Depends(service)]
SnapshotOrNoneDep = Annotated[ServingSnapshot | None, Depends(snapshot_or_none)]
SnapshotDep = Annotated[ServingSnapshot, Depends(current_snapshot)]
JobsDep = Annotated[JobRunner, Depends(jobs)]
LoginThrottleDep = Annotated[LoginThrottle, Depends(login_throttle)]
MetricsDep = Annotated[Metrics, Depends(metrics)]
