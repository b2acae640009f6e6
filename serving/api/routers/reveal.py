"""POST /api/persons/{id}/reveal: the full ID and certificate numbers, for a stated reason.

Every other answer masks them. The reason, the audit row and the access rules are
``serving.services.reveal`` (the person page's reveal form uses the same); the route admits the
revealing roles only (403, audited) and sends ``Cache-Control: no-store``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from matching.access import Caller
from serving.api.deps import SessionsDep
from serving.api.schemas.common import PersonId, error_responses
from serving.api.schemas.referrals import REFERRAL_STATUS_TEXT
from serving.api.security import require_roles
from serving.services.reveal import REVEAL_ROLES, Revealed, RevealRequest, reveal_person

router = APIRouter(tags=["persons"])


@router.post(
    "/persons/{person_id}/reveal",
    response_model=Revealed,
    responses=error_responses(400, 401, 403, 404, texts=REFERRAL_STATUS_TEXT),
)
def reveal(
    sessions: SessionsDep,
    response: Response,
    person_id: PersonId,
    body: RevealRequest,
    caller: Annotated[Caller, Depends(require_roles(*REVEAL_ROLES))],
) -> Revealed:
    """The person's full ID and certificate numbers; audited with the reason."""
    with sessions.begin() as session:
        answer = reveal_person(session, caller, person_id, body)
    response.headers["Cache-Control"] = "no-store"
    return answer
