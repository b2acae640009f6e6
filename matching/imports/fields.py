"""Cell parsers for imports: each turns one non-empty cell text into a value or raises
``ValidationError`` with a reason code and a Chinese message that says what is allowed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from matching.codelist import CodeList
from matching.errors import ValidationError

Parser = Callable[[str], object]

LIST_SEPARATORS = re.compile(r"[、,，;；]+")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
TRUE_WORDS = frozenset({"是", "有", "y", "yes", "true", "1", "√"})
FALSE_WORDS = frozenset({"否", "无", "n", "no", "false", "0", "×"})


def clean(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def identifier(value: str) -> str:
    """A natural key such as a vacancy or course code: NFKC-folded, at most 40 characters."""
    folded = clean(value)
    if len(folded) > 40:
        raise ValidationError(
            "too_long", f"at most 40 characters, got {len(folded)}", "编号过长：最多40个字符"
        )
    return folded


# Characters nobody sees on a page: controls (Cc), format characters (Cf: bidi embeddings,
# overrides and isolates U+202A–U+202E and U+2066–U+2069, zero-width U+200B–U+200F, BOM U+FEFF)
# and separators or whitespace (Z*).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Bidi embeddings, overrides and isolates reorder what follows them: in a name they serve only
# to make it display as something else.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# The invisible format characters as a regex class fragment, for API fields checked by a
# ``pattern`` (with ``\s`` and controls beside it): soft hyphen, zero-width and direction marks,
# word joiners, BOM.
INVISIBLE_FORMATS = "\u00ad\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff"


def invisible(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES or char.isspace()


def visible_text(value: str, *, name: bool = False) -> str:
    """``value`` unchanged if a reader can see it; a name may not hold bidi controls anywhere."""
    if all(invisible(char) for char in value):
        raise ValidationError(
            "invisible_text",
            "text consists only of invisible characters (spaces, controls, bidi or zero-width)",
            "内容不能只包含不可见字符（空格、控制字符、零宽字符或文字方向控制符），请填写可见的文字",
        )
    if name and any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(
            "bidi_control",
            "a name may not contain bidi embedding, override or isolate characters "
            "(U+202A-U+202E, U+2066-U+2069)",
            "名称中不能包含文字方向控制符（如U+202E），请删除后重新填写",
        )
    return value


def text(max_length: int, *, name: bool = False) -> Parser:
    """Free text of at most ``max_length`` characters that a reader can see; ``name``: a name
    (of a person, employer, training base or assessor), which also may not reorder itself."""

    def parse(value: str) -> str:
        value = visible_text(value.strip(), name=name)
        if len(value) > max_length:
            raise ValidationError(
                "too_long",
                f"at most {max_length} characters, got {len(value)}",
                f"内容过长：最多{max_length}个字，实际{len(value)}个字",
            )
        return value

    return parse


def parse_date(value: str) -> date:
    value = clean(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", value):
        value = value[:10]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValidationError(
        "bad_date",
        f"not a real date in a known format: {value[:20]!r}",
        f"日期“{value[:20]}”无效，应为真实日期，如 2024-03-01、2024/3/1 或 2024年3月1日",
    )


def date_between(earliest: date, latest: Callable[[], date]) -> Parser:
    def parse(value: str) -> date:
        day = parse_date(value)
        if not earliest <= day <= latest():
            raise ValidationError(
                "date_out_of_range",
                f"date {day} outside {earliest}..{latest()}",
                f"日期{day.isoformat()}超出范围：应在{earliest.isoformat()}至{latest().isoformat()}之间",
            )
        return day

    return parse


def integer(low: int, high: int) -> Parser:
    def parse(value: str) -> int:
        number = decimal_number(Decimal(low), Decimal(high))(value)
        assert isinstance(number, Decimal)
        if number != number.to_integral_value():
            raise ValidationError(
                "not_integer", f"{number} is not a whole number", f"“{number}”应为整数"
            )
        return int(number)

    return parse


def decimal_number(low: Decimal, high: Decimal, places: int | None = None) -> Parser:
    def parse(value: str) -> Decimal:
        cleaned = clean(value).replace(",", "").replace("，", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(
                "not_number", f"not a number: {cleaned[:20]!r}", f"“{cleaned[:20]}”不是数字"
            ) from None
        if not number.is_finite() or not low <= number <= high:
            raise ValidationError(
                "number_out_of_range",
                f"{number} outside {low}..{high}",
                f"数值{number}超出范围：应在{low}至{high}之间",
            )
        if places is None:
            return number
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places:
            raise ValidationError(
                "too_many_decimals",
                f"{number} has more than {places} decimal places",
                f"数值{number}最多保留{places}位小数",
            )
        return number.quantize(Decimal(1).scaleb(-places))

    return parse


def boolean(value: str) -> bool:
    word = clean(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(
        "bad_boolean", f"not yes/no: {word[:10]!r}", f"“{word[:10]}”无效，应填“是”或“否”"
    )


def code(codes: CodeList) -> Parser:
    return codes.parse


def code_set(codes: CodeList) -> Parser:
    """Several codes in one cell, separated by 、 , ， ; or ；; stored in list order, unique."""

    def parse(value: str) -> list[str]:
        parts = [part for part in LIST_SEPARATORS.split(value) if part.strip()]
        return sorted({codes.parse(part) for part in parts}, key=codes.codes.index)

    return parse


def words(max_items: int, max_length: int = 40) -> Parser:
    """Free-text items (skills, certificates) separated like ``code_set``."""

    def parse(value: str) -> list[str]:
        items = list(dict.fromkeys(part.strip() for part in LIST_SEPARATORS.split(value)))
        items = [item for item in items if item]
        if len(items) > max_items or any(len(item) > max_length for item in items):
            raise ValidationError(
                "too_many_items",
                f"at most {max_items} items of {max_length} characters",
                f"最多填写{max_items}项，每项不超过{max_length}个字",
            )
        return items

    return parse


def phone(value: str) -> str:
    number = clean(value).replace(" ", "")
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return number
    raise ValidationError(
        "bad_phone",
        "not an 11-digit mobile number or a landline with area code",
        "联系电话无效：应为11位手机号或带区号的固定电话（如 0635-8888888）",
    )


def today() -> date:
    return datetime.now().date()
