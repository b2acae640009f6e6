"""The code lists: every spelling parses, unknown values explain what is allowed, no ambiguity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching import codes
from matching.codes import (
    ACCOMMODATION_CLOSES,
    ACCOMMODATIONS,
    ALL_CODE_LISTS,
    ASSESSMENT_DIMENSIONS,
    COUNTIES,
    COURSE_STAGES,
    DISABILITY_CATEGORIES,
    DISABILITY_LEVELS,
    EDUCATION_LEVELS,
    JOB_STAGE_ORDER,
    OUTCOME_STAGES,
    SCORE_LEVELS,
    SCORE_MAX,
    SCORE_MIN,
    ZONE_CODES,
    Code,
    CodeList,
    normalize_key,
)
from matching.errors import ConfigError, UnknownCodeError

ALL_ENTRIES = [(cl, item) for cl in ALL_CODE_LISTS.values() for item in cl]
PADDING = st.text(alphabet=" \t\u3000\u00a0", max_size=3)


def test_all_public_names_exist() -> None:
    for name in codes.__all__:
        assert hasattr(codes, name), name


def test_all_code_lists_holds_every_list_under_its_name() -> None:
    lists = [v for v in vars(codes).values() if isinstance(v, CodeList)]
    assert len(lists) == len(ALL_CODE_LISTS) == 26
    for cl in lists:
        assert ALL_CODE_LISTS[cl.name] is cl


@pytest.mark.parametrize(("cl", "item"), ALL_ENTRIES, ids=lambda x: getattr(x, "code", ""))
def test_parse_accepts_code_label_english_and_aliases(cl: CodeList, item: Code) -> None:
    for spelling in item.spellings():
        assert cl.parse(spelling) == item.code
    assert cl.get(item.code) is item
    assert cl.label(item.code) == item.zh
    assert item.code in cl


@given(data=st.data(), left=PADDING, right=PADDING, upper=st.booleans())
def test_parse_ignores_whitespace_and_ascii_case(
    data: st.DataObject, left: str, right: str, upper: bool
) -> None:
    cl, item = data.draw(st.sampled_from(ALL_ENTRIES))
    spelling = data.draw(st.sampled_from(item.spellings()))
    spelling = spelling.upper() if upper else spelling.lower()
    assert cl.parse(left + spelling + right) == item.code


def test_parse_accepts_full_width_forms() -> None:
    assert DISABILITY_CATEGORIES.parse("\u3000视力残疾\u3000") == "1"
    assert DISABILITY_LEVELS.parse("１级") == "1"
    assert COUNTIES.parse("　ＥＴＤＺ ") == "Z-ETDZ"
    assert codes.EMPLOYER_KINDS.parse("辅助性就业机构(如康家园)") == "auxiliary_center"


def test_parse_examples_offices_send() -> None:
    assert DISABILITY_CATEGORIES.parse("盲") == "1"
    assert DISABILITY_CATEGORIES.parse("Hearing") == "2"
    assert DISABILITY_LEVELS.parse("一级残疾") == "1"
    assert COUNTIES.parse("高新区") == "Z-HTDZ"
    assert COUNTIES.parse("度假区") == "Z-JBSC"
    assert COUNTIES.parse("371523") == "371503"  # 茌平's code before 2019
    assert codes.HUKOU.parse("非农业") == "urban"
    assert codes.HUKOU.parse("农业") == "rural"


def test_parse_rejects_unknown_with_chinese_list_of_labels() -> None:
    with pytest.raises(UnknownCodeError) as info:
        DISABILITY_CATEGORIES.parse("色盲")
    err = info.value
    assert err.code == "unknown_disability_category"
    assert err.field is None
    assert err.message_zh == "残疾类别“色盲”无效，可选：视力、听力、言语、肢体、智力、精神、多重"
    for code in DISABILITY_CATEGORIES.codes:
        assert code in err.message


@pytest.mark.parametrize("cl", list(ALL_CODE_LISTS.values()), ids=lambda cl: cl.name)
def test_unknown_message_lists_every_label(cl: CodeList) -> None:
    with pytest.raises(UnknownCodeError) as info:
        cl.parse("no-such-value")
    assert info.value.code == f"unknown_{cl.name}"
    assert info.value.message_zh.startswith(f"{cl.zh}“no-such-value”无效，可选：")
    assert all(item.zh in info.value.message_zh for item in cl)
    with pytest.raises(UnknownCodeError):
        cl.get("no-such-value")
    assert "no-such-value" not in cl
    assert 42 not in cl


@pytest.mark.parametrize("cl", list(ALL_CODE_LISTS.values()), ids=lambda cl: cl.name)
def test_no_duplicates_within_a_list(cl: CodeList) -> None:
    assert len(set(cl.codes)) == len(cl) == len(list(cl))
    assert len({item.zh for item in cl}) == len(cl)
    owner: dict[str, str] = {}
    for item in cl:
        assert item.code.isascii()
        for spelling in item.spellings():
            assert owner.setdefault(normalize_key(spelling), item.code) == item.code


def test_construction_rejects_duplicates_and_ambiguity() -> None:
    a = Code("a", "甲", "alpha")
    with pytest.raises(ConfigError, match="duplicate code"):
        CodeList("t", "测试", [a, Code("a", "乙", "beta")])
    with pytest.raises(ConfigError, match="duplicate label"):
        CodeList("t", "测试", [a, Code("b", "甲", "beta")])
    with pytest.raises(ConfigError, match="already means"):
        CodeList("t", "测试", [a, Code("b", "乙", "beta", aliases=("ALPHA",))])
    with pytest.raises(ConfigError, match="must be non-empty ASCII"):
        CodeList("t", "测试", [Code("代码", "丙", "gamma")])
    with pytest.raises(ConfigError, match="empty"):
        CodeList("t", "测试", [])


def test_counties_and_zones() -> None:
    assert len(COUNTIES) == 11
    assert set(COUNTIES.codes) >= ZONE_CODES
    assert len(ZONE_CODES) == 3
    gb = [c for c in COUNTIES.codes if c not in ZONE_CODES]
    assert gb == ["371502", "371503", "371521", "371522", "371524", "371525", "371526", "371581"]


def test_disability_codes_match_certificate_digits() -> None:
    assert DISABILITY_CATEGORIES.codes == ("1", "2", "3", "4", "5", "6", "7")
    assert DISABILITY_LEVELS.codes == ("1", "2", "3", "4")
    assert [item.rank for item in DISABILITY_LEVELS] == [1, 2, 3, 4]


def test_assessment_dimensions_order_and_scores() -> None:
    assert ASSESSMENT_DIMENSIONS.codes == (
        "vision", "hearing", "speech", "reading_writing", "fine_dexterity", "lifting",
        "standing", "mobility", "learning", "attention", "social", "stress", "computer",
    )  # fmt: skip
    assert (SCORE_MIN, SCORE_MAX) == (0, 4)
    assert [int(c) for c in SCORE_LEVELS.codes] == list(range(SCORE_MIN, SCORE_MAX + 1))
    assert SCORE_LEVELS.label("0") == "不能"
    assert SCORE_LEVELS.label("4") == "完全胜任"


def test_education_ranks_ascend() -> None:
    ranks = [item.rank for item in EDUCATION_LEVELS]
    assert ranks == sorted(ranks)
    assert EDUCATION_LEVELS.get("none").rank < EDUCATION_LEVELS.get("postgraduate").rank


def test_accommodation_closes_names_only_known_codes() -> None:
    assert set(ACCOMMODATION_CLOSES) == set(ACCOMMODATIONS.codes)
    for closes in ACCOMMODATION_CLOSES.values():
        assert closes <= set(ASSESSMENT_DIMENSIONS.codes)
    assert ACCOMMODATION_CLOSES["sign_interpreter"] == {"hearing", "speech"}
    assert ACCOMMODATION_CLOSES["screen_reader"] == {"vision", "reading_writing"}
    assert "mobility" in ACCOMMODATION_CLOSES["step_free"]


def test_outcome_stage_ranks_are_graded_relevance() -> None:
    ranks = {item.code: item.rank for item in OUTCOME_STAGES}
    assert ranks == {
        "referred": 0, "applied": 1, "interviewed": 2, "offered": 3, "hired": 3,
        "retained_6m": 4, "refused": 0,
    }  # fmt: skip
    assert list(JOB_STAGE_ORDER) == [
        "referred", "applied", "interviewed", "offered", "hired", "retained_6m",
    ]  # fmt: skip
    assert list(JOB_STAGE_ORDER.values()) == sorted(JOB_STAGE_ORDER.values())
    assert set(JOB_STAGE_ORDER) <= set(OUTCOME_STAGES.codes)
    assert {item.code: item.rank for item in COURSE_STAGES} == {
        "referred": 0, "enrolled": 1, "completed": 2, "employed_6m": 3, "dropped": 0,
    }  # fmt: skip
