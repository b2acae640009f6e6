"""Persons by resident ID within a reach, and the refusal when an ID names two of them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from matching.errors import ValidationError
from matching.storage import Person

CHUNK = 500
AMBIGUOUS_ZH = "该身份证号在多个县区均有登记（待管理员处理的跨县转移）"


def persons_by_id_number(
    session: Session, numbers: Iterable[str], reach: ColumnElement[bool]
) -> dict[str, list[Person]]:
    """The persons within ``reach`` holding each ID number (two or more only while a
    cross-county pair awaits an administrator)."""
    found: dict[str, list[Person]] = {}
    ordered = sorted(set(numbers))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        query = select(Person).where(Person.id_number.in_(chunk), reach).order_by(Person.id)
        for person in session.scalars(query):
            found.setdefault(person.id_number, []).append(person)
    return found


def ambiguous_id(advice_zh: str) -> ValidationError:
    """The refusal of a row whose ID names persons of two counties: guessing could change the
    wrong person's record."""
    return ValidationError(
        "ambiguous_id_number",
        "this resident ID is registered in more than one county (a pending transfer)",
        f"{AMBIGUOUS_ZH}，{advice_zh}",
    )
