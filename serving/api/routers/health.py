"""Operations: liveness (``/healthz``), readiness (``/readyz``), Prometheus ``/metrics``, and the
older ``/api/health`` (the database part of readiness, kept for existing clients).

All four are public, no token: probes and scrapers hold none, and none of them says anything
about a person (route templates, counts, model versions only). Keep the port of ``/metrics`` on
the internal network, as one does for any scrape target.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from serving.api.deps import EngineDep, MetricsDep, ServiceDep
from serving.runtime.readiness import database_checks, model_checks

router = APIRouter(tags=["health"])
probes = APIRouter(tags=["operations"])
NOT_READY = "not ready: "
NOT_READY_ZH = "服务未就绪："
READY_ZH = "服务就绪"


class Alive(BaseModel):
    status: Literal["alive"]


class CheckResult(BaseModel):
    ok: bool
    detail: str
    detail_zh: str


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    message: str
    message_zh: str
    checks: dict[str, CheckResult]


@router.get("/health")
def health(engine: EngineDep) -> JSONResponse:
    """200 when the database answers and is migrated, 503 (with the reason) otherwise."""
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as error:
        reason = type(error).__name__
        return JSONResponse(
            status_code=503,
            content={"status": "unavailable", "database": reason, "message_zh": "数据库不可用"},
        )
    return JSONResponse(
        content={"status": "ok", "database": "ok", "schema_revision": revision},
    )


@probes.get("/healthz", response_model=Alive)
def healthz() -> Alive:
    """The process answers; touches neither the database nor the models (a restart would not
    help with those: that is what ``/readyz`` is for)."""
    return Alive(status="alive")


@probes.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "a check failed; see checks"}},
)
def readyz(engine: EngineDep, state: ServiceDep) -> Readiness | JSONResponse:
    """Ready when the database answers, its schema is at the migrations' head, and every model
    kind has a model (not only the rule ranking) with the serving feature list."""
    checks = [
        *database_checks(engine),
        *model_checks(state),
    ]
    failed = [check for check in checks if not check.ok]
    answer = Readiness(
        status="unavailable" if failed else "ready",
        message=NOT_READY + "; ".join(f"{c.name}: {c.detail}" for c in failed)
        if failed
        else "ready",
        message_zh=NOT_READY_ZH + "；".join(c.detail_zh for c in failed) if failed else READY_ZH,
        checks={
            check.name: CheckResult(ok=check.ok, detail=check.detail, detail_zh=check.detail_zh)
            for check in checks
        },
    )
    if failed:
        return JSONResponse(status_code=503, content=answer.model_dump())
    return answer


@probes.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
def metrics(collected: MetricsDep) -> Response:
    """Prometheus metrics of this process (see ``serving.api.metrics``)."""
    registry = collected.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
