"""一人一策 ledgers for case workers: the 离校不断线 worklist, every ledger of the county, a
graduate's ledger page, opening a ledger and the Excel export.

The same domain functions as ``/api/ledgers`` (``matching.ledgers``) and the same answers
(``serving.api.schemas.ledgers``: numbers masked); the forms that change a ledger are in
``serving.pages.ledger_forms``. A ledger of another county is not found (404), a role without
the ledger act is refused (403, audited), as in the API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching import ledgers, records
from matching.access import Act, Caller
from matching.codes import GRADUATE_DEGREES, GRADUATE_STATUSES
from matching.errors import ConflictError, NotFoundError, ValidationError
from matching.ledgers import OPENING_STATUSES
from matching.storage.ledgers import GraduateLedger
from serving.api.deps import SessionsDep
from serving.api.routers.ledger_support import XlsxResponse, writing, xlsx
from serving.api.schemas.common import RecordId
from serving.api.schemas.ledgers import ledger_detail, ledger_item, worklist_item
from serving.api.schemas.persons import PersonRecord
from serving.pages.ledger_forms import ledger_page_context
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


def ledger_staff(caller: PageCaller) -> Caller:
    """The caller, if their role keeps ledgers (403 otherwise, audited by the error handler)."""
    caller.require_act(Act.LEDGER)
    return caller


LedgerStaff = Annotated[Caller, Depends(ledger_staff)]
Days = Annotated[int, Query(ge=1, le=ledgers.MAX_DAYS)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/ledgers")
def worklist_page(
    request: Request,
    caller: LedgerStaff,
    sessions: SessionsDep,
    days: Days = 30,
    page: PageNumber = 1,
) -> Response:
    """离校不断线: graduates without work not contacted for ``days`` days, the longest first."""
    with sessions() as session:
        found = ledgers.worklist(session, caller, days=days, page=page, page_size=PAGE_SIZE)
        items = [worklist_item(entry) for entry in found.items]
    context = {"days": days, "found": found, "items": items}
    return render(request, "ledgers_worklist.html", context, caller=caller)


@router.get("/ledgers/all")
def all_ledgers(
    request: Request,
    caller: LedgerStaff,
    sessions: SessionsDep,
    status: str = "",
    page: PageNumber = 1,
) -> Response:
    """Every ledger the caller sees, newest first, by status."""
    chosen = status if status in GRADUATE_STATUSES else None
    with sessions() as session:
        found = ledgers.list_ledgers(session, caller, status=chosen, page=page, page_size=PAGE_SIZE)
        items = [ledger_item(row) for row in found.items]
    statuses = [(c.code, c.zh) for c in GRADUATE_STATUSES]
    context = {"found": found, "items": items, "status": chosen or "", "statuses": statuses}
    return render(request, "ledgers_all.html", context, caller=caller)


def ledger_of(session: Session, person_ids: list[int]) -> dict[int, int]:
    """person id → ledger id, for the persons that have one."""
    rows = session.execute(
        select(GraduateLedger.person_id, GraduateLedger.id).where(
            GraduateLedger.person_id.in_(person_ids)
        )
    )
    return {person_id: ledger_id for person_id, ledger_id in rows}


def find_page(
    request: Request, sessions: sessionmaker[Session], caller: Caller, q: str
) -> Response:
    found: list[PersonRecord] = []
    existing: dict[int, int] = {}
    if q:
        filters = records.PersonFilters(name=q)
        with sessions() as session:
            result = records.search_persons(session, filters, caller, page=1, page_size=PAGE_SIZE)
            people = [p for p in result.items if p.is_graduate or p.employment_status == "studying"]
            found = [PersonRecord.of(p) for p in people]
            existing = ledger_of(session, [p.id for p in people])
    context = {"q": q, "found": found, "existing": existing}
    return render(request, "ledger_find.html", context, caller=caller)


OPEN_FIELDS = ("degree", "status", "school", "major", "graduation_year", "needs")


def open_page(
    request: Request,
    sessions: sessionmaker[Session],
    caller: Caller,
    person_id: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    with sessions() as session:
        person = PersonRecord.of(records.get_person(session, person_id, caller))
    context = {
        "person": person,
        "values": values or {},
        "errors": errors or {},
        "degrees": [(c.code, c.zh) for c in GRADUATE_DEGREES],
        "statuses": [(c.code, c.zh) for c in GRADUATE_STATUSES if c.code in OPENING_STATUSES],
    }
    return render(request, "ledger_new.html", context, caller=caller, status_code=status_code)


@router.get("/ledgers/new")
def new_ledger(
    request: Request,
    caller: LedgerStaff,
    sessions: SessionsDep,
    q: str = "",
    person_id: int | None = None,
) -> Response:
    """Find a graduate or student by name, then open their ledger (blank fields: their record)."""
    if person_id is None:
        return find_page(request, sessions, caller, q.strip()[:100])
    return open_page(request, sessions, caller, person_id)


@router.post("/ledgers/new")
def open_ledger(
    request: Request, caller: LedgerStaff, sessions: SessionsDep, form: CheckedForm
) -> Response:
    try:
        person_id = int(form.get("person_id", ""))
    except ValueError:
        raise NotFoundError("no person chosen", "请先查找并选择一名毕业生") from None
    values = {name: form.get(name, "")[:2000] for name in OPEN_FIELDS}
    sent: dict[str, Any] = {name: value.strip() or None for name, value in values.items()}
    try:
        if sent["graduation_year"] is not None:
            sent["graduation_year"] = year(sent["graduation_year"])
        with writing(sessions) as session:
            ledger = ledgers.open_ledger(session, caller, person_id=person_id, **sent)
            ledger_id = ledger.id
    except (ValidationError, ConflictError) as error:
        field = error.field if error.field in OPEN_FIELDS else "person"
        status = 422 if isinstance(error, ValidationError) else 409
        errors = {field: error.message_zh}
        return open_page(request, sessions, caller, person_id, values, errors, status)
    return RedirectResponse(f"/ledgers/{ledger_id}?saved=opened", status_code=303)


def year(text: str) -> int:
    if text.isdigit() and len(text) == 4:
        return int(text)
    raise ValidationError(
        "bad_year",
        "graduation_year must be a year",
        "请填写四位数的年份，例如 2025",
        "graduation_year",
    )


@router.get("/ledgers/{ledger_id}")
def ledger_page(
    request: Request,
    caller: LedgerStaff,
    sessions: SessionsDep,
    ledger_id: RecordId,
    saved: str = "",
) -> Response:
    """One graduate's plan: status and its history, planned services, follow-ups, the forms."""
    with sessions() as session:
        detail = ledger_detail(
            ledgers.ledger_view(session, ledgers.get_ledger(session, caller, ledger_id))
        )
    context: dict[str, Any] = ledger_page_context(detail) | {"saved": saved}
    return render(request, "ledger.html", context, caller=caller)


@router.get("/ledgers/{ledger_id}/export.xlsx")
def ledger_export(caller: LedgerStaff, sessions: SessionsDep, ledger_id: RecordId) -> XlsxResponse:
    """The same workbook (and audit row) as ``GET /api/ledgers/{id}/export.xlsx``."""
    with writing(sessions) as session:
        export = ledgers.export_ledger(session, caller, ledger_id)
    return xlsx(export)
