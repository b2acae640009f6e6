"""A password login, as the API's token route and the pages' login form both do it: throttled
per username and address (``serving.api.login_throttle``), audited, one answer for a wrong
username and a wrong password."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from matching.accounts import check_login
from matching.storage import User
from serving.api.auth_audit import audit_limited, audit_refusal, client_address
from serving.api.login_throttle import LoginThrottle


@dataclass(frozen=True)
class LoginOutcome:
    """``user`` when the password was right; else ``retry_after`` seconds when throttled (429),
    or neither (401)."""

    user: User | None
    retry_after: int | None = None


def password_login(request: Request, username: str, password: str) -> LoginOutcome:
    throttle: LoginThrottle = request.app.state.login_throttle
    address = client_address(request)
    wait = throttle.attempt(username, address)
    if wait is not None:
        audit_limited(
            request, action="login_throttled", status=429, kind="throttled",
            reason=f"too many failed logins; blocked for {wait} s",
        )  # fmt: skip
        return LoginOutcome(None, wait)
    # No username holds a NUL, and PostgreSQL refuses one in a query: look up nobody instead
    # (check_login still spends a hash verification, so the answer takes the usual time).
    lookup = "" if "\x00" in username else username
    try:
        with request.app.state.sessions() as session:
            user, known = check_login(session, lookup, password)
    except Exception:  # e.g. the database is down (503): that was no wrong password
        throttle.cancel(username, address)
        raise
    if user is None:
        reason = "wrong username or password, or inactive user"
        if known:  # one row per attempt: bounded by the throttle of a real username
            audit_refusal(request, action="login_failed", status=401, reason=reason,
                          username=username)  # fmt: skip
        else:  # anyone can invent usernames: summed up per address and minute
            audit_limited(
                request, action="login_failed", status=401, kind="unknown_user",
                reason="unknown username " + repr(username[:60]),
            )  # fmt: skip
        return LoginOutcome(None)
    throttle.succeeded(username, address)
    return LoginOutcome(user)
