"""Audit rows for refused requests: failed logins, bad or missing tokens (401), roles refused (403).

A row names the path, the method, the username when one is known and the reason; never the
token or the password. Writing it is best effort: when the database cannot take the row the
refusal is logged and answered as it would have been — an audit failure must not turn a 401
into a 500. A record outside the caller's county is answered 404 like a missing one and is not
audited here, so the audit log does not tell them apart either.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import jwt
from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from matching.storage import append_audit
from matching.validators import mask_sensitive

__all__ = ["RefusalAction", "audit_refusal", "token_username"]

log = logging.getLogger(__name__)
RefusalAction = Literal["login_failed", "auth_failed", "forbidden"]
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


def audit_refusal(
    request: Request,
    *,
    action: RefusalAction,
    status: int,
    reason: str,
    username: str | None = None,
) -> None:
    """Append one audit row for a refused request, in its own transaction (best effort)."""
    who = clean(username, 50) if username else None
    detail: dict[str, Any] = {
        "status": status,
        "method": request.method,
        "path": clean(request.url.path, 200),
        "reason": clean(reason, 300),
        "username": who,
    }
    try:
        with request.app.state.sessions.begin() as session:
            append_audit(
                session,
                actor=who or ANONYMOUS,
                action=action,
                entity="request",
                entity_id=None,
                detail=detail,
            )
    except SQLAlchemyError as error:
        log.warning(
            "could not audit %s (%s %s): %s", action, status, detail["path"], type(error).__name__
        )
