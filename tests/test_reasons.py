"""Reason phrases: every declared feature is classified, nothing raises, the examples come out."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.reasons import (
    MAX_STATEMENTS,
    Reason,
    ability_statements,
    congestion_note,
    explainable,
    explainable_features,
    phrase,
)
from features.schema import COURSE_FEATURE_SET, JOB_FEATURE_SET
from matching import codes

ALL_FEATURES = sorted(set(JOB_FEATURE_SET.names) | set(COURSE_FEATURE_SET.names))
# Person-only features say nothing about the item; the employer's size is not a reason either.
NOT_EXPLAINABLE = {name for name in ALL_FEATURES if name.startswith("p_")} | {"v_employer_staff"}
MUST_EXPLAIN = {
    "v_employer_quota_gap",
    "v_employer_disabled_rate",
    "v_channel",
    "v_reserved",
    "c_past_completion_rate",
    "c_past_job_rate",
}
CJK = re.compile(r"[\u4e00-\u9fff]")
SPECIAL = [None, math.nan, math.inf, -math.inf, 0, 0.0, -1, -0.5, 1, 0.5, 3, 1e9, -1e9, 10**40]
REALISTIC = [0, 0.2, 0.5, 1, 2, 3, 8, 12, 40, 90]

values = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
)
rows = st.dictionaries(st.sampled_from(ALL_FEATURES), values, max_size=40)


def check(reason: Reason | None, feature: str, supportive: bool) -> None:
    if reason is None:
        return
    assert reason.feature == feature
    assert reason.supportive is supportive
    assert reason.text.strip() and CJK.search(reason.text), reason
    assert not re.search(r"None|nan|inf|e\+", reason.text, re.IGNORECASE), reason


def text(feature: str, row: Mapping[str, object], *, supportive: bool = True) -> str:
    reason = phrase(feature, row, supportive=supportive)
    assert reason is not None, (feature, row, supportive)
    return reason.text


# --- classification -----------------------------------------------------------------------------


def test_every_declared_feature_is_explainable_or_deliberately_not() -> None:
    for name in ALL_FEATURES:
        assert explainable(name) == (name not in NOT_EXPLAINABLE), name
    assert explainable_features() <= set(ALL_FEATURES)


def test_the_explainable_set_covers_pair_quota_channel_and_rate_features() -> None:
    pair = {name for name in ALL_FEATURES if name.startswith(("x_", "y_"))}
    assert pair | MUST_EXPLAIN <= explainable_features()


def test_unknown_features_have_no_phrase() -> None:
    assert not explainable("no_such_feature")
    assert phrase("no_such_feature", {"no_such_feature": 1}, supportive=True) is None


@pytest.mark.parametrize("feature", sorted(explainable_features()))
def test_every_explainable_feature_can_produce_a_reason(feature: str) -> None:
    produced = [
        phrase(feature, dict.fromkeys(ALL_FEATURES, value), supportive=supportive)
        for value in REALISTIC
        for supportive in (True, False)
    ]
    assert any(produced), feature


@pytest.mark.parametrize("feature", sorted(NOT_EXPLAINABLE))
def test_unexplainable_features_never_produce_a_reason(feature: str) -> None:
    for value in REALISTIC:
        for supportive in (True, False):
            assert (
                phrase(feature, dict.fromkeys(ALL_FEATURES, value), supportive=supportive) is None
            )


# --- robustness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", SPECIAL, ids=repr)
def test_phrase_never_raises_on_special_values(value: object) -> None:
    for row in (dict.fromkeys(ALL_FEATURES, value), {}):
        for feature in ALL_FEATURES:
            for supportive in (True, False):
                check(phrase(feature, row, supportive=supportive), feature, supportive)


@settings(max_examples=150, deadline=None)
@given(rows)
def test_phrase_never_raises_on_any_row(row: dict[str, object]) -> None:
    for feature in ALL_FEATURES:
        for supportive in (True, False):
            check(phrase(feature, row, supportive=supportive), feature, supportive)


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries({name: st.sampled_from(REALISTIC) for name in ALL_FEATURES}))
def test_phrases_for_realistic_values_are_short(row: dict[str, object]) -> None:
    for feature in ALL_FEATURES:
        for supportive in (True, False):
            reason = phrase(feature, row, supportive=supportive)
            check(reason, feature, supportive)
            assert reason is None or len(reason.text) <= 30, reason


def test_numpy_like_and_decimal_values_are_read() -> None:
    assert "8公里" in text("x_distance_km", {"x_distance_km": Decimal("8.2")})
    assert phrase("x_distance_km", {"x_distance_km": "8"}, supportive=True) is None


# --- the examples -------------------------------------------------------------------------------


def test_distance_same_county() -> None:
    got = text("x_distance_km", {"x_distance_km": 8.0, "x_same_county": 1})
    assert got == "同县，距离约8公里（通勤约20分钟）"
    assert "同县" in text("x_same_county", {"x_distance_km": 8.0, "x_same_county": 1})
    assert phrase("x_distance_km", {"x_distance_km": 8.0}, supportive=False) is None


def test_far_commute_is_a_caution() -> None:
    row = {"x_distance_km": 36.0, "x_same_county": 0, "x_commute_ratio": 2.4}
    assert text("x_distance_km", row, supportive=False) == "跨县，距离约36公里（通勤约1.5小时）"
    assert text("x_commute_ratio", row, supportive=False) == "超出可接受通勤距离（约36公里）"
    assert phrase("x_distance_km", row, supportive=True) is None


def test_home_based_needs_no_commute() -> None:
    row = {"x_distance_km": 0.0, "v_home_based": 1, "x_same_county": 1}
    for feature in ("x_distance_km", "x_same_county", "v_home_based"):
        assert text(feature, row) == "居家就业，无需通勤"
        assert phrase(feature, row, supportive=False) is None


def test_quota_is_a_fact_with_rates() -> None:
    row = {"v_employer_disabled_rate": 0.006, "v_employer_quota_gap": 2.5}
    for feature in ("v_employer_disabled_rate", "v_employer_quota_gap"):
        for supportive in (True, False):
            assert text(feature, row, supportive=supportive) == "单位残疾人就业比例0.6%，未达1.5%"
    met = {"v_employer_disabled_rate": 0.02, "v_employer_quota_gap": 0.0}
    assert text("v_employer_quota_gap", met) == "单位残疾人就业比例2.0%，已达1.5%"
    assert phrase("v_employer_quota_gap", met, supportive=False) is None
    assert phrase("v_employer_quota_gap", {}, supportive=True) is None
    almost = {"v_employer_disabled_rate": 0.0149, "v_employer_quota_gap": 0.1}
    assert text("v_employer_quota_gap", almost) == "单位残疾人就业比例1.49%，未达1.5%"
    unknown_size = {"v_employer_staff": 0.0, "v_employer_disabled_rate": 0.0}
    assert phrase("v_employer_disabled_rate", unknown_size, supportive=True) is None
    contradicting = {"v_employer_disabled_rate": 0.0, "v_employer_quota_gap": 0.0}
    assert phrase("v_employer_disabled_rate", contradicting, supportive=True) is None


def test_congestion() -> None:
    assert congestion_note(12, 3) == "该岗位已推荐12人（招3人）"
    assert congestion_note(3, 3) == "该岗位已推荐3人（招3人）"
    assert congestion_note(2, 3) is None
    assert congestion_note(0, 0) is None
    assert congestion_note(5, 0) == "该岗位已推荐5人"
    row = {"x_congestion": 4.0, "v_openings": 3.0}
    assert text("x_congestion", row, supportive=False) == "该岗位已推荐12人（招3人）"
    assert (
        text("x_congestion", {"x_congestion": 4.0}, supportive=False) == "已推荐人数较多，竞争较大"
    )
    assert phrase("x_congestion", row, supportive=True) is None


def test_pay_hours_and_mode() -> None:
    assert text("x_pay_vs_expectation", {"x_pay_vs_expectation": 0.2}) == "月薪高于期望约20%"
    low = {"x_pay_vs_expectation": -0.15}
    assert text("x_pay_vs_expectation", low, supportive=False).startswith("月薪低于期望")
    assert phrase("x_pay_vs_expectation", low, supportive=True) is None
    assert phrase("x_pay_vs_expectation", {"x_pay_vs_expectation": None}, supportive=True) is None
    assert text("v_pay_min", {"v_pay_min": 2500.0, "v_pay_max": 3500.0}) == "月薪2500-3500元"
    hours = {"x_hours_excess": 2.0}
    assert text("x_hours_excess", hours, supportive=False) == "每日工时超出可承受时长2小时"
    part_time = codes.WORK_MODES.codes.index("part_time")
    mode = {"x_mode_fit": 1, "v_work_mode": part_time}
    assert text("x_mode_fit", mode) == "工作方式符合意愿（非全日制）"


def test_item_facts() -> None:
    massage = codes.VACANCY_CHANNELS.codes.index("blind_massage")
    assert text("v_channel", {"v_channel": massage}) == "盲人按摩岗位"
    assert phrase("v_channel", {"v_channel": 0}, supportive=True) is None
    assert phrase("v_channel", {"v_channel": 99}, supportive=True) is None
    assert text("v_reserved", {"v_reserved": 1}) == "残疾人专岗"
    assert text("x_skills_overlap", {"x_skills_overlap": 2}) == "具备岗位所需技能2项"
    assert text("x_text_similarity", {"x_text_similarity": 0.4}) == "所学专业/技能与岗位相关"
    assert text("x_graduate_match", {"x_graduate_match": 1}) == "面向高校毕业生的岗位"
    assert text("v_employer_past_hires", {"v_employer_past_hires": 3}) == "该单位曾录用残疾人3人"


def test_history_rates_speak_against_the_city_average() -> None:
    from features.vacancy import TYPICAL_RATES

    hired = TYPICAL_RATES["hired"]
    above, below, typical = ({"v_employer_hire_rate": r} for r in (hired * 3, hired / 2, hired))
    assert text("v_employer_hire_rate", above) == "该单位以往录用推荐人选的比例高于全市平均"
    assert (
        text("v_employer_hire_rate", below, supportive=False)
        == "该单位以往录用推荐人选的比例低于全市平均"
    )
    # a rate speaks only in its own direction, and no history (the typical rate) says nothing
    assert phrase("v_employer_hire_rate", above, supportive=False) is None
    assert phrase("v_employer_hire_rate", below, supportive=True) is None
    assert phrase("v_employer_hire_rate", typical, supportive=True) is None
    assert phrase("v_employer_hire_rate", typical, supportive=False) is None
    rate = {"v_apply_rate": TYPICAL_RATES["applied"] + 0.1}
    assert text("v_apply_rate", rate) == "此岗位以往被推荐者投递简历的比例高于全市平均"


def test_margins_name_the_dimension() -> None:
    assert text("x_margin_standing", {"x_margin_standing": 1.0}) == "站立行走耐力满足岗位要求"
    assert (
        text("x_margin_reading_writing", {"x_margin_reading_writing": 0}) == "读写能力满足岗位要求"
    )
    hearing = {"x_margin_hearing": -3.0}
    assert text("x_margin_hearing", hearing, supportive=False) == "听力低于岗位要求"
    assert phrase("x_margin_hearing", hearing, supportive=True) is None
    worst = {"x_worst_margin": -3.0, "x_margin_hearing": -3.0, "x_margin_vision": -1.0}
    assert "听力" in text("x_worst_margin", worst, supportive=False)


def test_shortfall_toilet_and_licence() -> None:
    short = {"x_shortfall_accommodated": 1.5}
    assert (
        text("x_shortfall_accommodated", short, supportive=False) == "提供便利后能力差距合计1.5分"
    )
    assert phrase("x_shortfall_accommodated", short, supportive=True) is None
    met = {"x_shortfall_accommodated": 0.0}
    assert text("x_shortfall_accommodated", met) == "考虑便利后各项能力均满足要求"
    assert phrase("x_shortfall_accommodated", met, supportive=False) is None
    missing = {"x_toilet_missing": 1}
    assert text("x_toilet_missing", missing, supportive=False) == "单位未提供所需的无障碍卫生间"
    assert phrase("x_toilet_missing", missing, supportive=True) is None
    assert phrase("x_toilet_missing", {"x_toilet_missing": 0}, supportive=False) is None
    licence = text("x_massage_unlicensed", {"x_massage_unlicensed": 1}, supportive=False)
    assert "盲人医疗按摩" in licence
    assert phrase("x_massage_unlicensed", {"x_massage_unlicensed": 0}, supportive=False) is None


def test_person_features_are_not_reasons() -> None:
    row = {"p_past_hired": 3, "p_vision": 4.0}
    for feature in row:
        assert phrase(feature, row, supportive=True) is None
        assert phrase(feature, row, supportive=False) is None


def test_course_phrases() -> None:
    assert text("c_past_job_rate", {"c_past_job_rate": 0.6}) == "结业学员就业率约60%"
    assert text("y_distance_km", {"y_distance_km": 12.0}).startswith("离培训基地约12公里")
    assert text("c_accessibility", {"c_accessibility": 2}) == "课程提供无障碍支持2项"
    rate = {"c_past_completion_rate": 0.3}
    assert text("c_past_completion_rate", rate, supportive=False) == "往期结业率仅约30%"
    assert text("c_fee_subsidy", {"c_fee_subsidy": 1500.0}) == "培训补贴1500元"
    assert text("y_new_skills", {"y_new_skills": 3}) == "可学到新技能3项"
    assert text("y_worst_margin", {"y_worst_margin": 0.0}) == "课程对应职业与能力相符"
    assert phrase("c_past_job_rate", {"c_past_job_rate": 1.7}, supportive=True) is None


# --- ability statements -------------------------------------------------------------------------


def test_deaf_person_with_an_interpreter() -> None:
    row = {"x_margin_hearing": -3.0}
    got = ability_statements(row, ["sign_interpreter"], ["sign_interpreter"])
    assert got == ["评估显示听力不足，单位提供手语翻译可弥补"]


def test_deaf_person_without_an_interpreter() -> None:
    row = {"x_margin_hearing": -3.0}
    got = ability_statements(row, ["step_free"], ["sign_interpreter"])
    assert got == ["评估显示听力低于岗位要求", "需提供：手语翻译"]
    assert ability_statements(row, [], []) == ["评估显示听力低于岗位要求"]


def test_largest_gaps_first_and_at_most_three() -> None:
    row = {f"x_margin_{d}": -1.0 for d in codes.ASSESSMENT_DIMENSIONS.codes}
    row |= {"x_margin_mobility": -4.0, "x_margin_vision": -2.0}
    got = ability_statements(row, [], [])
    assert len(got) == MAX_STATEMENTS
    assert got[:2] == ["评估显示移动与上下楼梯能力低于岗位要求", "评估显示视力低于岗位要求"]
    with_needs = ability_statements(row, ["step_free"], ["screen_reader", "手语"])
    assert len(with_needs) == MAX_STATEMENTS
    assert with_needs[0] == "评估显示移动与上下楼梯能力不足，单位提供无障碍通道可弥补"
    assert with_needs[-1] == "需提供：读屏软件、手语翻译"


def test_no_gaps_no_statements_and_junk_is_ignored() -> None:
    row: dict[str, object] = {"x_margin_hearing": math.nan, "x_margin_vision": None}
    assert ability_statements(row, [], []) == []
    assert ability_statements({"x_margin_vision": 2.0}, ["???"], ["???", ""]) == []


@settings(max_examples=100, deadline=None)
@given(
    rows,
    st.lists(st.sampled_from([*codes.ACCOMMODATIONS.codes, "bogus"])),
    st.lists(st.sampled_from([*codes.ACCOMMODATIONS.codes, "bogus"])),
)
def test_ability_statements_never_raise(
    row: dict[str, object], offered: list[str], needed: list[str]
) -> None:
    got = ability_statements(row, offered, needed)
    assert len(got) <= MAX_STATEMENTS
    assert all(line and CJK.search(line) for line in got)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, 1.5),
        (3, 3.0),
        (True, 1.0),
        (Decimal("2.25"), 2.25),
        (np.float64(0.5), 0.5),
        (np.int8(4), 4.0),
        (None, None),
        (math.nan, None),
        (math.inf, None),
        (1e12, None),
        ("3", None),
    ],
)
def test_a_number_is_read_whatever_type_holds_it(value: object, expected: float | None) -> None:
    from features.reasons_format import num

    assert num({"x": value}, "x") == expected
    assert num({}, "x") is None
