"""Search conditions built from filter values, checked like any other input."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

from matching.codelist import CodeList
from matching.errors import UnknownCodeError, ValidationError
from matching.records.rows import UNSTORABLE

MAX_SEARCH_TEXT = 50


def code(
    column: InstrumentedAttribute[Any], codes: CodeList, value: str | None, field: str
) -> ColumnElement[bool] | None:
    """``column`` equal to the code ``value`` names (any accepted spelling); None: no filter."""
    if value is None:
        return None
    try:
        return column == codes.parse(value)
    except UnknownCodeError as error:
        error.field = field
        raise


def substring(
    column: InstrumentedAttribute[Any], value: str | None, field: str
) -> ColumnElement[bool] | None:
    """``column`` containing ``value`` literally (``%`` and ``_`` are not wildcards)."""
    text = search_text(value, field)
    return None if text is None else column.contains(text, autoescape=True)


def prefix(
    column: InstrumentedAttribute[Any], value: str | None, field: str
) -> ColumnElement[bool] | None:
    """``column`` equal to ``value`` or starting with ``value-`` (an occupation group)."""
    text = search_text(value, field)
    if text is None:
        return None
    return (column == text) | column.startswith(f"{text}-", autoescape=True)


def search_text(value: str | None, field: str) -> str | None:
    """The trimmed search text (None when empty); too long or unstorable text is refused."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > MAX_SEARCH_TEXT or UNSTORABLE.search(text):
        raise ValidationError(
            "bad_search_text",
            f"{field}: at most {MAX_SEARCH_TEXT} characters, no NUL characters",
            f"查询文字最多{MAX_SEARCH_TEXT}个字，且不能含有空字符",
            field=field,
        )
    return text
