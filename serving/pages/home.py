"""Home: what the logged-in user has to do today."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from serving.pages.session import PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, caller: PageCaller) -> Response:
    return render(request, "home.html", caller=caller)
