"""The FastAPI app factory: ``create_app(settings)``; importing this module does no work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from matching.settings import Settings
from matching.storage import make_engine, make_sessionmaker
from serving.api.admission import Admission, AdmissionCollector
from serving.api.audit_limit import RefusalLimiter
from serving.api.auth_audit import write_summaries
from serving.api.body_limit import BodyLimit
from serving.api.errors import install_error_handlers
from serving.api.login_throttle import LoginThrottle
from serving.api.metrics import Metrics, RequestMetrics
from serving.api.routers import (
    auth,
    candidates,
    fairs,
    health,
    jobs,
    ledgers,
    person_conflicts,
    progress,
    quota,
    recommendations,
    records,
    referrals,
    reveal,
)
from serving.pages import install_pages
from serving.pages.templating import error_page, too_large_page
from serving.runtime.job_runner import JobRunner
from serving.runtime.models import bound_registry_waits
from serving.runtime.state import ServiceState


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the lifespan opens the database and disposes of it on shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.resolved_database_url)
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessions = make_sessionmaker(engine)
        service = ServiceState()
        if settings.load_models:
            bound_registry_waits()
            service.load(engine, settings.resolved_mlflow_tracking_uri, settings.data_dir)
            service.poll(settings.model_poll_seconds)
            service.watch(settings.snapshot_refresh_seconds)
        app.state.service = service
        app.state.jobs = JobRunner(
            app.state.sessions,
            settings.dask_scheduler,
            processes=settings.dask_local_processes,
        )
        app.state.jobs.forget_orphans()
        try:
            yield
        finally:
            service.stop.set()
            app.state.jobs.close()
            write_summaries(app.state.sessions, app.state.refusal_limiter.flush())
            engine.dispose()

    app = FastAPI(
        title="jobmatch",
        description="聊城市残疾人就业岗位与培训匹配服务 API",
        version=_version(),
        lifespan=lifespan,
    )
    install_error_handlers(app, error_page)
    # In process memory: the service is one process (see serving.api.login_throttle).
    app.state.login_throttle = LoginThrottle.from_settings(settings)
    app.state.refusal_limiter = RefusalLimiter()
    app.state.metrics = Metrics(lambda: getattr(app.state, "service", None))
    app.state.admission = Admission(settings.admission_limit, settings.admission_wait_seconds)
    app.state.metrics.registry.register(AdmissionCollector(app.state.admission))
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    app.add_middleware(BodyLimit, html=too_large_page)
    app.include_router(health.probes)
    app.include_router(health.router, prefix="/api")
    app.include_router(auth.router, prefix="/api")
    app.include_router(recommendations.router, prefix="/api")
    app.include_router(candidates.router, prefix="/api")
    app.include_router(records.router, prefix="/api")
    app.include_router(ledgers.router, prefix="/api")
    app.include_router(referrals.router, prefix="/api")
    app.include_router(reveal.router, prefix="/api")
    app.include_router(person_conflicts.router, prefix="/api")
    app.include_router(fairs.router, prefix="/api")
    app.include_router(jobs.router, prefix="/api")
    app.include_router(progress.router, prefix="/api")
    app.include_router(quota.router, prefix="/api")
    install_pages(app)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jobmatch")
    except PackageNotFoundError:
        return "0+unknown"
