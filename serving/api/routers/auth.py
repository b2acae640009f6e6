"""Login (OAuth2 password flow, throttled), token refresh, logout and "who am I".

The token route is public by design; refresh and logout need a valid token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from matching.accounts import revoke_tokens
from matching.codes import COUNTIES, USER_ROLES
from matching.errors import AuthError
from matching.settings import Settings
from matching.storage import User
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.password_login import password_login
from serving.api.security import CurrentCaller, oauth2_scheme, unauthorized
from serving.api.tokens import decode_token, issue_token

router = APIRouter(prefix="/auth", tags=["auth"])
WRONG_CREDENTIALS_ZH = "用户名或密码错误"
SESSION_OVER_ZH = "登录时间已超过上限，请重新输入密码登录"


class TokenAnswer(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    county: str | None


class Me(BaseModel):
    user_id: int
    username: str
    role: str
    role_zh: str
    county: str | None
    county_zh: str | None


@router.post(
    "/token",
    response_model=TokenAnswer,
    responses={
        401: {"description": "wrong username or password, or inactive user"},
        429: {"description": "too many failed logins for this username or address; see "
              "Retry-After"},
    },
)  # fmt: skip
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    settings: SettingsDep,
) -> TokenAnswer | JSONResponse:
    """Exchange a username and password for a bearer token (throttled: after repeated failures
    429 with ``Retry-After``, before any password is checked)."""
    outcome = password_login(request, form.username, form.password)
    if outcome.retry_after is not None:
        wait = outcome.retry_after
        return JSONResponse(
            status_code=429,
            content={
                "error": "TooManyLoginFailures",
                "message": f"too many failed logins for this username or from this address; "
                f"retry in {wait} seconds",
                "message_zh": f"登录失败次数过多，请在{wait}秒后重试",
            },
            headers={"Retry-After": str(wait)},
        )
    user = outcome.user
    if user is None:
        return JSONResponse(
            status_code=401,
            content={
                "error": "AuthError",
                "message": "wrong username or password (or the user is inactive)",
                "message_zh": WRONG_CREDENTIALS_ZH,
            },
            headers={"WWW-Authenticate": "Bearer"},
        )
    return _answer(user, settings, issue_token(user, settings))


@router.post(
    "/refresh",
    response_model=TokenAnswer,
    responses={401: {"description": "no valid token, or the session is past its maximum age"}},
)
def refresh(
    caller: CurrentCaller,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    settings: SettingsDep,
    sessions: SessionsDep,
) -> TokenAnswer:
    """A new token for a still-valid one, with the same login time: sessions end
    ``session_max_minutes`` after the password was given, however often they are refreshed."""
    claims = decode_token(token or "", settings)  # current_caller has accepted it
    with sessions() as session:
        user = session.get_one(User, caller.user_id)
    try:
        renewed = issue_token(user, settings, auth_time=claims.auth_time)
    except AuthError as error:
        raise unauthorized(str(error), SESSION_OVER_ZH) from None
    return _answer(user, settings, renewed)


@router.post("/logout", status_code=204, response_class=Response)
def logout(caller: CurrentCaller, sessions: SessionsDep) -> Response:
    """Revoke every token of the caller (all their sessions, on every device)."""
    with sessions.begin() as session:
        revoke_tokens(session, caller.username, actor=caller.username)
    return Response(status_code=204)


@router.get("/me", response_model=Me)
def me(caller: CurrentCaller) -> Me:
    """The logged-in user, their role and county (empty county: city-wide)."""
    return Me(
        user_id=caller.user_id,
        username=caller.username,
        role=caller.role,
        role_zh=USER_ROLES.label(caller.role),
        county=caller.county,
        county_zh=COUNTIES.label(caller.county) if caller.county else None,
    )


def _answer(user: User, settings: Settings, token: str) -> TokenAnswer:
    return TokenAnswer(
        access_token=token,
        expires_in=decode_token(token, settings).lifetime_seconds,
        role=user.role,
        county=user.county,
    )
