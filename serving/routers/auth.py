"""Login (OAuth2 password flow) and "who am I"; the token route is public by design."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from matching.accounts import authenticate
from matching.codes import COUNTIES, USER_ROLES
from matching.settings import Settings
from serving.auth_audit import audit_refusal
from serving.security import CurrentCaller, issue_token

router = APIRouter(prefix="/auth", tags=["auth"])
WRONG_CREDENTIALS_ZH = "用户名或密码错误"


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
    responses={401: {"description": "wrong username or password, or inactive user"}},
)
def login(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenAnswer | JSONResponse:
    """Exchange a username and password for a bearer token."""
    settings: Settings = request.app.state.settings
    # No username holds a NUL, and PostgreSQL refuses one in a query: look up nobody instead
    # (authenticate still spends a hash verification, so the answer takes the usual time).
    username = "" if "\x00" in form.username else form.username
    with request.app.state.sessions() as session:
        user = authenticate(session, username, form.password)
    if user is None:
        reason = "wrong username or password, or inactive user"
        audit_refusal(
            request, action="login_failed", status=401, reason=reason, username=form.username
        )
        return JSONResponse(
            status_code=401,
            content={
                "error": "AuthError",
                "message": "wrong username or password (or the user is inactive)",
                "message_zh": WRONG_CREDENTIALS_ZH,
            },
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TokenAnswer(
        access_token=issue_token(user, settings),
        expires_in=settings.token_minutes * 60,
        role=user.role,
        county=user.county,
    )


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
