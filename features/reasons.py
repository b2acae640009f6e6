"""Short Chinese reasons for a recommended vacancy or course, for counselors to read.

The serving layer takes the features with the largest LightGBM contributions for one item and asks
``phrase`` for each: positive contributions become reasons (``supportive=True``), negative ones
cautions. ``ability_statements`` adds the assessed gaps and missing accommodations shown on every
line. The phrases state facts about the item for this person; they never argue that a person
should not be trained, and an employer's quota position is only ever stated as a fact.

Person-only features (``p_*``, e.g. past outcomes) and the employer's size say nothing about the
item and have no phrase. The phrase functions live in :mod:`features.reasons_vacancy`,
:mod:`features.reasons_jobs` (pair features) and :mod:`features.reasons_courses`; values are read
and numbers formatted in :mod:`features.reasons_format`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from features.reasons_courses import COURSE_PHRASES
from features.reasons_format import DIMENSIONS, PhraseFn, ability, num
from features.reasons_jobs import PAIR_PHRASES, congestion_note
from features.reasons_vacancy import VACANCY_PHRASES
from matching import codes
from matching.errors import UnknownCodeError

__all__ = [
    "MAX_STATEMENTS",
    "Reason",
    "ability_statements",
    "congestion_note",
    "explainable",
    "explainable_features",
    "phrase",
]

MAX_STATEMENTS = 3
_PHRASES: dict[str, PhraseFn] = {**VACANCY_PHRASES, **PAIR_PHRASES, **COURSE_PHRASES}


@dataclass(frozen=True)
class Reason:
    feature: str  # the feature name it explains
    text: str  # Chinese phrase, ≤ 30 characters where possible
    supportive: bool  # True = speaks for the item, False = a caution


def explainable(feature: str) -> bool:
    """Whether ``phrase`` can ever return a Reason for this feature."""
    return isinstance(feature, str) and feature in _PHRASES


def explainable_features() -> frozenset[str]:
    """Every feature name that has a phrase."""
    return frozenset(_PHRASES)


def phrase(feature: str, row: Mapping[str, object], *, supportive: bool) -> Reason | None:
    """The phrase for one feature given all feature values of the pair, or None.

    None when the feature has no phrase at all, or none in this direction for this value (a
    missing pay, a distance that is near when asked for a caution, …). Missing keys, None, NaN,
    infinities and absurd values never raise.
    """
    make = _PHRASES.get(feature) if isinstance(feature, str) else None
    if make is None:
        return None
    text = make(row, bool(supportive))
    return Reason(feature, text, bool(supportive)) if text else None


def ability_statements(
    row: Mapping[str, object],
    accommodations_offered: Sequence[str],
    accommodations_needed: Sequence[str],
    *,
    prefix: str = "x_margin_",
    target: str = "岗位要求",
    provider: str = "单位",
) -> list[str]:
    """The assessed gaps and missing accommodations, at most ``MAX_STATEMENTS``.

    One statement per dimension with ``x_margin_<d> < 0``, largest gap first:
    "评估显示听力不足，单位提供手语翻译可弥补" when an offered accommodation closes it
    (``codes.ACCOMMODATION_CLOSES``), else "评估显示听力低于岗位要求". Then "需提供：<labels>" for
    needed accommodations the workplace does not offer; that line always keeps its place and the
    gaps fill the rest. Accommodations may be codes or any spelling ``ACCOMMODATIONS.parse``
    accepts; unknown ones are ignored. A course line reads its own margins and says who offers
    what: ``prefix="y_margin_", target="课程对应职业要求", provider="课程"``.
    """
    offered = _accommodation_codes(accommodations_offered)
    gaps = sorted(
        (margin, index, dimension)
        for index, dimension in enumerate(DIMENSIONS)
        if (margin := num(row, f"{prefix}{dimension}")) is not None and margin < 0
    )
    statements = []
    for _, _, dimension in gaps:
        closer = next(
            (a for a in offered if dimension in codes.ACCOMMODATION_CLOSES.get(a, ())), None
        )
        if closer is None:
            statements.append(f"评估显示{ability(dimension)}低于{target}")
        else:
            label = codes.ACCOMMODATIONS.label(closer)
            statements.append(f"评估显示{ability(dimension)}不足，{provider}提供{label}可弥补")
    missing = [a for a in _accommodation_codes(accommodations_needed) if a not in offered]
    if not missing:
        return statements[:MAX_STATEMENTS]
    needs = "需提供：" + "、".join(codes.ACCOMMODATIONS.label(a) for a in missing)
    return [*statements[: MAX_STATEMENTS - 1], needs]


def _accommodation_codes(values: Sequence[str]) -> list[str]:
    """Known accommodation codes in the given order, without repeats."""
    found: list[str] = []
    for value in [values] if isinstance(values, str) else values:
        try:
            code = codes.ACCOMMODATIONS.parse(value)
        except UnknownCodeError:
            continue
        if code not in found:
            found.append(code)
    return found
