"""POST /api/persons/{id}/reveal: the full ID and certificate numbers, for a stated reason.

Every other answer masks them. A reveal needs a reason of at least five non-blank characters and
writes an audit row (who, which person, why) in the same transaction as the read, so there is no
reveal without its audit row; the row never holds the numbers, and a number typed into the
reason is masked. Counselors and case workers of the person's county and admins only: analysts
and fair organisers are refused (403, audited); another county's person is 404, like a missing
one, and is not audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from matching.access import ROLES_FOR, Act, Caller
from matching.storage import Person, append_audit
from serving.api.auth_audit import clean
from serving.api.deps import SessionsDep
from serving.api.schemas.common import PersonId, error_responses
from serving.api.schemas.referrals import REFERRAL_STATUS_TEXT
from serving.api.security import require_roles

router = APIRouter(tags=["persons"])
REVEAL_ROLES = ROLES_FOR[Act.REVEAL]
REASON_MIN = 5
REASON_MAX = 200
# At least REASON_MIN characters that are neither blank nor control characters; blanks between
# them are fine, control characters nowhere. Written so no two ways match the same text.
_BLANK = r"[^\S\x00-\x1f\x7f]"
_MARK = r"[^\s\x00-\x1f\x7f]"
REASON_PATTERN = rf"^{_BLANK}*(?:{_MARK}{_BLANK}*){{{REASON_MIN},}}$"


class RevealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        max_length=REASON_MAX,
        pattern=REASON_PATTERN,
        description=f"why the full numbers are needed: {REASON_MIN}-{REASON_MAX} characters, "
        f"at least {REASON_MIN} of them not blank (e.g. 办理社保补贴核对身份)",
    )


class Revealed(BaseModel):
    person_id: int
    id_number: str = Field(description="the full resident ID number")
    certificate_number: str | None = Field(description="the full disability certificate number")


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
        person = caller.require(Act.REVEAL, session.get(Person, person_id), person_id)
        append_audit(
            session,
            actor=caller.username,
            action="reveal",
            entity="person",
            entity_id=str(person_id),
            detail={
                "reason": clean(body.reason.strip(), REASON_MAX),
                "fields": ["id_number", "certificate_number"],
                "role": caller.role,
            },
        )
        answer = Revealed(
            person_id=person.id,
            id_number=person.id_number,
            certificate_number=person.certificate_number,
        )
    response.headers["Cache-Control"] = "no-store"
    return answer
