"""Identifier validation and masking: resident ID, disability certificate, social credit code.

Every person and employer record enters through these parsers, so a typo is caught at the
counter with a Chinese message a counselor can act on. Messages never echo the number itself
(nor the expected check character, which would invite "fixing" a typo into a wrong valid ID);
anything shown or logged goes through the ``mask_*`` functions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from matching.errors import ValidationError

__all__ = [
    "EARLIEST_BIRTH_DATE",
    "ID_WEIGHTS",
    "LOST_DIGITS",
    "USCC_CHARSET",
    "USCC_WEIGHTS",
    "DisabilityCertificate",
    "ResidentId",
    "make_certificate",
    "make_resident_id",
    "make_uscc",
    "mask_certificate",
    "mask_name",
    "mask_resident_id",
    "mask_sensitive",
    "parse_certificate",
    "parse_resident_id",
    "parse_uscc",
    "resident_id_check_char",
    "uscc_check_char",
]

# GB 11643-1999, ISO 7064 MOD 11-2: W_i = 2^(17-i) mod 11.
ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_CERT_CATEGORIES = "1234567"
_CERT_LEVELS = "1234"
# A number as Excel shows or saves it: 3.71502E+17 (after _normalise, so upper-case E).
_SCIENTIFIC_RE = re.compile(r"[0-9](\.[0-9]*)?E\+?[0-9]+")
LOST_DIGITS = "id_lost_digits"

# GB 32100-2015: 31 characters (no I O S V Z), W_i = 3^i mod 31.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS: tuple[int, ...] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
_USCC_RE = re.compile(rf"[{USCC_CHARSET}]{{2}}[0-9]{{6}}[{USCC_CHARSET}]{{10}}")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _normalise(text: str) -> str:
    """Full-width to ASCII (NFKC), drop all whitespace and zero-width marks, upper-case."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return "".join(text.split()).upper()


def _lost_digits(field: str) -> ValidationError:
    """Excel keeps 15 significant digits: an 18-digit ID (or 20-digit certificate) typed into a
    number cell comes back as 3.71502199001011E+17 or 371502199001011000, and no check of the
    digits can help; the counselor must re-enter the column as text."""
    return ValidationError(
        LOST_DIGITS,
        "the number arrived as a spreadsheet number (scientific notation or trailing zeros): "
        "its last digits are lost; format the column as text and enter it again",
        "该单元格为数字格式，Excel已丢失末尾数字，请将列设为文本后重新填写",
        field=field,
    )


def _id_error(code: str, message: str, message_zh: str) -> ValidationError:
    return ValidationError(code, message, message_zh, field="id_number")


def resident_id_check_char(first17: str) -> str:
    """Check character of an 18-digit resident ID from its first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("resident_id_check_char needs exactly 17 ASCII digits")
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A parsed, checked resident ID; ``repr`` is masked so it is safe in logs."""

    number: str
    address_code: str
    birth_date: date
    sequence: str
    sex: str

    def age_on(self, day: date) -> int:
        """Completed years on ``day`` (a 29 Feb birthday turns over on 1 Mar in common years)."""
        if day < self.birth_date:
            raise ValueError("day is before the birth date")
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)

    def __repr__(self) -> str:
        return f"ResidentId({mask_resident_id(self.number)!r}, sex={self.sex!r})"


