"""What a ledger shows: the ledger with its person's basics (masked) and the names of the users
who recorded its entries. API answers and the Excel export are built from this one view, so they
cannot differ in what they reveal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.codes import (
    DISABILITY_CATEGORIES,
    DISABILITY_LEVELS,
    EDUCATION_LEVELS,
    SEXES,
    CodeList,
)
from matching.storage import Person, User
from matching.storage.ledgers import (
    GraduateLedger,
    LedgerAction,
    LedgerFollowUp,
    LedgerStatusChange,
)
from matching.validators import mask_certificate, mask_resident_id

__all__ = ["LedgerView", "PersonBasics", "label_or_code", "ledger_view", "mask_phone"]


@dataclass(frozen=True, slots=True)
class PersonBasics:
    """A person as a ledger shows them: never the full ID or certificate number."""

    person_id: int
    name: str
    sex_zh: str
    id_number_masked: str
    certificate_masked: str | None
    disability_category_zh: str
    disability_level_zh: str
    education_zh: str
    phone: str | None

    @classmethod
    def of(cls, person: Person) -> PersonBasics:
        return cls(
            person_id=person.id,
            name=person.name,
            sex_zh=label_or_code(SEXES, person.sex),
            id_number_masked=mask_resident_id(person.id_number),
            certificate_masked=(
                mask_certificate(person.certificate_number) if person.certificate_number else None
            ),
            disability_category_zh=label_or_code(DISABILITY_CATEGORIES, person.disability_category),
            disability_level_zh=label_or_code(DISABILITY_LEVELS, person.disability_level),
            education_zh=label_or_code(EDUCATION_LEVELS, person.education),
            phone=person.phone,
        )


@dataclass(frozen=True, slots=True)
class LedgerView:
    """The ledger with its entries in date order (also right for entries added in this
    session, which the relationships' ``order_by`` only sorts when loading)."""

    ledger: GraduateLedger
    person: PersonBasics
    user_names: dict[int, str]  # user id → display name, for every user the ledger mentions
    last_contacted_on: date | None
    actions: list[LedgerAction]
    follow_ups: list[LedgerFollowUp]
    status_changes: list[LedgerStatusChange]

    def user_name(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        return self.user_names.get(user_id, f"用户{user_id}")


def ledger_view(session: Session, ledger: GraduateLedger) -> LedgerView:
    person = session.get_one(Person, ledger.person_id)
    ids = {ledger.case_worker_id}
    ids |= {f.user_id for f in ledger.follow_ups}
    ids |= {a.created_by for a in ledger.actions}
    ids |= {c.user_id for c in ledger.status_changes}
    wanted = sorted(i for i in ids if i is not None)
    names: dict[int, str] = {}
    if wanted:
        query = select(User.id, User.display_name).where(User.id.in_(wanted))
        names = {user_id: name for user_id, name in session.execute(query)}
    last = max((f.contacted_on for f in ledger.follow_ups), default=None)
    return LedgerView(
        ledger,
        PersonBasics.of(person),
        names,
        last,
        actions=sorted(ledger.actions, key=lambda a: (a.target_date, a.id)),
        follow_ups=sorted(ledger.follow_ups, key=lambda f: (f.contacted_on, f.id)),
        status_changes=sorted(ledger.status_changes, key=lambda c: (c.changed_on, c.id)),
    )


def mask_phone(phone: str | None) -> str:
    """Keep the first 3 and last 4 digits of a phone number (exports leave the system)."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def label_or_code(codes: CodeList, code: str | None) -> str:
    """The Chinese label, or the stored code itself when it is not in the list (old rows)."""
    if code is None:
        return ""
    return codes.label(code) if code in codes else code
