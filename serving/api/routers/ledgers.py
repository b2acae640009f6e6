"""一人一策 ledgers of disabled graduates: /api/ledgers (list, open, read, edit), their plans,
follow-ups and status moves, the 离校不断线 worklist, the county summary and Excel exports.

Case workers and counselors see their own county, admins every county; analysts and fair
organisers are refused (403). A ledger of another county is answered 404, like a missing one,
and list totals count only visible ledgers. The routes validate and call ``matching.ledgers``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from matching import ledgers
from matching.access import ROLES_FOR, Act, Caller
from matching.pages import DEFAULT_PAGE_SIZE
from serving.api.deps import SessionsDep
from serving.api.paging import PageNumber, PageSize, page_fields, refuse_old_paging
from serving.api.routers.ledger_inputs import (
    ActionCreate,
    ActionPatch,
    County,
    FollowUpCreate,
    LedgerCreate,
    LedgerPatch,
    Status,
    StatusChange,
)
from serving.api.routers.ledger_support import (
    ERRORS,
    WRITE_ERRORS,
    XLSX_RESPONSES,
    LedgerRoute,
    XlsxResponse,
    reading,
    writing,
    xlsx,
)
from serving.api.schemas.common import IdText
from serving.api.schemas.ledgers import (
    ActionOut,
    FollowUpOut,
    LedgerDetail,
    LedgerPage,
    SummaryOut,
    WorklistPage,
    action_out,
    follow_up_out,
    ledger_detail,
    ledger_item,
    summary_out,
    worklist_item,
)
from serving.api.security import require_roles

router = APIRouter(prefix="/ledgers", tags=["ledgers"], route_class=LedgerRoute)
LEDGER_ROLES = ROLES_FOR[Act.LEDGER]
Staff = Annotated[Caller, Depends(require_roles(*LEDGER_ROLES))]
LedgerId = Annotated[IdText, Path(description="ledger id")]
ActionId = Annotated[IdText, Path(description="planned action id")]
Days = Annotated[int, Query(ge=1, le=ledgers.MAX_DAYS, description="not contacted for N days")]
CountyQuery = Annotated[
    County | None, Query(description="county code or name; default: every county you see")
]


@router.get(
    "", response_model=LedgerPage, responses=ERRORS, dependencies=[Depends(refuse_old_paging)]
)
def list_ledgers(
    sessions: SessionsDep,
    caller: Staff,
    status: Annotated[Status | None, Query(description="status code or name")] = None,
    county: CountyQuery = None,
    graduation_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
) -> LedgerPage:
    """Ledgers of your county (admins: all), newest first."""
    with reading(sessions) as session:
        found = ledgers.list_ledgers(
            session,
            caller,
            status=status,
            county=county,
            graduation_year=graduation_year,
            page=page,
            page_size=page_size,
        )
        return LedgerPage(**page_fields(found), items=[ledger_item(row) for row in found.items])


@router.post("", response_model=LedgerDetail, status_code=201, responses=WRITE_ERRORS)
def open_ledger(sessions: SessionsDep, caller: Staff, body: LedgerCreate) -> LedgerDetail:
    """Open the 一人一策 ledger of a graduate or student; school, major, degree, graduation year
    and status default to the person's record."""
    with writing(sessions) as session:
        ledger = ledgers.open_ledger(session, caller, **body.model_dump())
        return ledger_detail(ledgers.ledger_view(session, ledger))


