"""The login and logout forms and the large-type switch."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from matching.accounts import revoke_tokens
from matching.errors import ForbiddenError
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.password_login import password_login
from serving.api.tokens import issue_token
from serving.pages.session import (
    CSRF_REFUSED_ZH,
    LARGE_TYPE_COOKIE,
    LOGIN_CSRF_COOKIE,
    CheckedForm,
    PageCaller,
    clear_session,
    login_csrf_ok,
    new_login_csrf,
    page_caller,
    safe_next,
    set_session,
)
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)
EXPIRED_ZH = "登录已超时或已失效，请重新登录。"
LOGGED_OUT_ZH = "您已安全退出。"
WRONG_ZH = "用户名或密码错误"


def _login_page(
    request: Request,
    *,
    next_path: str = "/",
    username: str = "",
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
    context = {
        "login_csrf": token,
        "next": safe_next(next_path),
        "username": username,
        "errors": errors or {},
        "notice": notice,
    }
    request.state.csrf = token  # the large-type form of the page
    response = render(request, "login.html", context, status_code=status_code)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


@router.get("/login")
def login_form(
    request: Request, next: str = "/", expired: bool = False, out: bool = False
) -> Response:
    notice = EXPIRED_ZH if expired else LOGGED_OUT_ZH if out else None
    return _login_page(request, next_path=next, notice=notice)


@router.post("/login")
def login(
    request: Request,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if not login_csrf_ok(request, csrf_token):
        errors = {"username": CSRF_REFUSED_ZH}
        return _login_page(request, next_path=next, username=username, errors=errors,
                           status_code=403)  # fmt: skip
    errors = {}
    if not username.strip():
        errors["username"] = "请输入用户名"
    if not password:
        errors["password"] = "请输入密码"
    if errors:
        return _login_page(request, next_path=next, username=username, errors=errors,
                           status_code=422)  # fmt: skip
    outcome = password_login(request, username, password)
    if outcome.user is None:
        if outcome.retry_after is not None:
            message = f"登录失败次数过多，请在{outcome.retry_after}秒后重试"
            status = 429
        else:
            message, status = WRONG_ZH, 401
        return _login_page(request, next_path=next, username=username,
                           errors={"password": message}, status_code=status)  # fmt: skip
    response = RedirectResponse(safe_next(next), status_code=303)
    token = issue_token(outcome.user, settings)
    set_session(request, response, token, settings.session_max_minutes * 60)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(caller: PageCaller, form: CheckedForm, sessions: SessionsDep) -> Response:
    """End every session of the user (as the API's logout does) and forget the cookie."""
    with sessions.begin() as session:
        revoke_tokens(session, caller.username, actor=caller.username)
    response = RedirectResponse("/login?out=1", status_code=303)
    clear_session(response)
    return response


@router.post("/preferences/large-type")
async def large_type(request: Request, settings: SettingsDep, sessions: SessionsDep) -> Response:
    """Switch large type on or off (remembered for a year in this browser). The form carries
    the session's CSRF token, or the login page's before a login."""
    form = await request.form()
    sent = form.get("csrf_token")
    sent_text = sent if isinstance(sent, str) else None
    if not login_csrf_ok(request, sent_text):
        # A logged-in page's form: its CSRF token must match the session's.
        await run_in_threadpool(page_caller, request, settings, sessions)
        expected = getattr(request.state, "csrf", "")
        if not sent_text or not hmac.compare_digest(sent_text, expected):
            raise ForbiddenError("CSRF token missing or wrong", CSRF_REFUSED_ZH)
    target = form.get("next")
    response = RedirectResponse(safe_next(target if isinstance(target, str) else "/"), 303)
    on = request.cookies.get(LARGE_TYPE_COOKIE) != "1"
    response.set_cookie(LARGE_TYPE_COOKIE, "1" if on else "0", max_age=365 * 24 * 3600,
                        httponly=True, samesite="strict", path="/")  # fmt: skip
    return response
