"""Shipped occupations: the subset is real and complete, profiles sane, bad data fails loudly."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.codes import ASSESSMENT_DIMENSIONS, SCORE_MAX, SCORE_MIN, WORK_MODES
from matching.errors import ConfigError, UnknownCodeError
from matching.occupations import (
    DEMAND_HEADER,
    SECTORS,
    SUBSET_HEADER,
    _combine,
    _parse_demands,
    _parse_subset,
    load_occupations,
    occupation,
    parse_occupation,
    split_tasks,
)

KEY_OCCUPATIONS = {
    "2-05-10-00": "盲人医疗按摩人员",
    "4-10-04-02": "保健按摩师",
    "4-02-07-05": "报刊业务员",
    "4-01-05-04": "烟草制品购销员",
    "4-01-06-01": "电子商务师",
    "4-01-06-02": "互联网营销师",
    "4-04-05-03": "呼叫中心服务员",
    "4-04-05-05": "人工智能训练师",
    "4-13-01-08": "手语翻译",
    "6-09-03-01": "工艺品雕刻工",
    "6-09-03-17": "民间工艺品制作工",
    "6-09-03-08": "版画制作工",
    "6-05-01-03": "缝纫工",
    "6-31-05-00": "包装工",
    "6-25-04-07": "电子设备装接工",
    "4-09-08-01": "保洁员",
    "4-07-05-01": "保安员",
    "4-02-06-01": "仓储管理员",
    "4-02-07-08": "快递员",
    "4-01-02-04": "收银员",
    "4-07-02-03": "客户服务管理员",
    "3-01-02-05": "打字员",
    "2-06-03-00": "会计专业人员",
    "4-04-05-01": "计算机程序设计员",
    "2-09-06-01": "视觉传达设计人员",
    "5-01-02-02": "园艺工",
    "5-03-02-01": "家畜饲养员",
    "6-01-06-00": "果蔬坚果加工工",
    "4-03-02-02": "中式面点师",
    "4-10-03-02": "美发师",
    "4-10-02-02": "洗衣师",
    "4-13-01-07": "图书馆服务员",
    "4-10-01-03": "保育师",
    "2-07-11-01": "社会工作者",
}
SUBSET_TEXT = (resources.files("matching") / "data" / "csco2022_subset.csv").read_text("utf-8")
DEMAND_TEXT = (resources.files("matching") / "data" / "occupation_demands.csv").read_text("utf-8")
GOOD_ROW = "4-04-05-03,2,4,4,2,1,0,0,0,2,3,3,3,3,services,shift"


def _demands(*rows: str) -> str:
    return "\n".join([",".join(DEMAND_HEADER), *rows]) + "\n"


def test_at_least_fifty_occupations_load() -> None:
    occupations = load_occupations()
    assert len(occupations) >= 50
    assert load_occupations() is occupations  # cached


def test_every_key_occupation_is_present() -> None:
    occupations = load_occupations()
    for code, name in KEY_OCCUPATIONS.items():
        assert occupations[code].name == name


def test_profiles_complete_and_within_scale() -> None:
    for occ in load_occupations().values():
        assert tuple(occ.demand) == ASSESSMENT_DIMENSIONS.codes
        assert all(SCORE_MIN <= v <= SCORE_MAX for v in occ.demand.values())
        assert occ.sector in SECTORS
        assert occ.typical_mode in WORK_MODES
        assert occ.tasks
        assert occ.definition


def test_profiles_encode_the_plain_cases() -> None:
    massage = occupation("2-05-10-00").demand
    assert massage["vision"] == 0
    assert massage["fine_dexterity"] >= 3
    call = occupation("4-04-05-03").demand
    assert call["hearing"] == call["speech"] == 4
    labelling = occupation("4-04-05-05").demand
    assert labelling["hearing"] == labelling["speech"] == 0
    assert labelling["computer"] >= 3
    assert occupation("4-13-01-08").demand["hearing"] >= 3


def test_subset_rows_are_verbatim_level_four_rows() -> None:
    rows = list(csv.reader(SUBSET_TEXT.splitlines()))
    assert tuple(rows[0]) == SUBSET_HEADER
    assert all(row[0] == "4" and len(row) == 8 for row in rows[1:])
    assert [row[1] for row in rows[1:]] == list(load_occupations())


def test_markers_become_flags() -> None:
    ecommerce = occupation("4-01-06-01")
    assert (ecommerce.name, ecommerce.digital, ecommerce.green) == ("电子商务师", True, False)
    assert occupation("4-09-08-01").green


def test_tasks_are_split_into_items() -> None:
    assert occupation("4-13-01-08").tasks == (
        "聆听语音信息，将口语翻译成手语，为听力残疾手语使用者提供服务",
        "将手语翻译成口语，为非听力残疾人士提供服务",
    )
    assert split_tasks("1.甲 2.乙，含1.5倍 3.丙。") == ("甲", "乙，含1.5倍", "丙")
    assert split_tasks("") == ()


def test_parse_occupation_accepts_code_and_exact_name() -> None:
    assert parse_occupation("4-04-05-03") == "4-04-05-03"
    assert parse_occupation("\u3000呼叫中心服务员 ") == "4-04-05-03"
    assert parse_occupation("人工智能训练师S") == "4-04-05-05"
    assert parse_occupation("人工智能训练师") == "4-04-05-05"


@given(st.sampled_from(sorted(KEY_OCCUPATIONS)))
def test_parse_round_trips_name(code: str) -> None:
    assert parse_occupation(occupation(code).name) == code


def test_unknown_occupation_raises_with_chinese_message() -> None:
    with pytest.raises(UnknownCodeError) as info:
        occupation("9-99-99-99")
    assert info.value.code == "unknown_occupation"
    assert "职业“9-99-99-99”无效" in info.value.message_zh
    with pytest.raises(UnknownCodeError):
        parse_occupation("按摩")  # an alias in the classification, not an exact name


def test_shipped_files_parse_on_their_own() -> None:
    assert set(_parse_subset(SUBSET_TEXT)) == set(_parse_demands(DEMAND_TEXT))
    assert _parse_demands(_demands(GOOD_ROW))["4-04-05-03"].demand["hearing"] == 4


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("4-04-05-03,2,4,4,2,1,0,0,0,2,3,3,3,5,services,shift", r"line 2.*computer.*'5'"),
        ("4-04-05-03,2,4,4,2,1,0,0,0,2,3,3,3,x,services,shift", "computer must be an integer"),
        ("4-04-05-03,2,4,4,2,1,0,0,0,2,3,3,-1,3,services,shift", "stress"),
        ("4-04-05-03,2,4,4,2,1,0,0,0,2,3,3,3,services,shift", "expected 16 columns"),
        ("4-04-05-03,2,4,4,2,1,0,0,0,2,3,3,3,3,mining,shift", "sector 'mining'"),
        ("4-04-05-03,2,4,4,2,1,0,0,0,2,3,3,3,3,services,nights", "typical_mode 'nights'"),
        ("40405-03,2,4,4,2,1,0,0,0,2,3,3,3,3,services,shift", "code must look like"),
    ],
)
def test_broken_demand_row_is_rejected_naming_the_row(row: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        _parse_demands(_demands(row))


def test_duplicate_demand_row_and_bad_header_are_rejected() -> None:
    with pytest.raises(ConfigError, match=r"line 3.*duplicate"):
        _parse_demands(_demands(GOOD_ROW, GOOD_ROW))
    with pytest.raises(ConfigError, match="header"):
        _parse_demands("code,vision\n4-04-05-03,2\n")


def test_broken_subset_row_is_rejected() -> None:
    header = ",".join(SUBSET_HEADER)
    with pytest.raises(ConfigError, match="level-4"):
        _parse_subset(f"{header}\n2,4-04-00-00,4040000,名称,定义,,4040000,名称\n")


def test_subset_and_demands_must_cover_the_same_codes() -> None:
    subset = _parse_subset(SUBSET_TEXT)
    with pytest.raises(ConfigError, match="no demand profile for"):
        _combine(subset, _parse_demands(_demands(GOOD_ROW)))
