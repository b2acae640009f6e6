"""Reasons on a vacancy's list of candidates: only pair features speak, the person-side phrases
name the person where theirs is implicit, and a feature that did not move the score is silent."""

from __future__ import annotations

import numpy as np

from features.reasons import phrase
from features.reasons_candidates import CANDIDATE_FEATURES, candidate_phrase
from features.schema import JOB_FEATURE_SET
from serving.services.recommend_core import reasons_of

ROW: dict[str, object] = {
    "x_pay_vs_expectation": 0.2,
    "x_hours_excess": 1.0,
    "x_mode_fit": 1.0,
    "v_work_mode": 0.0,
    "x_distance_km": 8.0,
    "x_same_county": 1.0,
    "x_congestion": 0.0,
    "v_pay_min": 3000.0,
    "v_pay_max": 3600.0,
}


def text(feature: str, supportive: bool) -> str | None:
    found = candidate_phrase(feature, ROW, supportive=supportive)
    return None if found is None else found.text


def test_only_what_differs_between_persons_speaks() -> None:
    assert "x_distance_km" in CANDIDATE_FEATURES and "x_congestion" not in CANDIDATE_FEATURES
    assert all(name.startswith("x_") for name in CANDIDATE_FEATURES)
    # the vacancy's own pay and its load are the same for everyone on the list
    assert phrase("v_pay_min", ROW, supportive=True) is not None
    assert text("v_pay_min", True) is None
    assert phrase("x_congestion", ROW, supportive=True) is not None
    assert text("x_congestion", True) is None


def test_the_person_is_named_where_the_person_side_leaves_it_implicit() -> None:
    assert text("x_pay_vs_expectation", True) == "月薪高于本人期望约20%"
    assert text("x_hours_excess", False) == "每日工时超出本人可承受时长1小时"
    assert text("x_mode_fit", True) == "工作方式符合本人意愿（全日制坐班）"
    # the person-side phrase itself is unchanged
    assert phrase("x_pay_vs_expectation", ROW, supportive=True) is not None
    assert phrase("x_pay_vs_expectation", ROW, supportive=True).text == "月薪高于期望约20%"  # type: ignore[union-attr]
    assert text("x_distance_km", True) == "同县，距离约8公里（通勤约20分钟）"


def test_a_feature_that_did_not_move_the_score_is_silent() -> None:
    names = JOB_FEATURE_SET.names
    contributions = np.zeros(len(names) + 1)
    contributions[names.index("x_distance_km")] = 0.3
    contributions[names.index("v_pay_min")] = 0.9  # the strongest, but not the person's
    row = dict(ROW)
    moved = reasons_of(row, contributions, names, say=candidate_phrase, moved_only=True)
    assert moved == (["同县，距离约8公里（通勤约20分钟）"], [])
    # without moved_only, zeros would be phrased in the cautions' direction
    unmoved = reasons_of(row, contributions, names, say=candidate_phrase)
    assert unmoved[1] and unmoved[0] == moved[0]
