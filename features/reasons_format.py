"""Shared pieces of the reason phrases: reading one feature value safely and formatting numbers.

A feature row may hold None, NaN, infinities, booleans, numpy scalars, Decimals or junk; ``num``
turns all of that into a finite float or None, so no phrase function has to care.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from numbers import Real

from matching import codes
from matching.codelist import CodeList
from matching.quota import QUOTA_RATE

Row = Mapping[str, object]
PhraseFn = Callable[[Row, bool], str | None]

DIMENSIONS = codes.ASSESSMENT_DIMENSIONS.codes
BUS_KMH = 25.0  # rough door-to-door bus speed inside a county
LIMIT = 1e7  # above any real feature value (pay, staff, km, days); such a value gets no phrase
SIMILAR = 0.1  # character-bigram similarity from which skills/major count as related
NEAR_KM = 20.0  # without a commute ratio, a distance up to this is a reason for
FAR_KM = 10.0  # without a commute ratio, a distance above this is a caution
QUOTA_SHARE = float(QUOTA_RATE)
QUOTA_TEXT = f"{QUOTA_SHARE * 100:.1f}%"


def num(row: Row, name: str) -> float | None:
    """The finite numeric value of a feature, or None when missing, NaN, infinite or absurd."""
    value = row.get(name)
    if type(value) is float:  # what the rankers' rows hold: no abstract-class check needed
        number = value
    elif not isinstance(value, Real | Decimal):
        return None
    else:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            return None
    return number if math.isfinite(number) and abs(number) <= LIMIT else None


def flag(row: Row, name: str) -> bool | None:
    """A 0/1 feature as a bool (≥ 0.5 is true), or None when missing."""
    number = num(row, name)
    return None if number is None else number >= 0.5


def count(row: Row, name: str) -> int | None:
    """A non-negative count rounded to an integer, or None when missing or negative."""
    number = num(row, name)
    return None if number is None or number < 0 else round(number)


def share(row: Row, name: str) -> float | None:
    """A rate or share in [0, 1], or None when missing or outside that range."""
    number = num(row, name)
    return number if number is not None and 0 <= number <= 1 else None


def code_at(code_list: CodeList, row: Row, name: str) -> str | None:
    """The code of a feature that is an integer index into ``code_list``."""
    number = num(row, name)
    if number is None or not number.is_integer() or not 0 <= number < len(code_list):
        return None
    return code_list.codes[int(number)]


def code_label(code_list: CodeList, row: Row, name: str) -> str | None:
    """The Chinese label of a feature that is an integer index into ``code_list``."""
    code = code_at(code_list, row, name)
    return None if code is None else code_list.label(code)


def ability(dimension: str) -> str:
    """The dimension as an ability noun: 听力 and 抗压能力 stay, 读写 becomes 读写能力."""
    label = codes.ASSESSMENT_DIMENSIONS.label(dimension)
    return label if label.endswith("力") else f"{label}能力"


def worst_dimension(row: Row, prefix: str) -> str | None:
    """The dimension with the most negative ``<prefix><dimension>`` margin, if any is negative."""
    gaps = [(m, i, d) for i, d in enumerate(DIMENSIONS) if (m := num(row, prefix + d)) is not None]
    negative = sorted(gap for gap in gaps if gap[0] < 0)
    return negative[0][2] if negative else None


def margin_phrase(prefix: str, dimension: str, target: str) -> PhraseFn:
    """ "<ability>满足/低于<target>" for one dimension's margin feature (``prefix`` + dimension)."""

    def phrase(row: Row, supportive: bool) -> str | None:
        margin = num(row, f"{prefix}{dimension}")
        if margin is None or (margin >= 0) != supportive:
            return None
        return f"{ability(dimension)}{'满足' if supportive else '低于'}{target}"

    return phrase


def similarity_phrase(feature: str, target: str) -> PhraseFn:
    """ "所学专业/技能与<target>相关" above ``SIMILAR``, "…关联不大" below."""

    def phrase(row: Row, supportive: bool) -> str | None:
        similarity = num(row, feature)
        if similarity is None or (similarity >= SIMILAR) != supportive:
            return None
        return f"所学专业/技能与{target}{'相关' if supportive else '关联不大'}"

    return phrase


def decimal_text(value: float) -> str:
    """One decimal, without a trailing ``.0``: 2.0 → "2", 1.5 → "1.5"."""
    return f"{value:.1f}".removesuffix(".0")


def percent(rate: float, digits: int = 1) -> str:
    """A rate as a percentage: 0.006 → "0.6%"."""
    return f"{rate * 100:.{digits}f}%"


def km_text(km: float) -> str:
    return "不足1公里" if km < 1 else f"约{round(km)}公里"


def trip_text(km: float) -> str:
    """Distance with a rough bus commute time: 8 → "距离约8公里（通勤约20分钟）"."""
    minutes = km / BUS_KMH * 60
    if minutes < 60:
        time = f"约{max(5, 5 * round(minutes / 5))}分钟"
    else:
        time = f"约{decimal_text(round(minutes / 30) / 2)}小时"
    return f"距离{km_text(km)}（通勤{time}）"


def commute_speaks(km: float, ratio: float | None, supportive: bool) -> bool:
    """Whether a distance is a reason for (near) or a caution (far) in the asked direction."""
    if ratio is not None:
        return ratio <= 1 if supportive else ratio > 1
    return km <= NEAR_KM if supportive else km > FAR_KM


def commute_km(row: Row, prefix: str, supportive: bool) -> float | None:
    """The distance ``{prefix}_distance_km`` when it speaks in the asked direction (near for, far
    against; by ``{prefix}_commute_ratio`` when known), else None."""
    km, ratio = num(row, f"{prefix}_distance_km"), num(row, f"{prefix}_commute_ratio")
    if km is None or km < 0 or not commute_speaks(km, ratio, supportive):
        return None
    return km


def commute_range(row: Row, prefix: str, supportive: bool, place: str = "") -> str | None:
    """``{prefix}_commute_ratio`` as a phrase: ``place`` within (ratio ≤ 1) or beyond the
    acceptable commute, with the distance when known; None when it does not speak that way."""
    ratio = num(row, f"{prefix}_commute_ratio")
    if ratio is None or ratio < 0 or (ratio <= 1) != supportive:
        return None
    km = num(row, f"{prefix}_distance_km")
    where = f"（{km_text(km)}）" if km is not None and km >= 0 else ""
    if supportive:
        return f"{place}在可接受通勤范围内{where}"
    return f"{place}超出可接受通勤距离{where}"


def yuan(amount: float) -> str:
    return f"{round(amount)}元"


def yes_phrase(feature: str, text: str) -> PhraseFn:
    """A 0/1 feature that is a reason when 1 and says nothing otherwise."""

    def phrase(row: Row, supportive: bool) -> str | None:
        return text if supportive and flag(row, feature) else None

    return phrase


def caution_phrase(feature: str, text: str) -> PhraseFn:
    """A 0/1 feature that is a caution when 1 and says nothing otherwise."""

    def phrase(row: Row, supportive: bool) -> str | None:
        return text if not supportive and flag(row, feature) else None

    return phrase


def either_phrase(feature: str, when_one: str, when_zero: str) -> PhraseFn:
    """A 0/1 feature: a reason when 1, a caution when 0."""

    def phrase(row: Row, supportive: bool) -> str | None:
        value = flag(row, feature)
        if value is None or value != supportive:
            return None
        return when_one if value else when_zero

    return phrase
