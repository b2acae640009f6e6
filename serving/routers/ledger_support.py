"""The plumbing of the ledger routes: the route class, sessions, the caller, documented errors
and Excel answers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, compile_path
from starlette.types import Receive, Send
from starlette.types import Scope as AsgiScope

from matching import ledgers
from matching.ledgers import Caller
from matching.ledgers.errors import LedgerConflict, LedgerNotFound
from serving.errors import status_for
from serving.schemas.common import STATUS_TEXT, ErrorBody, RequestProblem, error_responses
from serving.security import Principal

STATIC = frozenset({"worklist", "summary", "summary.xlsx"})  # paths beside /ledgers/{ledger_id}


class LedgerRoute(APIRoute):
    """A route that leaves the static paths (``/ledgers/worklist``...) to their own routes
    whatever the method (PATCH of ``/ledgers/worklist`` is a 405, not a ledger id that is no
    number), answers a wrong method with 405 and an ``Allow`` naming every method of the path
    (Starlette names only the first route's), and answers the ledger errors with their Chinese
    message (the app-wide handler adds ``message_zh`` to validation errors only)."""

    def matches(self, scope: AsgiScope) -> tuple[Match, AsgiScope]:
        match, child = super().matches(scope)
        if match is not Match.NONE and child.get("path_params", {}).get("ledger_id") in STATIC:
            return Match.NONE, {}
        return match, child

    async def handle(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            allowed = ", ".join(sorted(methods_at(scope) | self.methods))
            raise StarletteHTTPException(status_code=405, headers={"Allow": allowed})
        await super().handle(scope, receive, send)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (LedgerConflict, LedgerNotFound) as error:
                body: dict[str, str | None] = {
                    "error": "ConflictError"
                    if isinstance(error, LedgerConflict)
                    else "NotFoundError",
                    "message": str(error),
                    "message_zh": error.message_zh,
                }
                if isinstance(error, LedgerConflict):
                    body |= {"code": error.code, "field": error.field}
                return JSONResponse(status_code=status_for(error), content=body)

        return answer


def methods_at(scope: AsgiScope) -> set[str]:
    """Every method some route of the app serves at the request's path (a static ledger path
    is not a ledger id)."""
    path = scope["path"].removeprefix(scope.get("root_path", ""))
    methods: set[str] = set()
    for route in iter_route_contexts(getattr(scope.get("app"), "routes", [])):
        found = compile_path(route.path_format)[0].match(path) if route.path_format else None
        if found and route.methods and found.groupdict().get("ledger_id") not in STATIC:
            methods |= route.methods
    return methods


ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)  # routes with a JSON body
# A binary route's own media type would be applied to ``model`` responses, so its JSON error
# bodies are spelled out (the components exist: the other routes use the same models).
_ERROR_BODY = {"$ref": f"#/components/schemas/{ErrorBody.__name__}"}
_JSON_ERROR = {"application/json": {"schema": _ERROR_BODY}}
_JSON_UNPROCESSABLE = {
    "application/json": {
        "schema": {
            "anyOf": [_ERROR_BODY, {"$ref": f"#/components/schemas/{RequestProblem.__name__}"}]
        }
    }
}
XLSX_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "an Excel workbook (.xlsx) with Chinese sheets and headers",
        "content": {ledgers.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    },
    401: {"description": STATUS_TEXT[401], "content": _JSON_ERROR},
    403: {"description": STATUS_TEXT[403], "content": _JSON_ERROR},
    404: {"description": STATUS_TEXT[404], "content": _JSON_ERROR},
    422: {"description": STATUS_TEXT[422], "content": _JSON_UNPROCESSABLE},
}


class XlsxResponse(Response):
    media_type = ledgers.XLSX_MEDIA_TYPE


def caller_of(principal: Principal) -> Caller:
    """The domain's view of the principal, with the same county rule as ``can_see_county``."""
    if principal.is_city_wide:
        counties = None
    else:
        counties = frozenset({principal.county}) if principal.county else frozenset()
    return Caller(user_id=principal.user_id, username=principal.username, counties=counties)


@contextmanager
def writing(request: Request) -> Iterator[Session]:
    """One committed transaction; a unique clash from a concurrent write is a 409, not a 500."""
    try:
        with request.app.state.sessions.begin() as session:
            yield session
    except IntegrityError:
        raise LedgerConflict(
            "concurrent_write",
            "the write clashed with a concurrent change; reload and retry",
            "数据刚被他人修改，请刷新后重试",
        ) from None


def reading(request: Request) -> Session:
    session: Session = request.app.state.sessions()
    return session


def xlsx(export: ledgers.Export) -> XlsxResponse:
    return XlsxResponse(
        export.content,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
