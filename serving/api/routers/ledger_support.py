"""The plumbing of the ledger routes: the route class, sessions, the caller, documented errors
and Excel answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import Match
from starlette.types import Scope as AsgiScope

from matching import ledgers
from matching.errors import conflict
from serving.api.routers.allow_route import AllowRoute
from serving.api.schemas.common import binary_responses, error_responses

STATIC = frozenset({"worklist", "summary", "summary.xlsx"})  # paths beside /ledgers/{ledger_id}


class LedgerRoute(AllowRoute):
    """A route that leaves the static paths (``/ledgers/worklist``...) to their own routes
    whatever the method (PATCH of ``/ledgers/worklist`` is a 405, not a ledger id that is no
    number), and answers a wrong method with 405 and an ``Allow`` naming every method of the path
    (Starlette names only the first route's)."""

    def matches(self, scope: AsgiScope) -> tuple[Match, AsgiScope]:
        match, child = super().matches(scope)
        if match is not Match.NONE and self.other_path(child.get("path_params", {})):
            return Match.NONE, {}
        return match, child

    @staticmethod
    def other_path(path_params: dict[str, str]) -> bool:
        return path_params.get("ledger_id") in STATIC


ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)  # routes with a JSON body
XLSX_RESPONSES = binary_responses(
    ledgers.XLSX_MEDIA_TYPE, "an Excel workbook (.xlsx) with Chinese sheets and headers"
)


class XlsxResponse(Response):
    media_type = ledgers.XLSX_MEDIA_TYPE


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One committed transaction; a unique clash from a concurrent write is a 409, not a 500."""
    try:
        with sessions.begin() as session:
            yield session
    except IntegrityError:
        raise conflict(
            "concurrent_write",
            "the write clashed with a concurrent change; reload and retry",
            "数据刚被他人修改，请刷新后重试",
        ) from None


def reading(sessions: sessionmaker[Session]) -> Session:
    return sessions()


def xlsx(export: ledgers.Export) -> XlsxResponse:
    return XlsxResponse(
        export.content,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
