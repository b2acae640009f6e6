"""The fair's pre-match on pages: run it (a background job, whose page follows it and links the
result: ``serving.pages.jobs``), read it per candidate (which booths, at what times) and per
booth (who, when, which interviewer), and download it as the same Excel as
``GET /api/fairs/{id}/prematch.xlsx``.

Running is for organisers (``ORGANISERS``); reading and the Excel for the roles that may see
persons, each seeing only the persons of their scope (``load_visible_prematch``), as in the API.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as SchemaError

from matching.fair_plans import export_prematch
from serving.api.deps import JobsDep, SessionsDep, SettingsDep
from serving.api.routers.fairs import ORGANISERS, PERSON_READERS, visible_prematch
from serving.api.routers.fairs_answers import XlsxResponse, day_of, fair_out, prematch_out, xlsx
from serving.api.schemas.common import RecordId
from serving.api.schemas.fairs import PrematchIn
from serving.pages.fairs import allow, fair_page
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render
from serving.services.job_tasks import submit_prematch

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
PREMATCH_FIELDS_ZH = {
    "max_booths": "每人可去的展位数须为1至10",
    "slots": "每个展位的面试场次须为1至24",
    "slot_minutes": "每场面试时长须为5至30分钟",
    "start": "开始时间须在06:00至11:59之间，格式如09:00",
}


def prematch_settings(form: dict[str, str]) -> tuple[PrematchIn | None, dict[str, str]]:
    """The form's day settings checked by the API's request model; refused fields, in Chinese."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in ("max_booths", "slots", "slot_minutes"):
        text = form.get(name, "").strip()
        if text.isdigit() and len(text) < 6:
            values[name] = int(text)
        else:
            errors[name] = PREMATCH_FIELDS_ZH[name]
    values["start"] = form.get("start", "").strip()
    try:
        settings = PrematchIn.model_validate(values)
    except SchemaError as error:
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "start"
            errors[name] = PREMATCH_FIELDS_ZH.get(name, PREMATCH_FIELDS_ZH["start"])
        return None, errors
    return (None, errors) if errors else (settings, {})


@router.post("/fairs/{fair_id}/prematch")
def run_prematch_form(
    request: Request,
    caller: PageCaller,
    form: CheckedForm,
    sessions: SessionsDep,
    fair_id: RecordId,
    settings: SettingsDep,
    runner: JobsDep,
) -> Response:
    """Queue the pre-match as ``POST /api/fairs/{id}/prematch/jobs`` does, then follow it."""
    allow(caller, ORGANISERS)
    checked, errors = prematch_settings(form)
    if checked is None:
        return fair_page(request, caller, sessions, fair_id, errors=errors, prematch_values=form)
    day, rule = day_of(checked)
    job = submit_prematch(
        sessions, runner, settings, caller, fair_id, day, rule, checked.model_dump(mode="json")
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


View = Literal["candidates", "booths"]


@router.get("/fairs/{fair_id}/prematch")
def prematch_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    fair_id: RecordId,
    view: View = "candidates",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    done: int = 0,
) -> Response:
    """The latest pre-match: the ways compared, then one page of candidates' plans or of the
    booths' interview lists."""
    allow(caller, PERSON_READERS)
    with sessions() as session:
        fair, result = visible_prematch(session, fair_id, caller)
        shown = prematch_out(result, page, PAGE_SIZE)
        context: dict[str, Any] = {"fair": fair_out(fair)}
    total = shown.candidates_total if view == "candidates" else shown.vacancies_total
    context |= {
        "result": shown,
        "view": view,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "done": bool(done),
        "organiser": caller.role in ORGANISERS,
    }
    return render(request, "fair_prematch.html", context, caller=caller)


@router.get("/fairs/{fair_id}/prematch.xlsx")
def prematch_excel(
    request: Request, caller: PageCaller, sessions: SessionsDep, fair_id: RecordId
) -> XlsxResponse:
    """The Excel of ``GET /api/fairs/{id}/prematch.xlsx`` (audited), for a page session."""
    allow(caller, PERSON_READERS)
    with sessions.begin() as session:
        fair, result = visible_prematch(session, fair_id, caller)
        return xlsx(export_prematch(session, fair, result, actor=caller.username))
