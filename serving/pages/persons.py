"""Finding a person and the person page (profile masked, assessment, what follows from them).

Search is by name (part of it) or by a whole resident ID or certificate number, exact: a
partial number never lists anyone. A person outside the caller's reach is answered as not found,
as the API does (``matching.access``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from matching import records
from matching.access import Act, Caller
from matching.errors import ValidationError
from matching.pages import Page
from matching.storage import Assessment
from matching.validators import mask_certificate, mask_resident_id
from serving.api.deps import SessionsDep
from serving.api.recommending import Sources, SourcesDep
from serving.api.schemas.common import RecordId
from serving.api.schemas.persons import PersonRecord
from serving.pages.person_parts import (
    assessment_chart,
    ledger_of,
    referral_timeline,
    typical_demand,
)
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render
from serving.services.recommend import UNASSESSED_ZH
from serving.services.reveal import REVEAL_ROLES

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
ASSESSMENT_STALE = timedelta(days=2 * 365)
NUMBER_CHARACTERS = frozenset("0123456789Xx ")
NUMBER_BY_FORM_ZH = "按身份证号或残疾人证号查找，请在下面的查找框中输入完整号码后点击“查找”"


def looks_like_number(text: str) -> bool:
    """Digits (and an X): a number, searched exactly, never a name."""
    return any(c.isdigit() for c in text) and set(text) <= NUMBER_CHARACTERS


def by_name(session: Any, name: str, caller: Caller, page: int) -> Page[PersonRecord]:
    filters = records.PersonFilters(name=name)
    result = records.search_persons(session, filters, caller, page=page, page_size=PAGE_SIZE)
    items = [PersonRecord.of(p) for p in result.items]
    return Page(items, result.total, result.page, result.page_size)


def by_number(session: Any, number: str, caller: Caller) -> Page[PersonRecord]:
    found = [PersonRecord.of(p) for p in records.persons_by_number(session, number, caller)]
    return Page(found, len(found), 1, max(1, len(found)))


def search_page(
    request: Request,
    caller: Caller,
    *,
    q: str = "",
    found: Page[PersonRecord] | None = None,
    number_masked: str | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"q": q, "found": found, "errors": errors or {}, "number_masked": number_masked}
    status = 422 if errors else 200
    return render(request, "persons.html", context, caller=caller, status_code=status)


@router.get("/persons")
def person_search(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Search by name (bookmarkable). A number never travels in a URL: the form posts it."""
    caller.require_act(Act.READ)
    q = q.strip()
    if not q:
        return search_page(request, caller)
    if looks_like_number(q):
        return search_page(request, caller, errors={"q": NUMBER_BY_FORM_ZH})
    with sessions() as session:
        found = by_name(session, q, caller, page)
    return search_page(request, caller, q=q, found=found)


@router.post("/persons")
def person_search_form(
    request: Request, caller: PageCaller, form: CheckedForm, sessions: SessionsDep
) -> Response:
    """The search form: a name goes on to the bookmarkable search; a whole ID or certificate
    number is looked up exactly here, and the answer shows it masked only."""
    caller.require_act(Act.READ)
    q = form.get("q", "").strip()[:100]
    if not looks_like_number(q):
        return RedirectResponse(f"/persons?q={quote(q)}" if q else "/persons", status_code=303)
    try:
        with sessions() as session:
            found = by_number(session, q, caller)
    except ValidationError as error:
        return search_page(request, caller, errors={"q": error.message_zh})
    masked = mask_certificate(q) if len(q.replace(" ", "")) == 20 else mask_resident_id(q)
    return search_page(request, caller, found=found, number_masked=masked)


def assessment_warning(assessment: Assessment | None, today: date) -> str | None:
    """Why the person's recommendations rest on weak ground, if they do."""
    if assessment is None:
        return UNASSESSED_ZH
    if today - assessment.assessed_on > ASSESSMENT_STALE:
        return (
            f"最近一次职业能力评估已超过两年（{assessment.assessed_on.year}年"
            f"{assessment.assessed_on.month}月），请安排重新评估。"
        )
    return None


def person_context(session: Any, person_id: int, caller: Caller) -> dict[str, Any]:
    """What the person page shows: the masked record and the newest assessment."""
    person = records.get_person(session, person_id, caller)
    latest = records.list_assessments(session, person.id, caller, page_size=1).items
    assessment = latest[0] if latest else None
    return {
        "person": PersonRecord.of(person),
        "assessment": assessment,
        "assessment_warning": assessment_warning(assessment, date.today()),
    }


def reveal_form(caller: Caller) -> dict[str, Any]:
    """What the person page needs for its reveal form (``serving.pages.reveal``): none for a
    role that may not reveal."""
    return {"may_reveal": caller.role in REVEAL_ROLES}


@router.get("/persons/{person_id}")
def person_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    sources: SourcesDep,
    person_id: RecordId,
) -> Response:
    caller.require_act(Act.READ)  # as the API's person routes: analysts, organisers 403
    with sessions() as session:
        context = person_page_context(session, sources, person_id, caller)
    return render(request, "person.html", context, caller=caller)


def person_page_context(
    session: Session, sources: Sources, person_id: int, caller: Caller
) -> dict[str, Any]:
    """Everything the person page shows (the reveal form's error shows it again)."""
    context = person_context(session, person_id, caller)
    assessment = context["assessment"]
    demand, no_demand = typical_demand(sources, session, caller, person_id)
    return (
        context
        | {
            "chart": assessment_chart(assessment, demand) if assessment is not None else None,
            "no_demand_zh": no_demand,
            "referrals": referral_timeline(session, person_id, caller),
            "ledger_id": ledger_of(session, person_id),
        }
        | reveal_form(caller)
    )