def parse_resident_id(
    text: str, *, today: date | None = None, earliest: date = EARLIEST_BIRTH_DATE
) -> ResidentId:
    """Normalise and check an 18-character resident ID, or raise ``ValidationError``.

    Checks run in the order length, format, birth date, check character, so the first
    message names the most basic problem.
    """
    number = _normalise(text)
    if not number:
        raise _id_error("id_empty", "resident ID is empty", "身份证号为空，请填写18位身份证号")
    if _SCIENTIFIC_RE.fullmatch(number):
        raise _lost_digits("id_number")
    if len(number) != 18:
        raise _id_error(
            "id_length",
            f"resident ID must have 18 characters, got {len(number)}",
            f"身份证号应为18位，实际为{len(number)}位",
        )
    if not _ID_RE.fullmatch(number):
        raise _id_error(
            "id_format",
            "resident ID: first 17 characters must be digits, the last a digit or X",
            "身份证号格式错误：前17位应为数字，最后一位应为数字或X",
        )
    today = today or date.today()
    birth: date | None
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or not earliest <= birth <= today:
        raise _id_error(
            "id_birth_date",
            f"resident ID: characters 7-14 must be a real date between {earliest} and today",
            f"身份证号中的出生日期无效：第7至14位应为{earliest.year}年{earliest.month}月"
            f"{earliest.day}日至今天之间的真实日期",
        )
    if resident_id_check_char(number[:17]) != number[17]:
        if number.endswith("000"):
            raise _lost_digits("id_number")
        raise _id_error(
            "id_checksum",
            "resident ID check character does not match (typo?)",
            "身份证号校验位错误，请逐位核对号码",
        )
    sequence = number[14:17]
    sex = "M" if int(sequence) % 2 else "F"
    return ResidentId(number, number[:6], birth, sequence, sex)


def make_resident_id(address_code: str, birth_date: date, sequence: int) -> str:
    """Build a valid ID (synthetic city, tests); odd ``sequence`` means male."""
    if not (len(address_code) == 6 and address_code.isascii() and address_code.isdigit()):
        raise ValueError("address_code must be 6 ASCII digits")
    if not 0 <= sequence <= 999 or birth_date.year < 1000:
        raise ValueError("sequence must be 0..999 and birth_date a four-digit year")
    first17 = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


@dataclass(frozen=True, slots=True)
class DisabilityCertificate:
    """A parsed second-generation certificate number; ``repr`` hides birth date and class."""

    number: str
    resident_id: str
    category: str
    level: str

    def __repr__(self) -> str:
        return f"DisabilityCertificate({mask_certificate(self.number)!r})"


def _cert_error(code: str, message: str, message_zh: str) -> ValidationError:
    return ValidationError(code, message, message_zh, field="certificate_number")


def parse_certificate(text: str, resident_id: str | None = None) -> DisabilityCertificate:
    """Check a 20-character certificate number, optionally against the holder's ID.

    Checks run in the order length, ID part's format, category (19th), level (20th), ID part's
    date and checksum; a wrong category or level digit is named (it is not a real class, so
    showing it reveals nothing of the holder).
    """
    number = _normalise(text)
    if _SCIENTIFIC_RE.fullmatch(number) or (
        len(number) >= 16 and number.isdigit() and number.endswith("000")
    ):
        raise _lost_digits("certificate_number")
    if len(number) != 20 or not _ID_RE.fullmatch(number[:18]):
        raise _cert_error(
            "cert_format",
            f"certificate number must be 18-character ID + category 1-7 + level 1-4 "
            f"(20 characters), got {len(number)} characters",
            "残疾人证号应为20位：18位身份证号 + 残疾类别（1–7）+ 残疾等级（1–4），"
            + (f"实际为{len(number)}位" if len(number) != 20 else "前18位格式错误"),
        )
    category, level = number[18], number[19]
    if category not in _CERT_CATEGORIES:
        raise _cert_error(
            "cert_format",
            f"certificate: character 19 (disability category) must be 1-7, got {category!r}",
            f"残疾人证号第19位残疾类别应为1-7，实际为{category}",
        )
    if level not in _CERT_LEVELS:
        raise _cert_error(
            "cert_format",
            f"certificate: character 20 (disability level) must be 1-4, got {level!r}",
            f"残疾人证号第20位残疾等级应为1-4，实际为{level}",
        )
    try:
        parse_resident_id(number[:18])
    except ValidationError as exc:
        raise _cert_error(
            "cert_id_invalid",
            f"first 18 characters of the certificate are not a valid ID: {exc.message}",
            f"残疾人证号前18位不是有效的身份证号：{exc.message_zh}",
        ) from exc
    if resident_id is not None and _normalise(resident_id) != number[:18]:
        raise _cert_error(
            "cert_id_mismatch",
            "first 18 characters of the certificate differ from the resident ID",
            "残疾人证号前18位与身份证号不一致",
        )
    return DisabilityCertificate(number, number[:18], category, level)


