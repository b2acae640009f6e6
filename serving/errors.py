"""The one place where jobmatch errors become HTTP answers (never a bare 500)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from matching.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    ImportFileError,
    JobmatchError,
    NotFoundError,
    ValidationError,
)

STATUS_BY_ERROR: list[tuple[type[JobmatchError], int]] = [
    (ValidationError, 422),
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
        body: dict[str, str | None] = {"error": type(error).__name__, "message": str(error)}
        if isinstance(error, ValidationError):
            body |= {"code": error.code, "field": error.field, "message_zh": error.message_zh}
        elif isinstance(error, ImportFileError):
            body["message_zh"] = error.message_zh
        return JSONResponse(status_code=status_for(error), content=body)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: Exception) -> Response:
        """One body shape: a structured ``detail`` (401/403 from security) is the body itself."""
        assert isinstance(error, StarletteHTTPException)
        if isinstance(error.detail, dict):
            return JSONResponse(error.detail, status_code=error.status_code, headers=error.headers)
        return await http_exception_handler(request, error)
