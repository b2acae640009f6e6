"""Query pieces the ledger functions share: scoped loading, last contacts, pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import CodeList
from matching.errors import NotFoundError, UnknownCodeError
from matching.storage.ledgers import GraduateLedger, LedgerFollowUp

__all__ = [
    "INT_MAX",
    "last_contacts",
    "load_ledger",
    "parse_code",
]

INT_MAX = 2**31 - 1  # PostgreSQL integer: larger ids cannot exist


def load_ledger(
    session: Session, caller: Caller, ledger_id: int, *, for_update: bool = False
) -> GraduateLedger:
    """The ledger, or ``NotFoundError`` when it is missing or of a county the caller cannot see
    (the same answer, so other counties' ledgers are not revealed)."""
    ledger = None
    if 1 <= ledger_id <= INT_MAX:
        ledger = session.get(GraduateLedger, ledger_id, with_for_update=for_update)
    if ledger is None or not caller.sees_county(ledger.county):
        raise NotFoundError(
            f"ledger {ledger_id} not found in your county",
            f"未找到编号为 {ledger_id} 的台账（或该台账不属于您所在的县（市、区））",
        )
    return ledger


def last_contacts() -> Select[int, date]:
    """ledger_id → the day of its latest follow-up (ledgers never contacted are absent)."""
    return select(
        LedgerFollowUp.ledger_id.label("ledger_id"),
        func.max(LedgerFollowUp.contacted_on).label("last_contacted_on"),
    ).group_by(LedgerFollowUp.ledger_id)


def parse_code(codes: CodeList, text: str, field: str) -> str:
    """The code for any accepted spelling; the error names ``field``."""
    try:
        return codes.parse(text)
    except UnknownCodeError as error:
        error.field = field
        raise