def make_certificate(resident_id: str, category: int | str, level: int | str) -> str:
    """Build a certificate number from a valid ID, category 1-7 and level 1-4."""
    number = f"{_normalise(resident_id)}{category}{level}"
    return parse_certificate(number).number


def uscc_check_char(first17: str) -> str:
    """Check character of a unified social credit code from its first 17 characters."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError("uscc_check_char needs 17 characters from the GB 32100 charset")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def _uscc_error(code: str, message: str, message_zh: str) -> ValidationError:
    return ValidationError(code, message, message_zh, field="credit_code")


def parse_uscc(text: str) -> str:
    """Normalise and check an 18-character unified social credit code, or raise."""
    code = _normalise(text)
    if not code:
        raise _uscc_error(
            "uscc_empty", "credit code is empty", "统一社会信用代码为空，请填写18位代码"
        )
    if len(code) != 18:
        raise _uscc_error(
            "uscc_length",
            f"credit code must have 18 characters, got {len(code)}",
            f"统一社会信用代码应为18位，实际为{len(code)}位",
        )
    if not _USCC_RE.fullmatch(code):
        raise _uscc_error(
            "uscc_format",
            "credit code: only digits and capital letters except I, O, S, V, Z; "
            "characters 3-8 must be digits",
            "统一社会信用代码格式错误：只能包含数字和除I、O、S、V、Z以外的大写字母，第3至8位应为数字",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise _uscc_error(
            "uscc_checksum",
            "credit code check character does not match (typo?)",
            "统一社会信用代码校验位错误，请逐位核对",
        )
    return code


def make_uscc(first17_without_check: str) -> str:
    """Append the check character (synthetic employers, tests)."""
    first17 = _normalise(first17_without_check)
    return parse_uscc(first17 + uscc_check_char(first17))


def mask_resident_id(text: str) -> str:
    """Keep the first 6 and last 4 characters, never positions 7-14 (the birth date).

    Works on malformed input: fewer characters are shown rather than risk the birth date,
    and under 10 characters everything is masked.
    """
    s = _normalise(text)
    if len(s) < 10:
        return "*" * len(s)
    tail = max(14, len(s) - 4)
    return "".join(ch if i < 6 or i >= tail else "*" for i, ch in enumerate(s))


def mask_certificate(text: str) -> str:
    """Keep characters 1-6 and 15-18; hide the birth date and the category/level digits.

    On malformed input the last two characters are always hidden as well.
    """
    s = _normalise(text)
    if len(s) < 10:
        return "*" * len(s)
    end = min(18, len(s) - 2)
    return "".join(ch if i < 6 or 14 <= i < end else "*" for i, ch in enumerate(s))


def mask_name(name: str) -> str:
    """The first character (the surname, for most Chinese names) and a star for each other one:
    for papers that leave the service, such as a letter to an employer (王** for 王小明)."""
    s = name.strip()
    return s[:1] + "*" * max(1, len(s) - 1) if s else ""


# 15-20 ID-like characters (14 digits, then digits or X) not touching other digits.
_SENSITIVE_RE = re.compile(r"(?<![0-9０-９])[0-9０-９]{14}[0-9０-９XxＸｘ]{1,6}(?![0-9０-９])")


def _mask_match(match: re.Match[str]) -> str:
    run = match.group()
    return mask_resident_id(run) if len(run) <= 18 else mask_certificate(run)


def mask_sensitive(text: str) -> str:
    """Mask every ID- or certificate-like run inside free text (log filters, error reports)."""
    return _SENSITIVE_RE.sub(_mask_match, text)
