"""Login tokens: short-lived HS256 JWTs, renewable up to a maximum session age, revocable.

A token lives ``token_minutes`` (30 by default) and names the user's ``token_version`` (claim
``ver``); raising the version (logout, password change, deactivation) revokes every token of
that user at its next request. ``POST /api/auth/refresh`` exchanges a still-valid token for a
new one with the same ``auth_time`` (the password login), never beyond ``session_max_minutes``
after it: then the user logs in with the password again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from matching.codes import USER_ROLES
from matching.errors import AuthError
from matching.settings import Settings
from matching.storage import User

__all__ = ["ALGORITHM", "TOKEN_URL", "TokenClaims", "decode_token", "issue_token"]

ALGORITHM = "HS256"
TOKEN_URL = "/api/auth/token"
REQUIRED = ["sub", "uid", "role", "ver", "auth_time", "exp", "iat"]


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says; ``county`` None means city-wide."""

    user_id: int
    username: str
    role: str
    county: str | None
    version: int
    auth_time: datetime  # when the user gave their password
    issued: datetime
    expires: datetime

    @property
    def lifetime_seconds(self) -> int:
        return int((self.expires - self.issued).total_seconds())


def issue_token(
    user: User,
    settings: Settings,
    *,
    now: datetime | None = None,
    auth_time: datetime | None = None,
) -> str:
    """A signed token for ``user`` valid ``token_minutes``, cut short at ``session_max_minutes``
    after ``auth_time`` (default: now, a password login). ``AuthError`` when that has passed."""
    issued = now or datetime.now(UTC)
    login = auth_time or issued
    expires = min(
        issued + timedelta(minutes=settings.token_minutes),
        login + timedelta(minutes=settings.session_max_minutes),
    )
    if expires <= issued:
        raise AuthError(
            f"the session is older than {settings.session_max_minutes} minutes; log in again "
            f"at POST {TOKEN_URL}",
            "登录时间已超过上限，请重新输入密码登录",
        )
    claims = {
        "sub": user.username,
        "uid": user.id,
        "role": user.role,
        "county": user.county,
        "ver": user.token_version or 0,
        "auth_time": int(login.timestamp()),
        "iat": issued,
        "exp": expires,
    }
    return jwt.encode(claims, settings.signing_key(), algorithm=ALGORITHM)


def decode_token(token: str, settings: Settings) -> TokenClaims:
    """The claims of a genuine, unexpired token; ``AuthError`` when it is malformed, tampered,
    expired or issued before this token format (no ``ver``)."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token, settings.signing_key(), algorithms=[ALGORITHM], options={"require": REQUIRED}
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("the token has expired; log in again at POST " + TOKEN_URL) from None
    except jwt.PyJWTError as error:
        raise AuthError(f"invalid token ({type(error).__name__}); log in again") from None
    user_id, username, version = claims["uid"], claims["sub"], claims["ver"]
    role, county, auth_time = claims["role"], claims.get("county"), claims["auth_time"]
    if (
        not isinstance(user_id, int)
        or not isinstance(username, str)
        or role not in USER_ROLES
        or not (county is None or isinstance(county, str))
        or not isinstance(version, int)
        or not isinstance(auth_time, int)
    ):
        raise AuthError("invalid token (unexpected claims); log in again")
    return TokenClaims(
        user_id=user_id,
        username=username,
        role=role,
        county=county,
        version=version,
        auth_time=datetime.fromtimestamp(auth_time, UTC),
        issued=datetime.fromtimestamp(claims["iat"], UTC),
        expires=datetime.fromtimestamp(claims["exp"], UTC),
    )
