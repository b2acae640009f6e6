"""The one place where jobmatch errors become HTTP answers (never a bare 500)."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matching.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    ImportFileError,
    ImportTooLargeError,
    JobmatchError,
    NotFoundError,
    ValidationError,
)
from serving.metrics import route_template

log = logging.getLogger(__name__)
# The database cannot be reached (server down, network, file gone) or the pool is exhausted:
# 503, and the same request succeeds once it is back, without a restart.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeoutError)
DATABASE_DOWN_BODY = {
    "error": "DatabaseUnavailable",
    "message": "the database cannot be reached; retry in a few seconds (GET /readyz shows "
    "which check fails)",
    "message_zh": "数据库暂时无法连接，请稍后重试；如持续出现，请联系系统管理员",
}
RETRY_AFTER_SECONDS = "5"


class AsciiJSONResponse(JSONResponse):
    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


STATUS_BY_ERROR: list[tuple[type[JobmatchError], int]] = [
    (ValidationError, 422),
    (ImportTooLargeError, 413),
    (ImportFileError, 422),
    (NotFoundError, 404),
    (ConflictError, 409),
    (AuthError, 401),
    (ForbiddenError, 403),
]


def status_for(error: JobmatchError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 400


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(JobmatchError)
    async def _jobmatch_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, JobmatchError)
        body: dict[str, str | None] = {
            "error": type(error).__name__,
            "message": str(error),
            "message_zh": error.message_zh,
        }
        if isinstance(error, ValidationError):
            body |= {"code": error.code, "field": error.field}
        return JSONResponse(status_code=status_for(error), content=body)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
        """FastAPI's 422 shape plus a Chinese summary, rendered as ASCII JSON: an input echoed
        back with a lone surrogate (valid in JSON, not in UTF-8) cannot turn it into a 500."""
        assert isinstance(error, RequestValidationError)
        fields = sorted(
            {".".join(str(part) for part in item["loc"][1:]) for item in error.errors()}
        )
        body = {
            "detail": jsonable_encoder(error.errors()),
            "message_zh": "请求内容不符合要求，请检查：" + "、".join(fields)[:200],
        }
        return AsciiJSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: Exception) -> Response:
        """One body shape: a structured ``detail`` (401/403 from security) is the body itself."""
        assert isinstance(error, StarletteHTTPException)
        if isinstance(error.detail, dict):
            return JSONResponse(error.detail, status_code=error.status_code, headers=error.headers)
        return await http_exception_handler(request, error)

    async def _database_down(request: Request, error: Exception) -> JSONResponse:
        """503 with one bilingual body; logged by type only (the error's text can hold the
        statement's parameters, an ID number among them)."""
        route = route_template(request.scope)
        log.warning("database unavailable: %s %s (%s)", request.method, route, _cause(error))
        return JSONResponse(
            DATABASE_DOWN_BODY, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )

    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, _database_down)


def _cause(error: Exception) -> str:
    original = getattr(error, "orig", None)
    return type(error).__name__ + (f"/{type(original).__name__}" if original is not None else "")
