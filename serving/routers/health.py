"""Liveness and readiness: is the database reachable and migrated."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])


@router.get("/health")
def health(request: Request) -> JSONResponse:
    """200 when the database answers and is migrated, 503 (with the reason) otherwise."""
    try:
        with request.app.state.engine.connect() as connection:
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
