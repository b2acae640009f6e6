"""Input checks shared by the ledger functions: text, dates and years, with Chinese messages.

Days and years are checked against today (``ConflictError``: the value is well formed but
outside the window today allows). Free text is checked for what the databases cannot store
(NUL, lone surrogates, other control characters) and for length (``ValidationError``), and any
ID- or certificate-like number typed into it is masked before it is stored: notes are shown and
exported, and must never carry a full ID number.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from matching.errors import ValidationError, conflict
from matching.validators import mask_sensitive

__all__ = [
    "EARLIEST_DAY",
    "FURTHEST_PLAN_YEARS",
    "check_day",
    "check_graduation_year",
    "check_text",
    "plan_horizon",
]

EARLIEST_DAY = date(2000, 1, 1)  # no ledger entry is older than the city's graduate database
FURTHEST_PLAN_YEARS = 5  # a plan looks at most this far ahead
GRADUATION_YEAR_MIN = 2000
GRADUATION_YEARS_AHEAD = 8  # a first-year doctoral student after a master's
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def check_text(
    value: object, field: str, zh: str, max_length: int, *, required: bool = False
) -> str | None:
    """The stripped text, or None when empty and not required."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise _error("not_text", f"{field} must be text", f"{zh}必须是文字", field)
    if not text:
        if required:
            raise _error("required", f"{field} is required", f"请填写{zh}", field)
        return None
    if len(text) > max_length:
        raise _error(
            "too_long",
            f"{field} has {len(text)} characters; at most {max_length} are allowed",
            f"{zh}过长：最多 {max_length} 个字，当前 {len(text)} 个字",
            field,
        )
    if any(_unstorable(ch) for ch in text):
        raise _error(
            "bad_characters",
            f"{field} holds control or invalid characters; only printable text, line breaks "
            "and tabs are allowed",
            f"{zh}含有无法保存的控制字符，请只填写普通文字",
            field,
        )
    return mask_sensitive(text)


def check_day(
    value: date,
    field: str,
    zh: str,
    *,
    today: date,
    earliest: date = EARLIEST_DAY,
    latest: date | None = None,
) -> date:
    """A day between ``earliest`` and ``latest`` (default: today, i.e. not in the future)."""
    latest = today if latest is None else latest
    if value < earliest or value > latest:
        raise conflict(
            "date_out_of_range",
            f"{field} {value.isoformat()} must lie between {earliest.isoformat()} and "
            f"{latest.isoformat()}",
            f"{zh}（{value.isoformat()}）须在 {earliest.isoformat()} 至 {latest.isoformat()} 之间",
            field,
        )
    return value


def check_graduation_year(value: int, today: date) -> int:
    latest = today.year + GRADUATION_YEARS_AHEAD
    if not GRADUATION_YEAR_MIN <= value <= latest:
        raise conflict(
            "graduation_year_out_of_range",
            f"graduation_year {value} must lie between {GRADUATION_YEAR_MIN} and {latest}",
            f"毕业年份须在 {GRADUATION_YEAR_MIN} 至 {latest} 年之间",
            "graduation_year",
        )
    return value


def plan_horizon(today: date) -> date:
    """The latest target date a plan may name."""
    try:
        return today.replace(year=today.year + FURTHEST_PLAN_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + FURTHEST_PLAN_YEARS, day=28)


def _unstorable(ch: str) -> bool:
    category = unicodedata.category(ch)
    return (category == "Cc" and ch not in _ALLOWED_CONTROLS) or category == "Cs"


def _error(code: str, message: str, message_zh: str, field: str) -> ValidationError:
    return ValidationError(code, message, message_zh, field=field)
