"""The one place where jobmatch errors become HTTP answers (never a bare 500)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.utils import is_body_allowed_for_status_code
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
    UnavailableError,
    ValidationError,
)
from serving.api.auth_audit import audit_refusal, request_username
from serving.api.metrics import route_template

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
# What the HTTP server itself answers to a request it cannot parse (serving/api/http_protocol.py).
SERVER_BAD_REQUEST_BODY = {
    "error": "BadRequest",
    "message": "invalid HTTP request (a URL longer than about 64 KB, or a malformed request line "
    "or header)",
    "message_zh": "请求无效：网址过长（超过约64KB）或请求格式错误，请缩短查询条件后重试",
}
SERVER_HEADERS_TOO_LARGE_BODY = {
    "error": "HeadersTooLarge",
    "message": "the request's header lines are larger than 64 KB together",
    "message_zh": "请求头过大（超过64KB），请清除浏览器中本网站的Cookie后重试",
}
NOT_JSON_ZH = "请求内容不是有效的JSON（须为UTF-8编码的JSON，且嵌套不能过深），请检查后重试"
BAD_FORM_ZH = "上传的表单无法解析（格式错误，或字段名、字段内容过长、字段过多），请重新选择文件上传"
# Chinese for the HTTP errors FastAPI and Starlette raise themselves (400 is told apart above).
HTTP_ZH = {
    404: "请求的地址不存在，请检查网址",
    405: "该地址不支持此请求方法",
    413: "请求内容过大，请减小后重试",
    414: "请求的网址过长，请缩短查询条件后重试",
    415: "请求内容的类型不受支持",
    431: "请求头过大，请清除浏览器缓存或重新登录后重试",
}


class AsciiJSONResponse(JSONResponse):
    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


# The error families of matching.errors and their statuses, most specific first: an error's
# ``error`` name in the answer is its family (OutOfCounty answers as ForbiddenError).
STATUS_BY_ERROR: list[tuple[type[JobmatchError], int]] = [
    (ValidationError, 422),
    (ImportTooLargeError, 413),
    (ImportFileError, 422),
    (NotFoundError, 404),
    (ConflictError, 409),
    (AuthError, 401),
    (ForbiddenError, 403),
    (UnavailableError, 503),
]
UNAVAILABLE_NAME = "ServiceUnavailable"


def status_for(error: JobmatchError) -> int:
    return next((status for kind, status in STATUS_BY_ERROR if isinstance(error, kind)), 400)


def error_body(error: JobmatchError) -> dict[str, Any]:
    """The one answer shape of a jobmatch error: its family, both messages, and the fields a
    family carries (``code``, ``field``; a conflict's ``allowed``)."""
    family = next((kind for kind, _ in STATUS_BY_ERROR if isinstance(error, kind)), JobmatchError)
    body: dict[str, Any] = {
        "error": UNAVAILABLE_NAME if family is UnavailableError else family.__name__,
        "message": str(error),
        "message_zh": error.message_zh,
    }
    if isinstance(error, ValidationError):
        body |= {"code": error.code, "field": error.field}
    elif isinstance(error, ConflictError) and error.code is not None:
        body |= {"code": error.code, "field": error.field, "allowed": list(error.allowed)}
    elif isinstance(error, UnavailableError):
        body["status"] = "unavailable"
    return body


# The pages' renderer of an error (``serving.pages``): a page for a request of a page, None for
# an API request, which gets the JSON body.
HtmlErrorPage = Callable[[Request, int, dict[str, Any]], Response | None]


def install_error_handlers(app: FastAPI, html_page: HtmlErrorPage | None = None) -> None:
    def answer(
        request: Request,
        status: int,
        body: dict[str, Any],
        headers: Mapping[str, str] | None = None,
        response_class: type[JSONResponse] = JSONResponse,
    ) -> Response:
        page = html_page(request, status, body) if html_page is not None else None
        if page is None:
            return response_class(body, status_code=status, headers=headers)
        page.headers.update(headers or {})
        return page

    @app.exception_handler(JobmatchError)
    async def _jobmatch_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, JobmatchError)
        status = status_for(error)
        if isinstance(error, ForbiddenError):  # a write refused for its county or a role's act
            await run_in_threadpool(
                audit_refusal,
                request,
                action="forbidden",
                status=403,
                reason=str(error),
                username=request_username(request),
            )
        headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else None
        return answer(request, status, error_body(error), headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return answer(request, 422, request_problem(error.errors()), None, AsciiJSONResponse)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: Exception) -> Response:
        """One body shape: a structured ``detail`` (401/403 from security) is the body itself;
        a text one (FastAPI's and Starlette's own 400, 404, 405, 413) gets the error shape."""
        assert isinstance(error, StarletteHTTPException)
        if isinstance(error.detail, dict):
            return answer(request, error.status_code, error.detail, error.headers)
        if not is_body_allowed_for_status_code(error.status_code):
            return Response(status_code=error.status_code, headers=error.headers)
        body = http_problem(error.status_code, error.detail, request.headers.get("content-type"))
        return answer(request, error.status_code, body, error.headers)

    async def _database_down(request: Request, error: Exception) -> Response:
        """503 with one bilingual body; logged by type only (the error's text can hold the
        statement's parameters, an ID number among them)."""
        route = route_template(request.scope)
        log.warning("database unavailable: %s %s (%s)", request.method, route, _cause(error))
        return answer(request, 503, DATABASE_DOWN_BODY, {"Retry-After": RETRY_AFTER_SECONDS})

    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, _database_down)


