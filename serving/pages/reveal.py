"""The reveal form of the person page: the full ID and certificate numbers, for a reason.

The same rule and audit row as ``POST /api/persons/{id}/reveal`` (``serving.services.reveal``).
The numbers are shown once, in the answer to the form's POST (never in a URL; every page is
``Cache-Control: no-store``); the person page, search, exports and print sheets stay masked. A
role that may not reveal sees no form and gets the 403 page (audited) if it posts anyway.
"""

from __future__ import annotations

import pydantic
from fastapi import APIRouter, Request
from fastapi.responses import Response

from matching.access import Act
from serving.api.deps import SessionsDep
from serving.api.recommending import SourcesDep
from serving.api.schemas.common import RecordId
from serving.pages.persons import person_context, person_page_context
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render
from serving.services.reveal import REASON_RULE_ZH, RevealRequest, reveal_person

router = APIRouter(include_in_schema=False)


@router.post("/persons/{person_id}/reveal")
def reveal_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    sources: SourcesDep,
    person_id: RecordId,
    form: CheckedForm,
) -> Response:
    caller.require_act(Act.REVEAL)  # a role refused before anything is read (403, audited)
    reason = form.get("reason", "")
    try:
        asked = RevealRequest(reason=reason)
    except pydantic.ValidationError:
        with sessions() as session:
            context = person_page_context(session, sources, person_id, caller)  # 404 beyond
        context |= {
            "reveal_errors": {"reason": REASON_RULE_ZH},
            "reveal_reason": reason[:200],
        }
        return render(request, "person.html", context, caller=caller, status_code=422)
    with sessions.begin() as session:
        revealed = reveal_person(session, caller, person_id, asked)
        context = person_context(session, person_id, caller)
    context |= {"revealed": revealed, "reason": asked.reason.strip()}
    return render(request, "revealed.html", context, caller=caller)
