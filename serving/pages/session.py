"""The pages' login session: the API's own token in an HttpOnly cookie, a CSRF token per form.

A page request carries the same signed token an API client sends as a bearer token
(``serving.api.tokens``), in the ``jm_session`` cookie (HttpOnly: no script reads it; SameSite
Strict: no other site's page sends it), and is checked by the same ``caller_of``: a deactivated
user, a changed role or a logout ends the session at the next click. The token lives
``token_minutes``; each page served more than ``RENEW_AFTER`` after it was issued renews it, so
``token_minutes`` without a click is the idle timeout and ``session_max_minutes`` after the
password the session ends whatever the activity.

Every form that changes something carries ``csrf_token``: an HMAC of the session (user, token
version, login time) under the signing key, so it changes at each login and dies with a logout.
The login form, before any session, is protected by a random value in a cookie that the form
repeats (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from matching.access import Caller
from matching.errors import AuthError, ForbiddenError
from matching.settings import Settings
from matching.storage import User
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.security import caller_of
from serving.api.tokens import decode_token, issue_token

SESSION_COOKIE = "jm_session"
LOGIN_CSRF_COOKIE = "jm_login_csrf"
LARGE_TYPE_COOKIE = "jm_large"
CSRF_FIELD = "csrf_token"
RENEW_AFTER = timedelta(minutes=2)
CSRF_REFUSED_ZH = "页面已过期或来源不明（安全校验未通过），请刷新页面后重试"


class LoginRequired(Exception):
    """No valid session: the page handler answers with a redirect to the login page."""

    def __init__(self, message_zh: str | None) -> None:
        super().__init__(message_zh or "login required")
        self.message_zh = message_zh


def page_caller(request: Request, settings: SettingsDep, sessions: SessionsDep) -> Caller:
    """The logged-in caller of a page; ``LoginRequired`` (a redirect) when there is none. Renews
    the token when it is old enough (``renewed_token`` on the request's state)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired(None)
    try:
        caller = caller_of(request, token)
    except HTTPException as error:
        detail: dict[str, str] = error.detail if isinstance(error.detail, dict) else {}
        raise LoginRequired(detail.get("message_zh")) from None
    request.state.page_caller = caller
    claims = decode_token(token, settings)
    request.state.csrf = csrf_token(settings, claims.user_id, claims.version, claims.auth_time)
    if datetime.now(UTC) - claims.issued > RENEW_AFTER:
        with sessions() as session:
            user = session.get(User, caller.user_id)
        try:
            if user is not None:
                request.state.renewed_token = issue_token(
                    user, settings, auth_time=claims.auth_time
                )
                request.state.session_seconds = settings.session_max_minutes * 60
        except AuthError:  # past the maximum session age: this token runs out, then log in
            pass
    return caller


PageCaller = Annotated[Caller, Depends(page_caller)]


def csrf_token(settings: Settings, user_id: int, version: int, auth_time: datetime) -> str:
    message = f"csrf|{user_id}|{version}|{int(auth_time.timestamp())}".encode()
    return hmac.new(settings.signing_key().encode(), message, hashlib.sha256).hexdigest()[:40]


async def checked_form(request: Request, caller: PageCaller) -> dict[str, str]:
    """The posted form of a logged-in page, after its CSRF token is checked (403 otherwise);
    text fields only (an upload form reads its file itself, after this check)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = getattr(request.state, "csrf", "")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise ForbiddenError(f"CSRF token missing or wrong ({caller.username})", CSRF_REFUSED_ZH)
    return {key: value for key, value in form.items() if isinstance(value, str)}


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def login_csrf_ok(request: Request, sent: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(cookie and sent and hmac.compare_digest(cookie, sent))


def set_session(request: Request, response: Response, token: str, seconds: int) -> None:
    """The session cookie, kept by the browser ``seconds`` (the maximum session age)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def finish(request: Request, response: Response) -> Response:
    """Set a renewed session token, if the request earned one, on the page's response."""
    renewed = getattr(request.state, "renewed_token", None)
    if renewed:
        set_session(request, response, renewed, request.state.session_seconds)
    return response


def safe_next(target: str | None) -> str:
    """A path on this site to go back to after login; anything else (another host, a scheme,
    ``//host``) goes home."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/"
    return target


def login_redirect(request: Request, message_zh: str | None) -> RedirectResponse:
    path = request.url.path
    query = f"?next={quote(path)}" if path not in ("/", "/login") else ""
    if message_zh and query:
        query += "&expired=1"
    elif message_zh:
        query = "?expired=1"
    response = RedirectResponse(f"/login{query}", status_code=303)
    clear_session(response)
    return response
