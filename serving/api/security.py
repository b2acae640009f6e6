"""Who is calling: bearer tokens (OAuth2 password flow, HS256 JWT), callers and role checks.

Deny by default: a route is public exactly when it does not depend on ``CurrentCaller`` (or on
``require_roles``, which depends on it). The public set is kept to the probes (``/healthz``,
``/readyz``, ``/metrics``, ``/api/health``: nothing about any person) and the login routes of
``serving.api.routers.auth``; every other router must take ``CurrentCaller`` or declare
``dependencies=[Depends(require_roles(...))]``, and asks the access policy (``matching.access``)
about every record it answers (a record the caller may not reach is answered as not found).

A token names its user and their token version (``serving.api.tokens``); each request re-reads that
user, so deactivating a user, changing their role or county, or revoking their tokens (logout,
password change: a new version) takes effect at once, not when the token expires.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select

from matching.access import Caller
from matching.codes import USER_ROLES
from matching.errors import AuthError, ConfigError
from matching.settings import Settings
from matching.storage import User
from serving.api.auth_audit import audit_limited, audit_refusal, token_username
from serving.api.tokens import ALGORITHM, TOKEN_URL, decode_token, issue_token

__all__ = [
    "ALGORITHM",
    "CurrentCaller",
    "caller_from_token",
    "caller_of",
    "issue_token",
    "oauth2_scheme",
    "require_roles",
]

NOT_LOGGED_IN_ZH = "未登录：请先登录再访问"
TOKEN_INVALID_ZH = "登录已失效或已过期，请重新登录"
USER_GONE_ZH = "账号不存在或已停用，请联系管理员"
REVOKED_ZH = "登录已失效（已退出登录或密码已更改），请重新登录"

# auto_error=False: a missing token gets the same bilingual 401 as a bad one.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


def caller_from_token(token: str, settings: Settings) -> Caller:
    """The caller a token names; ``AuthError`` when it is malformed, tampered or expired."""
    claims = decode_token(token, settings)
    return Caller(claims.user_id, claims.username, claims.role, claims.county)


def unauthorized(message: str, message_zh: str) -> HTTPException:
    """The 401 every login failure gets, with the ``WWW-Authenticate`` header OAuth2 asks for."""
    return HTTPException(
        status_code=401,
        detail={"error": "AuthError", "message": message, "message_zh": message_zh},
        headers={"WWW-Authenticate": "Bearer"},
    )


_USER_ROW = select(User.id, User.username, User.role, User.county, User.active, User.token_version)


def current_caller(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Caller:
    """The caller, from the bearer token and the current state of their user row."""
    return caller_of(request, token)


def caller_of(request: Request, token: str | None) -> Caller:
    """The caller a token names, checked against their user row now: 401 (``unauthorized``) when
    there is no token, it is invalid or expired, or the user is gone or the token revoked. The
    pages call this with the token of their session cookie."""
    if not token:
        audit_limited(
            request, action="auth_failed", status=401, reason="no bearer token", kind="no_token"
        )
        raise unauthorized(
            f"not logged in: send 'Authorization: Bearer <token>' from POST {TOKEN_URL}",
            NOT_LOGGED_IN_ZH,
        )
    settings: Settings = request.app.state.settings
    try:
        claimed = decode_token(token, settings)
    except AuthError as error:
        username = token_username(token, settings.signing_key(), ALGORITHM)
        kind = "expired_token" if username else "invalid_token"
        audit_limited(
            request,
            action="auth_failed",
            status=401,
            reason=str(error),
            kind=kind,
            username=username,
        )
        raise unauthorized(str(error), TOKEN_INVALID_ZH) from None
    with request.app.state.engine.connect() as connection:  # Core: a quarter of an ORM get
        user = connection.execute(_USER_ROW.where(User.id == claimed.user_id)).first()
    if user is None or not user.active or user.username != claimed.username:
        reason = "the user of the token no longer exists or is inactive"
        audit_limited(
            request, action="auth_failed", status=401, reason=reason, kind="user_gone",
            username=claimed.username,
        )  # fmt: skip
        raise unauthorized("the user of this token no longer exists or is inactive", USER_GONE_ZH)
    if user.token_version != claimed.version:
        reason = "the token was revoked (logout, password change or deactivation)"
        audit_limited(
            request, action="auth_failed", status=401, reason=reason, kind="revoked",
            username=claimed.username,
        )  # fmt: skip
        raise unauthorized(reason + "; log in again", REVOKED_ZH)
    return Caller(user_id=user.id, username=user.username, role=user.role, county=user.county)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: str) -> Callable[[Request, Caller], Awaitable[Caller]]:
    """A dependency that lets only ``roles`` through (403 otherwise) and returns the caller.

    The check runs on the event loop (a sync dependency would cost a hop to the thread pool on
    every request); only the audit row of a refusal goes to a worker thread.

    Use as ``dependencies=[Depends(require_roles("counselor", "admin"))]`` or as a parameter
    ``caller: Annotated[Caller, Depends(require_roles(...))]``.
    """
    unknown = [role for role in roles if role not in USER_ROLES]
    if not roles or unknown:
        raise ConfigError(
            f"require_roles needs roles from {', '.join(USER_ROLES.codes)}, got {roles!r}"
        )
    allowed = frozenset(roles)
    allowed_zh = "、".join(USER_ROLES.label(role) for role in roles)

    async def check_role(request: Request, caller: CurrentCaller) -> Caller:
        if caller.role not in allowed:
            message = f"role {caller.role!r} may not do this; allowed: " + ", ".join(roles)
            refusal = partial(
                audit_refusal,
                request,
                action="forbidden",
                status=403,
                reason=message,
                username=caller.username,
            )
            await run_in_threadpool(refusal)
            raise HTTPException(
                status_code=403,
                detail={
                    "error": "ForbiddenError",
                    "message": message,
                    "message_zh": f"当前角色（{USER_ROLES.label(caller.role)}）无权进行此操作，"
                    f"仅限：{allowed_zh}",
                },
            )
        return caller

    return check_role
