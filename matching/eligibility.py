"""Who may take which post beyond ability: the channel rules (docs/domain.md, "Channels that are
reserved openings").

One rule set for job recommendations (``features.candidates`` filters with it, in polars and in
the NumPy engine) and for the fairs' pre-match (``matching.fair_plans.rules``):
- a post reserved for persons with disabilities (``reserved_for_disabled``) and the channels that
  are reserved openings — postal kiosks, lottery outlets, tobacco retail — need a disability
  certificate;
- public-welfare posts (公益性岗位) need employment difficulty, taken as anyone not employed and
  not still in school (*assumption*: the plan names the group, not a test);
- a post that asks for 盲人医疗按摩 (blind medical massage) needs the practitioner's licence, the
  盲人医疗按摩人员考试合格证 among the certificates of the person's latest assessment.

``channel_allows`` is written with ``&``, ``|`` and ``~`` only, so the same function builds a
polars expression from columns and a NumPy mask from arrays.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Protocol, Self, TypeVar

__all__ = [
    "CERTIFICATE_ZH",
    "DIFFICULTY_EXCLUDED",
    "DIFFICULTY_ZH",
    "LICENCE_ZH",
    "MASSAGE_LICENCE",
    "MASSAGE_SKILL",
    "RESERVED_CHANNELS",
    "WELFARE_CHANNELS",
    "channel_allows",
    "channel_reasons",
]

RESERVED_CHANNELS = frozenset({"kiosk", "lottery", "tobacco"})
WELFARE_CHANNELS = frozenset({"public_welfare"})
DIFFICULTY_EXCLUDED = frozenset({"employed", "studying"})  # statuses without employment difficulty
MASSAGE_SKILL = "盲人医疗按摩"  # a post asking for this skill needs the licence
MASSAGE_LICENCE = "盲人医疗按摩人员考试合格证"
CERTIFICATE_ZH = "残疾人专岗，需持残疾人证"
DIFFICULTY_ZH = "公益性岗位仅面向就业困难人员"
LICENCE_ZH = "盲人医疗按摩岗位需持盲人医疗按摩人员考试合格证"


class Logical(Protocol):
    def __and__(self, other: Self, /) -> Self: ...
    def __or__(self, other: Self, /) -> Self: ...
    def __invert__(self) -> Self: ...


L = TypeVar("L", bound=Logical)
B = TypeVar("B")


def _rules(
    needs_certificate: B,
    needs_difficulty: B,
    needs_licence: B,
    has_certificate: B,
    has_difficulty: B,
    has_licence: B,
) -> list[tuple[B, B, str]]:
    """The rule set: (the post needs it, the person holds it, the reason when not)."""
    return [
        (needs_certificate, has_certificate, CERTIFICATE_ZH),
        (needs_difficulty, has_difficulty, DIFFICULTY_ZH),
        (needs_licence, has_licence, LICENCE_ZH),
    ]


def channel_allows(
    *,
    needs_certificate: L,
    needs_difficulty: L,
    needs_licence: L,
    has_certificate: L,
    has_difficulty: L,
    has_licence: L,
) -> L:
    """True where no channel rule keeps the person from the post."""
    rules = _rules(
        needs_certificate,
        needs_difficulty,
        needs_licence,
        has_certificate,
        has_difficulty,
        has_licence,
    )
    blocked = reduce(or_, (needs & ~holds for needs, holds, _reason in rules))
    return ~blocked


def channel_reasons(
    *,
    needs_certificate: bool,
    needs_difficulty: bool,
    needs_licence: bool,
    has_certificate: bool,
    has_difficulty: bool,
    has_licence: bool,
) -> list[str]:
    """The rules that keep one person from one post, in Chinese (empty: none)."""
    rules = _rules(
        needs_certificate,
        needs_difficulty,
        needs_licence,
        has_certificate,
        has_difficulty,
        has_licence,
    )
    return [reason for needs, holds, reason in rules if needs and not holds]
