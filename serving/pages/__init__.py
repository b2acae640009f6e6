"""The counselors' pages: server-rendered Chinese HTML in the same app as the API, using the
same access policy (``matching.access``), records, models and reasons (no second copy of a rule).

``install_pages(app)`` adds the routers, the static files, the security headers and the login
redirect. Templates live in ``templates/``, the one stylesheet in ``static/``; pages work without
script.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from serving.pages import (
    fair_prematch,
    fairs,
    home,
    imports,
    jobs,
    ledger_forms,
    ledgers,
    login,
    models,
    outreach,
    persons,
    progress,
    recommendations,
    referrals,
    reveal,
    vacancies,
)
from serving.pages.headers import PageHeaders
from serving.pages.session import LoginRequired, login_redirect
from serving.pages.templating import STATIC_DIR

ROUTERS = (
    login.router,
    home.router,
    persons.router,
    reveal.router,
    ledgers.router,
    ledger_forms.router,
    imports.router,
    fairs.router,
    fair_prematch.router,
    jobs.router,
    models.router,
    progress.router,
    outreach.router,
    recommendations.router,
    referrals.router,
    vacancies.router,
)


def install_pages(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(PageHeaders)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, error: Exception) -> Response:
        assert isinstance(error, LoginRequired)
        return login_redirect(request, error.message_zh)
