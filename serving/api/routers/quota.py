"""Quota outreach: ``GET /api/quota/outreach`` (employers below the 1.5% quota, best visit first)
and ``GET /api/quota/outreach.xlsx`` (the same with a letter per employer, audited).

Roles: the act ``outreach`` (admins, analysts, counselors) within the counties the caller sees;
another county is answered 404, like a missing one. Analysts get the employer-level figures and
the count of fitting persons, never the persons (``candidates`` null, no 推荐人选 sheet). The
rules are in ``matching.outreach`` and docs/outreach.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching.access import ROLES_FOR, Act, Caller
from matching.codes import COUNTIES
from matching.outreach import OutreachExport, OutreachRow, export_outreach, outreach_county
from matching.pages import DEFAULT_PAGE_SIZE, Page, check_page, offset_of
from serving.api.deps import ServiceDep, SessionsDep, SettingsDep, SnapshotOrNoneDep
from serving.api.paging import PageNumber, PageSize, page_fields
from serving.api.routers.allow_route import AllowRoute
from serving.api.routers.ledger_support import XLSX_RESPONSES, XlsxResponse, xlsx
from serving.api.schemas.common import OneOf, error_responses
from serving.api.schemas.quota import OutreachPage, employer_out, wage_fields
from serving.api.security import require_roles
from serving.services.outreach import outreach_list, served_jobs_model

router = APIRouter(prefix="/quota", tags=["quota"], route_class=AllowRoute)
Outreacher = Annotated[Caller, Depends(require_roles(*ROLES_FOR[Act.OUTREACH]))]
# Codes and Chinese names, both listed in the schema so a client knows every value it may send.
COUNTY_SPELLINGS = (*COUNTIES.codes, *(item.zh for item in COUNTIES))
CountyQuery = Annotated[
    str | None,
    OneOf(COUNTY_SPELLINGS),
    Query(description="county code or Chinese name; default: every county you see"),
]


@router.get("/outreach", response_model=OutreachPage, responses=error_responses(401, 403, 404, 422))
def outreach(
    sessions: SessionsDep,
    caller: Outreacher,
    state: ServiceDep,
    snapshot: SnapshotOrNoneDep,
    settings: SettingsDep,
    county: CountyQuery = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
) -> OutreachPage:
    """Employers below the quota in your counties with their gap, levy, open vacancies and the
    persons of their county who fit them (counts only, for analysts), best visit first."""
    check_page(page, page_size)
    model = served_jobs_model(state)
    wage = settings.local_average_wage
    with sessions() as session:
        code = outreach_county(caller, county)
        rows = outreach_list(
            session, caller, snapshot, model, county=code, wage=wage, today=_today()
        )
    start = offset_of(page, page_size)
    found: Page[OutreachRow] = Page(rows[start : start + page_size], len(rows), page, page_size)
    return OutreachPage(
        county=code,
        model=model.label if snapshot is not None else "none",
        **wage_fields(wage),
        **page_fields(found),
        items=[employer_out(row) for row in found.items],
    )


@router.get("/outreach.xlsx", response_class=XlsxResponse, responses=XLSX_RESPONSES)
def outreach_xlsx(
    sessions: SessionsDep,
    caller: Outreacher,
    state: ServiceDep,
    snapshot: SnapshotOrNoneDep,
    settings: SettingsDep,
    county: CountyQuery = None,
) -> XlsxResponse:
    """Every employer of the list as Excel in Chinese, with a printable letter per employer
    (audited); persons (masked) only for those who may see them."""
    model = served_jobs_model(state)
    wage = settings.local_average_wage
    today = _today()
    with sessions.begin() as session:
        code = outreach_county(caller, county)
        rows = outreach_list(session, caller, snapshot, model, county=code, wage=wage, today=today)
        about = OutreachExport(
            county=code,
            model=model.label if snapshot is not None else "none",
            wage=wage,
            today=today,
            actor=caller.username,
        )
        return xlsx(export_outreach(session, caller, rows, about))


def _today() -> date:
    return datetime.now(UTC).date()