def request_problem(errors: Sequence[Any]) -> dict[str, Any]:
    """FastAPI's 422 ``detail`` inside the error shape: the first field in ``field``, a Chinese
    summary naming every field; a body that is not JSON at all says so. Rendered as ASCII JSON:
    an input echoed back with a lone surrogate (valid in JSON, not in UTF-8) cannot turn it into
    a 500. An input too deeply nested to encode is left out rather than fail the answer."""
    fields = sorted(
        {".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0]) for item in errors}
    )
    not_json = next((item for item in errors if item.get("type") == "json_invalid"), None)
    try:
        detail = jsonable_encoder(errors)
        json.dumps(detail)
    except (RecursionError, ValueError):
        detail = jsonable_encoder([{k: v for k, v in e.items() if k != "input"} for e in errors])
    if not_json is not None:
        reason = not_json.get("ctx", {}).get("error", "")
        return {
            "error": "RequestValidationError",
            "message": f"the body is not valid JSON: {reason} at character {not_json['loc'][-1]}",
            "message_zh": f"{NOT_JSON_ZH}（第{not_json['loc'][-1]}个字符附近）",
            "code": "json_invalid",
            "field": None,
            "detail": detail,
        }
    return {
        "error": "RequestValidationError",
        "message": "the request does not fit the declared types: " + ", ".join(fields)[:200],
        "message_zh": "请求内容不符合要求，请检查：" + "、".join(fields)[:200],
        "code": "request_invalid",
        "field": fields[0] if fields else None,
        "detail": detail,
    }


def http_problem(status: int, detail: str, content_type: str | None) -> dict[str, Any]:
    """The error shape for an HTTP error raised with a text ``detail`` by FastAPI or Starlette
    (a body that cannot be parsed, no such route, a wrong method, a body too large)."""
    try:
        name = HTTPStatus(status).phrase.replace(" ", "").replace("-", "")
    except ValueError:
        name = "HTTPError"
    message_zh = HTTP_ZH.get(status, "请求无法处理，请检查后重试")
    if status == 400:
        multipart = (content_type or "").lower().startswith("multipart/")
        message_zh = BAD_FORM_ZH if multipart else NOT_JSON_ZH
    return {"error": name, "message": detail, "message_zh": message_zh, "detail": detail}


def _cause(error: Exception) -> str:
    original = getattr(error, "orig", None)
    return type(error).__name__ + (f"/{type(original).__name__}" if original is not None else "")
