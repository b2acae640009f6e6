"""The quota outreach page (issue 20 §2 on pages): employers below the 1.5% quota in the caller's
counties, best visit first, with their gap, levy (or why it is not computed), open vacancies and
the persons of their county who fit them — names for counselors and admins, the count only for
analysts — and the Excel with a letter per employer.

Same functions and access as ``GET /api/quota/outreach(.xlsx)``: the act ``outreach``, another
county answered 404, exports audited (``serving.services.outreach``, ``matching.outreach``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from matching.access import ROLES_FOR, Act, Caller
from matching.codes import COUNTIES
from matching.errors import ForbiddenError
from matching.outreach import (
    OutreachExport,
    export_outreach,
    outreach_county,
    persons_visible,
)
from matching.pages import Page, offset_of
from serving.api.deps import ServiceDep, SessionsDep, SettingsDep, SnapshotOrNoneDep
from serving.api.routers.ledger_support import XlsxResponse, xlsx
from serving.pages.session import PageCaller
from serving.pages.templating import render
from serving.services.outreach import outreach_list, served_jobs_model

router = APIRouter(include_in_schema=False)
READERS = frozenset(ROLES_FOR[Act.OUTREACH])
PAGE_SIZE = 20
NOT_ALLOWED_ZH = "您的角色不能查看按比例就业走访名单"


def allow(caller: Caller) -> None:
    if caller.role not in READERS:
        raise ForbiddenError(f"role {caller.role} may not read quota outreach", NOT_ALLOWED_ZH)


def county_options(caller: Caller) -> list[tuple[str, str]]:
    if caller.city_wide:
        return [("", "全部县（市、区）"), *((c, COUNTIES.label(c)) for c in COUNTIES.codes)]
    return [(caller.county or "", COUNTIES.label(caller.county) if caller.county else "—")]


@router.get("/outreach")
def outreach_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    settings: SettingsDep,
    state: ServiceDep,
    snapshot: SnapshotOrNoneDep,
) -> Response:
    allow(caller)
    asked = request.query_params.get("county", "").strip() or None
    text = request.query_params.get("page", "1")
    page = int(text) if text.isdigit() and 0 < int(text) < 100_000 else 1
    model = served_jobs_model(state)
    wage = settings.local_average_wage
    with sessions() as session:
        code = outreach_county(caller, asked)
        rows = outreach_list(
            session, caller, snapshot, model, county=code, wage=wage, today=_today()
        )
    start = offset_of(page, PAGE_SIZE)
    found = Page(rows[start : start + PAGE_SIZE], len(rows), page, PAGE_SIZE)
    query = urlencode({"county": asked or ""})
    context = {
        "found": found,
        "first": start + 1,
        "county": asked or "",
        "county_options": county_options(caller),
        "scope_zh": COUNTIES.label(code) if code else "全部县（市、区）",
        "persons": persons_visible(caller),
        "wage": wage,
        "model": model.label if snapshot is not None else "未加载（尚无人员数据）",
        "base": f"/outreach?{query}",
        "excel": f"/outreach.xlsx?{query}",
    }
    return render(request, "outreach.html", context, caller=caller)


@router.get("/outreach.xlsx")
def outreach_excel(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    settings: SettingsDep,
    state: ServiceDep,
    snapshot: SnapshotOrNoneDep,
) -> XlsxResponse:
    """The Excel of ``GET /api/quota/outreach.xlsx`` (audited), for a page session."""
    allow(caller)
    asked = request.query_params.get("county", "").strip() or None
    model = served_jobs_model(state)
    wage = settings.local_average_wage
    today = _today()
    with sessions.begin() as session:
        code = outreach_county(caller, asked)
        rows = outreach_list(session, caller, snapshot, model, county=code, wage=wage, today=today)
        label = model.label if snapshot is not None else "none"
        about = OutreachExport(code, label, wage, today, caller.username)
        return xlsx(export_outreach(session, caller, rows, about))


def _today() -> date:
    """The day the list is for: vacancies open on it (as the API's route counts it)."""
    return datetime.now(UTC).date()
