"""The audited reveal of a person's full ID and certificate numbers, for the API route and the
person page alike (one rule, one audit row).

A reveal needs a reason of at least five non-blank characters and writes an audit row (who,
which person, why) in the same transaction as the read, so there is no reveal without its audit
row; the row never holds the numbers, and a number typed into the reason is masked. The role
check and the county reach are the access policy's (``Caller.require``): a role that may not
reveal is refused (``ForbiddenError``, audited by the error handler), another county's person is
not found (not audited).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from matching.access import ROLES_FOR, Act, Caller
from matching.storage import Person, append_audit
from serving.api.auth_audit import clean

__all__ = ["REASON_MAX", "REASON_MIN", "REVEAL_ROLES", "RevealRequest", "Revealed", "reveal_person"]

REVEAL_ROLES = ROLES_FOR[Act.REVEAL]
REASON_MIN = 5
REASON_MAX = 200
# At least REASON_MIN characters that are neither blank nor control characters; blanks between
# them are fine, control characters nowhere. Written so no two ways match the same text.
_BLANK = r"[^\S\x00-\x1f\x7f]"
_MARK = r"[^\s\x00-\x1f\x7f]"
REASON_PATTERN = rf"^{_BLANK}*(?:{_MARK}{_BLANK}*){{{REASON_MIN},}}$"
REASON_RULE_ZH = f"请填写查看原因：至少{REASON_MIN}个字，最多{REASON_MAX}个字"


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


def reveal_person(
    session: Session, caller: Caller, person_id: int, request: RevealRequest
) -> Revealed:
    """The person's full numbers, with the audit row written in ``session``'s transaction
    (commit it before answering)."""
    person = caller.require(Act.REVEAL, session.get(Person, person_id), person_id)
    append_audit(
        session,
        actor=caller.username,
        action="reveal",
        entity="person",
        entity_id=str(person_id),
        detail={
            "reason": clean(request.reason.strip(), REASON_MAX),
            "fields": ["id_number", "certificate_number"],
            "role": caller.role,
        },
    )
    return Revealed(
        person_id=person.id,
        id_number=person.id_number,
        certificate_number=person.certificate_number,
    )
