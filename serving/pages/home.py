"""Home: what the logged-in user has to do today (``matching.today``), and each whole list."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from matching.errors import NotFoundError
from matching.today import WORKLISTS, one_list, today_lists
from serving.api.deps import SessionsDep
from serving.pages.session import PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, caller: PageCaller, sessions: SessionsDep) -> Response:
    with sessions() as session:
        lists = today_lists(session, caller, date.today())
    return render(request, "home.html", {"lists": lists}, caller=caller)


@router.get("/today/{key}")
def whole_list(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    key: str,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    if key not in WORKLISTS or caller.role not in WORKLISTS[key][3]:
        raise NotFoundError(f"no worklist {key!r} for this role", "没有这个工作清单")
    with sessions() as session:
        found = one_list(session, caller, key, date.today(), page)
    return render(request, "today_list.html", {"list": found}, caller=caller)
