"""Reasons seen from the employer's side: why a person fits a vacancy, on the vacancy's list of
candidates (点对点推荐).

The list ranks persons for one vacancy, so only what differs between persons can explain it: the
pair features (entity ``pair`` in ``features.schema``). The vacancy's own features are the same
for every person on the list, the person-only ones have no phrase (``features.reasons``), and
``x_congestion`` is the vacancy's load, the same for everyone too. The phrases are the
person-side ones ("同县，距离约8公里（通勤约20分钟）", "所需合理便利单位均可提供"); where a phrase
speaks of the person's expectation, wish or what they can keep up, it names the person ("月薪高于
本人期望约20%"), since the reader looks at many persons at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache, partial

from features.reasons import Reason, explainable, phrase
from features.reasons_format import PhraseFn
from features.reasons_jobs import hours_excess, mode_fit, pay_vs_expectation
from features.schema import JOB_FEATURE_SET

__all__ = ["CANDIDATE_FEATURES", "candidate_phrase", "speaks_for_candidates"]

PERSON = "本人"
SAME_FOR_EVERY_PERSON = frozenset({"x_congestion"})
_NAMED: dict[str, PhraseFn] = {
    "x_pay_vs_expectation": partial(pay_vs_expectation, whose=PERSON),
    "x_hours_excess": partial(hours_excess, whose=PERSON),
    "x_mode_fit": partial(mode_fit, whose=PERSON),
}
CANDIDATE_FEATURES: frozenset[str] = frozenset(
    f.name
    for f in JOB_FEATURE_SET.features
    if f.entity == "pair" and f.name not in SAME_FOR_EVERY_PERSON and explainable(f.name)
)
"""The jobs features whose contributions explain a candidate's place on a vacancy's list."""


def candidate_phrase(feature: str, row: Mapping[str, object], *, supportive: bool) -> Reason | None:
    """``features.reasons.phrase`` for a candidate of a vacancy: None for a feature that is the
    same for every person on the list, the person named where the person-side phrase leaves it
    implicit."""
    if feature not in CANDIDATE_FEATURES:
        return None
    named = _NAMED.get(feature)
    if named is None:
        return phrase(feature, row, supportive=supportive)
    text = named(row, bool(supportive))
    return Reason(feature, text, bool(supportive)) if text else None


@lru_cache(maxsize=8)
def speaks_for_candidates(names: Sequence[str]) -> tuple[int, ...]:
    """The positions in ``names`` (a model's feature list, as a tuple) of ``CANDIDATE_FEATURES``."""
    return tuple(i for i, name in enumerate(names) if name in CANDIDATE_FEATURES)