@router.get(
    "/worklist",
    response_model=WorklistPage,
    responses=ERRORS,
    dependencies=[Depends(refuse_old_paging)],
)
def worklist(
    sessions: SessionsDep,
    caller: Staff,
    days: Days = 30,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> WorklistPage:
    """离校不断线: graduates who left school without work and were not contacted for ``days``
    days; never contacted first, then the longest without contact."""
    with reading(sessions) as session:
        found = ledgers.worklist(session, caller, days=days, page=page, page_size=page_size)
        return WorklistPage(
            days=days, **page_fields(found), items=[worklist_item(e) for e in found.items]
        )


@router.get("/summary", response_model=SummaryOut, responses=ERRORS)
def summary(
    sessions: SessionsDep, caller: Staff, county: CountyQuery = None, days: Days = 30
) -> SummaryOut:
    """Counts of a county's ledgers by status and service, contacts and the worklist."""
    with reading(sessions) as session:
        found = ledgers.ledger_summary(session, caller, county=county, days=days)
        return summary_out(found)


@router.get("/summary.xlsx", response_class=XlsxResponse, responses=XLSX_RESPONSES)
def summary_xlsx(
    sessions: SessionsDep, caller: Staff, county: CountyQuery = None, days: Days = 30
) -> XlsxResponse:
    """The county's ledger summary as Excel (audited)."""
    with writing(sessions) as session:
        export = ledgers.export_summary(session, caller, county=county, days=days)
    return xlsx(export)


@router.get("/{ledger_id}", response_model=LedgerDetail, responses=ERRORS)
def read_ledger(sessions: SessionsDep, caller: Staff, ledger_id: LedgerId) -> LedgerDetail:
    """One ledger with its plan, follow-ups and status history (ID numbers masked)."""
    with reading(sessions) as session:
        ledger = ledgers.get_ledger(session, caller, ledger_id)
        return ledger_detail(ledgers.ledger_view(session, ledger))


@router.patch("/{ledger_id}", response_model=LedgerDetail, responses=WRITE_ERRORS)
def edit_ledger(
    sessions: SessionsDep, caller: Staff, ledger_id: LedgerId, body: LedgerPatch
) -> LedgerDetail:
    """Change school, major, degree, graduation year, needs, intended services or case worker
    (status changes go through POST .../status)."""
    with writing(sessions) as session:
        changes = body.model_dump(exclude_unset=True)
        ledger = ledgers.update_ledger(session, caller, ledger_id, changes)
        return ledger_detail(ledgers.ledger_view(session, ledger))


@router.post(
    "/{ledger_id}/actions", response_model=ActionOut, status_code=201, responses=WRITE_ERRORS
)
def add_action(
    sessions: SessionsDep, caller: Staff, ledger_id: LedgerId, body: ActionCreate
) -> ActionOut:
    """Plan a service with a target date (公益性岗位兜底 only for 离校未就业)."""
    with writing(sessions) as session:
        caller = caller
        action = ledgers.add_action(session, caller, ledger_id, **body.model_dump())
        view = ledgers.ledger_view(session, action.ledger)
        return action_out(action, view)


@router.patch("/{ledger_id}/actions/{action_id}", response_model=ActionOut, responses=WRITE_ERRORS)
def edit_action(
    sessions: SessionsDep,
    caller: Staff,
    ledger_id: LedgerId,
    action_id: ActionId,
    body: ActionPatch,
) -> ActionOut:
    """Mark a planned action done or cancelled, move its date or change its note."""
    with writing(sessions) as session:
        changes = body.model_dump(exclude_unset=True)
        caller = caller
        action = ledgers.update_action(session, caller, ledger_id, action_id, changes)
        return action_out(action, ledgers.ledger_view(session, action.ledger))


@router.post(
    "/{ledger_id}/follow-ups", response_model=FollowUpOut, status_code=201, responses=WRITE_ERRORS
)
def add_follow_up(
    sessions: SessionsDep, caller: Staff, ledger_id: LedgerId, body: FollowUpCreate
) -> FollowUpOut:
    """Record a contact you made: day, channel, what was done and the result."""
    with writing(sessions) as session:
        caller = caller
        follow_up = ledgers.add_follow_up(session, caller, ledger_id, **body.model_dump())
        return follow_up_out(follow_up, ledgers.ledger_view(session, follow_up.ledger))


@router.post("/{ledger_id}/status", response_model=LedgerDetail, responses=WRITE_ERRORS)
def change_status(
    sessions: SessionsDep, caller: Staff, ledger_id: LedgerId, body: StatusChange
) -> LedgerDetail:
    """Move the ledger to another status if the transition table allows it; the change is kept
    in the status history with its day and your name."""
    with writing(sessions) as session:
        caller = caller
        change = ledgers.change_status(session, caller, ledger_id, **body.model_dump())
        return ledger_detail(ledgers.ledger_view(session, change.ledger))


@router.get("/{ledger_id}/export.xlsx", response_class=XlsxResponse, responses=XLSX_RESPONSES)
def export_ledger(sessions: SessionsDep, caller: Staff, ledger_id: LedgerId) -> XlsxResponse:
    """One ledger as Excel: basics (masked), plan, follow-ups, status history (audited)."""
    with writing(sessions) as session:
        export = ledgers.export_ledger(session, caller, ledger_id)
    return xlsx(export)
