"""Audit rows for refused requests: failed logins, bad or missing tokens (401), roles refused (403).

A row names the path, the method, the username when one is known and the reason; never the
token or the password. Refusals that anyone can cause without an account (no or bad token,
unknown username, throttled login) go through ``audit_limited``: the first of a kind per client
address and minute gets a row, the rest are counted into one summary row
(``serving.api.audit_limit``), so anonymous traffic cannot grow the table per request.

Writing a row is best effort: when the database cannot take the row the refusal is logged and
answered as it would have been — an audit failure must not turn a 401 into a 500. A record
outside the caller's county is answered 404 like a missing one and is not audited here,
so the audit log does not tell them apart either.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any, Literal

import jwt
from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from matching.storage import append_audit
from matching.validators import mask_sensitive
from serving.api.audit_limit import RefusalKey, RefusalLimiter, Summary
from serving.api.tokens import ALGORITHM

__all__ = [
    "RefusalAction",
    "audit_limited",
    "audit_refusal",
    "client_address",
    "token_username",
    "write_summaries",
]

log = logging.getLogger(__name__)
RefusalAction = Literal["login_failed", "login_throttled", "auth_failed", "forbidden"]
ANONYMOUS = "anonymous"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(text: str, limit: int) -> str:
    """Printable, masked (no full ID or certificate number) and at most ``limit`` characters."""
    return mask_sensitive(_CONTROL.sub("?", text))[:limit]


def token_username(token: str, key: str, algorithm: str) -> str | None:
    """The username of a correctly signed token even when it has expired, else ``None``.

    A token whose signature does not verify names nobody: its claims are the sender's invention.
    """
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[algorithm], options={"verify_exp": False}
        )
    except jwt.PyJWTError:
        return None
    username = claims.get("sub")
    return username if isinstance(username, str) else None


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (behind a reverse proxy, uvicorn takes it from
    ``X-Forwarded-For`` when the proxy is in ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def request_username(request: Request) -> str | None:
    """The username of the request's bearer token (already checked by the route), if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return token_username(token, request.app.state.settings.signing_key(), ALGORITHM)


def audit_refusal(
    request: Request,
    *,
    action: RefusalAction,
    status: int,
    reason: str,
    username: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Append one audit row for a refused request, in its own transaction (best effort)."""
    who = clean(username, 50) if username else None
    detail: dict[str, Any] = {
        "status": status,
        "method": request.method,
        "path": clean(request.url.path, 200),
        "reason": clean(reason, 300),
        "username": who,
    } | (extra or {})
    _append(request.app.state.sessions, who or ANONYMOUS, action, detail)


def audit_limited(
    request: Request,
    *,
    action: RefusalAction,
    status: int,
    reason: str,
    kind: str,
    username: str | None = None,
) -> None:
    """Audit a refusal through the app's ``RefusalLimiter``: a row when it is the first of its
    ``kind`` from this address (and username) this minute, else only counted; plus any due
    summaries."""
    limiter: RefusalLimiter = request.app.state.refusal_limiter
    address = clean(client_address(request), 64)
    who = clean(username, 50) if username else None
    written, due = limiter.admit(RefusalKey(action, address, kind, who))
    write_summaries(request.app.state.sessions, due)
    if written is not None:
        extra = {"client": written.address, "kind": written.kind}
        audit_refusal(
            request, action=action, status=status, reason=reason, username=who, extra=extra
        )


def write_summaries(sessions: sessionmaker[Session], summaries: list[Summary]) -> None:
    """One row per summary: how many refusals of a key were counted, not written, and since
    when (best effort like every refusal row)."""
    for summary in summaries:
        key = summary.key
        since = datetime.fromtimestamp(summary.since, UTC).isoformat(timespec="seconds")
        detail = {
            "summary": True,
            "count": summary.count,
            "since": since,
            "client": key.address,
            "kind": key.kind,
            "username": key.username,
            "reason": f"{summary.count} more refusal(s) of kind {key.kind!r} from "
            f"{key.address} in the minute from {since}, not audited one by one",
        }
        _append(sessions, key.username or ANONYMOUS, key.action, detail)


def _append(
    sessions: sessionmaker[Session], actor: str, action: str, detail: dict[str, Any]
) -> None:
    try:
        with sessions.begin() as session:
            append_audit(
                session, actor=actor, action=action, entity="request", entity_id=None, detail=detail
            )
    except SQLAlchemyError as error:
        log.warning(
            "could not audit %s (%s %s): %s",
            action,
            detail.get("status", "summary"),
            detail.get("path", ""),
            type(error).__name__,
        )
