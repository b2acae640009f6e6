"""Home: what the logged-in user has to do today (``matching.today``), and each whole list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from matching.errors import NotFoundError
from matching.settings import Settings
from matching.today import WORKLISTS, one_list, today_lists
from serving.api.deps import SessionsDep, SettingsDep
from serving.pages.new_matches import NEW_MATCHES, new_match_list
from serving.pages.session import PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(
    request: Request, caller: PageCaller, sessions: SessionsDep, settings: SettingsDep
) -> Response:
    with sessions() as session:
        lists = today_lists(session, caller, date.today())
        alerts = new_match_list(session, caller, batch_folder(settings))
    if alerts is not None:
        lists.insert(0, alerts)
    return render(request, "home.html", {"lists": lists}, caller=caller)


def batch_folder(settings: Settings) -> Path:
    """Where ``jobmatch batch recommend`` writes its nights by default."""
    return settings.data_dir / "batch"


@router.get("/today/{key}")
def whole_list(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    settings: SettingsDep,
    key: str,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    with sessions() as session:
        if key == NEW_MATCHES:
            found = new_match_list(session, caller, batch_folder(settings), page, 50)
        elif key in WORKLISTS and caller.role in WORKLISTS[key][3]:
            found = one_list(session, caller, key, date.today(), page)
        else:
            found = None
    if found is None:
        raise NotFoundError(f"no worklist {key!r} for this role", "没有这个工作清单")
    return render(request, "today_list.html", {"list": found}, caller=caller)
