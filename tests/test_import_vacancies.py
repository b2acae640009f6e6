"""Vacancy imports: employer lookup, demand defaults from the occupation, cross-checks, report."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching import codes
from matching.codes import VACANCY_STATUSES
from matching.imports.headers import header_key
from matching.imports.runner import ImportResult, import_file
from matching.imports.templates import write_template
from matching.imports.vacancies import EXAMPLE_CREDIT_CODE, SPEC
from matching.occupations import occupation
from matching.storage import Employer, Vacancy
from matching.validators import make_uscc
from tests.import_files import read_report

CREDIT_CODE = make_uscc("91371502MA3C00002")
OTHER_CREDIT_CODE = make_uscc("91371525MA3C00003")
CALL_CENTRE = "4-04-05-03"
CLEANER = "4-09-08-01"
DIMENSIONS = codes.ASSESSMENT_DIMENSIONS.codes
HEADERS = (
    "岗位编号", "统一社会信用代码", "职业", "岗位名称", "岗位描述", "工作地点", "岗位渠道",
    "工作方式", "每日工时", "月薪下限", "月薪上限", "招聘人数", "残疾人专岗", "面向高校毕业生",
    "年龄下限", "年龄上限", "最低学历", "可提供便利", "技能要求", "发布日期", "截止日期", "状态",
)  # fmt: skip


def vacancy_row(code: str = "V-001", **changes: str) -> dict[str, str]:
    row = {
        "岗位编号": code,
        "统一社会信用代码": CREDIT_CODE,
        "职业": CALL_CENTRE,
        "岗位名称": "话务客服",
        "岗位描述": "接听来电，解答咨询",
        "工作地点": "东昌府区",
        "岗位渠道": "",
        "工作方式": "全日制坐班",
        "每日工时": "8",
        "月薪下限": "3000",
        "月薪上限": "4500",
        "招聘人数": "2",
        "残疾人专岗": "是",
        "面向高校毕业生": "",
        "年龄下限": "18",
        "年龄上限": "50",
        "最低学历": "高中",
        "可提供便利": "无障碍通道、大字/盲文资料",
        "技能要求": "普通话、电脑打字",
        "发布日期": "2024-03-01",
        "截止日期": "2024-06-30",
        "状态": "",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], headers: tuple[str, ...] = ()) -> Path:
    columns = list(headers or rows[0])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def add_employer(sessions: sessionmaker[Session], credit_code: str = CREDIT_CODE) -> int:
    with sessions.begin() as session:
        employer = Employer(
            credit_code=credit_code, name="聊城某客服中心", kind="private", county="371502",
            staff_count=120,
        )  # fmt: skip
        session.add(employer)
        session.flush()
        return employer.id


def run(sessions: sessionmaker[Session], path: Path, tmp_path: Path) -> ImportResult:
    return import_file(sessions, SPEC, path, actor="test", report_path=tmp_path / "r.csv")


def stored(sessions: sessionmaker[Session]) -> dict[str, Vacancy]:
    with sessions() as session:
        return {item.code: item for item in session.scalars(select(Vacancy))}


def test_valid_rows_are_inserted_with_defaults(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    employer_id = add_employer(sessions)
    path = write_csv(
        tmp_path / "v.csv",
        [
            vacancy_row("V-001"),
            vacancy_row("Ｖ-００２", 职业="保洁员", 工作方式="非全日制", 岗位渠道="公益性岗位",
                        面向高校毕业生="否", 最低学历="不限", 年龄下限="", 年龄上限="",
                        可提供便利="", 技能要求="", 截止日期="", 状态="已招满"),
        ],
    )  # fmt: skip
    result = run(sessions, path, tmp_path)
    assert (result.total, result.accepted, result.rejected) == (2, 2, 0)
    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
    vacancies = stored(sessions)
    assert set(vacancies) == {"V-001", "V-002"}
    first, second = vacancies["V-001"], vacancies["V-002"]
    assert first.employer_id == employer_id == second.employer_id
    assert first.occupation_code == CALL_CENTRE
    assert first.county == "371502"
    assert first.channel == "open"
    assert first.work_mode == "on_site"
    assert first.hours_per_day == Decimal("8.0")
    assert (first.pay_min, first.pay_max, first.openings) == (3000, 4500, 2)
    assert first.reserved_for_disabled is True
    assert first.graduate_oriented is False
    assert (first.age_min, first.age_max, first.education_min) == (18, 50, "senior")
    assert first.accommodations_offered == ["step_free", "large_print_braille"]
    assert first.skills_wanted == ["普通话", "电脑打字"]
    assert (first.opened_on, first.deadline, first.status) == (
        date(2024, 3, 1), date(2024, 6, 30), "open",
    )  # fmt: skip
    assert second.occupation_code == CLEANER
    assert (second.channel, second.work_mode, second.status) == ("public_welfare", "part_time",
                                                                 "filled")  # fmt: skip
    assert (second.age_min, second.age_max, second.education_min, second.deadline) == (
        None, None, None, None,
    )  # fmt: skip
    assert second.accommodations_offered == second.skills_wanted == []
    for vacancy in (first, second):
        profile = occupation(vacancy.occupation_code).demand
        assert {d: getattr(vacancy, f"demand_{d}") for d in DIMENSIONS} == dict(profile)


def test_demand_columns_override_the_profile_only_where_filled(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_employer(sessions)
    rows = [vacancy_row("V-001", **{"要求-视力": "0", "要求-听力": "１"}), vacancy_row("V-002")]
    headers = (*HEADERS, "要求-视力", "要求-听力")
    for row in rows:
        row.setdefault("要求-视力", "")
        row.setdefault("要求-听力", "")
    result = run(sessions, write_csv(tmp_path / "v.csv", rows, headers), tmp_path)
    assert (result.accepted, result.rejected) == (2, 0)
    profile = occupation(CALL_CENTRE).demand
    vacancies = stored(sessions)
    explicit, defaulted = vacancies["V-001"], vacancies["V-002"]
    assert (explicit.demand_vision, explicit.demand_hearing) == (0, 1)
    assert explicit.demand_speech == profile["speech"]
    assert {d: getattr(defaulted, f"demand_{d}") for d in DIMENSIONS} == dict(profile)


def test_reimport_is_idempotent_and_a_changed_cell_updates(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_employer(sessions)
    rows = [vacancy_row("V-001"), vacancy_row("V-002"), vacancy_row("V-003")]
    path = write_csv(tmp_path / "v.csv", rows)
    first = run(sessions, path, tmp_path)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    again = run(sessions, path, tmp_path)
    assert again.unchanged == again.accepted == 3
    assert again.inserted == again.updated == 0
    rows[1]["月薪上限"] = "5000"
    changed = run(sessions, write_csv(tmp_path / "v2.csv", rows), tmp_path)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    assert stored(sessions)["V-002"].pay_max == 5000
    rows[2]["职业"] = CLEANER
    moved = run(sessions, write_csv(tmp_path / "v3.csv", rows), tmp_path)
    assert (moved.inserted, moved.updated, moved.unchanged) == (0, 1, 2)
    assert stored(sessions)["V-003"].demand_lifting == occupation(CLEANER).demand["lifting"]


def test_absent_columns_keep_stored_values_unless_the_occupation_changed(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_employer(sessions)
    rows = [vacancy_row(code, 状态="已招满", **{"要求-视力": "0"}) for code in ("V-001", "V-002")]
    first = run(sessions, write_csv(tmp_path / "v.csv", rows), tmp_path)
    assert (first.inserted, first.rejected) == (2, 0)
    assert stored(sessions)["V-001"].demand_vision == 0
    without = [{k: v for k, v in row.items() if k not in ("状态", "要求-视力")} for row in rows]
    without[1]["职业"] = CLEANER
    second = run(sessions, write_csv(tmp_path / "v2.csv", without), tmp_path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 1)
    same, moved = stored(sessions)["V-001"], stored(sessions)["V-002"]
    assert (same.demand_vision, same.status) == (0, "filled")
    assert moved.status == "filled"
    assert {d: getattr(moved, f"demand_{d}") for d in DIMENSIONS} == dict(
        occupation(CLEANER).demand
    )


def test_every_reject_reason_is_reported_with_its_row(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_employer(sessions)
    rows = [
        vacancy_row("V-001"),                                                     # row 2: ok
        vacancy_row("V-002", 统一社会信用代码=OTHER_CREDIT_CODE),                  # row 3
        vacancy_row("V-003", 月薪下限="5000", 月薪上限="4000"),                     # row 4
        vacancy_row("V-004", 年龄下限="45", 年龄上限="30"),                         # row 5
        vacancy_row("V-005", 发布日期="2024-05-01", 截止日期="2024-04-30"),         # row 6
        vacancy_row("V-006", 状态="暂停"),                                         # row 7
        vacancy_row("V-007", 职业="宇航员"),                                       # row 8
        vacancy_row("V-008", **{"要求-视力": "5"}),                                # row 9
        vacancy_row("V-001"),                                                     # row 10
        vacancy_row("V-010", 统一社会信用代码="91371502MA3C000010"),               # row 11
        vacancy_row("V-011", 每日工时="13", 岗位名称=""),                           # row 12
    ]  # fmt: skip
    for row in rows:
        row.setdefault("要求-视力", "")
    result = run(sessions, write_csv(tmp_path / "v.csv", rows), tmp_path)
    assert result.total == 11
    assert result.accepted + result.rejected == result.total
    assert (result.accepted, result.inserted) == (1, 1)
    report = read_report(tmp_path / "r.csv")
    found = {(int(line["行号"]), line["列"], line["原因代码"]) for line in report}
    assert found == {
        (3, "统一社会信用代码", "employer_not_found"),
        (4, "月薪下限", "pay_range"),
        (5, "年龄下限", "age_range"),
        (6, "截止日期", "deadline_before_open"),
        (7, "状态", "unknown_vacancy_status"),
        (8, "职业", "unknown_occupation"),
        (9, "要求-视力", "number_out_of_range"),
        (10, "岗位编号", "duplicate_in_file"),
        (11, "统一社会信用代码", "uscc_checksum"),
        (12, "每日工时", "number_out_of_range"),
        (12, "岗位名称", "required"),
    }
    by_code = {line["原因代码"]: line for line in report}
    assert by_code["employer_not_found"]["说明"] == (
        "系统中没有该统一社会信用代码的单位，请先导入用人单位"
    )
    assert by_code["employer_not_found"]["原值（已脱敏）"] == OTHER_CREDIT_CODE
    assert "5000" in by_code["pay_range"]["说明"]
    assert "招聘中" in by_code["unknown_vacancy_status"]["说明"]
    assert set(stored(sessions)) == {"V-001"}


def test_english_headers_and_aliases(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    add_employer(sessions)
    english = {field.zh: field.key for field in SPEC.fields}
    row = {english[header]: value for header, value in vacancy_row("V-EN").items()}
    row["demand_computer"] = "4"
    result = run(sessions, write_csv(tmp_path / "en.csv", [row]), tmp_path)
    assert (result.accepted, result.rejected, result.ignored_columns) == (1, 0, ())
    assert stored(sessions)["V-EN"].demand_computer == 4
    renamed = {"岗位名称": "职位名称", "招聘人数": "需求人数", "月薪下限": "薪资下限",
               "月薪上限": "薪资上限（元）", "统一社会信用代码": "信用代码"}  # fmt: skip
    aliased = {renamed.get(k, k): v for k, v in vacancy_row("V-AL", 招聘人数="7").items()}
    aliased["视力要求"] = "1"
    result = run(sessions, write_csv(tmp_path / "alias.csv", [aliased]), tmp_path)
    assert (result.accepted, result.rejected, result.ignored_columns) == (1, 0, ())
    assert stored(sessions)["V-AL"].openings == 7
    assert stored(sessions)["V-AL"].demand_vision == 1


def test_xlsx_with_typed_cells_and_a_title_line(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_employer(sessions)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2024年春风行动招聘岗位汇总表"])
    sheet.append([*HEADERS, "要求-计算机使用", "备注"])
    values = vacancy_row("V-X1")
    typed: dict[str, object] = {
        **values, "每日工时": 6.5, "月薪下限": 2800, "月薪上限": 3600, "招聘人数": 3,
        "年龄下限": 20, "年龄上限": 45, "发布日期": datetime(2024, 3, 1),
        "截止日期": date(2024, 6, 30),
    }  # fmt: skip
    sheet.append([*(typed[header] for header in HEADERS), 2, "急招"])
    sheet.append([*(vacancy_row("V-X2", 月薪下限="9000")[h] for h in HEADERS), None, None])
    workbook.save(tmp_path / "v.xlsx")
    result = run(sessions, tmp_path / "v.xlsx", tmp_path)
    assert (result.total, result.accepted, result.rejected) == (2, 1, 1)
    assert result.ignored_columns == ("备注",)
    vacancy = stored(sessions)["V-X1"]
    assert vacancy.hours_per_day == Decimal("6.5")
    assert (vacancy.pay_min, vacancy.pay_max, vacancy.openings) == (2800, 3600, 3)
    assert vacancy.demand_computer == 2
    assert vacancy.opened_on == date(2024, 3, 1)
    report = read_report(tmp_path / "r.csv")
    assert [(line["行号"], line["原因代码"]) for line in report] == [("4", "pay_range")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_template_example_row_imports(
    sessions: sessionmaker[Session], tmp_path: Path, suffix: str
) -> None:
    add_employer(sessions, EXAMPLE_CREDIT_CODE)
    template = tmp_path / f"template{suffix}"
    write_template(SPEC, template)
    result = run(sessions, template, tmp_path)
    assert (result.total, result.accepted, result.rejected) == (1, 1, 0)


def test_spec_is_well_formed() -> None:
    owners: dict[str, str] = {}
    for field in SPEC.fields:
        assert field.allowed_zh, field.key
        assert field.key == "credit_code" or field.key in Vacancy.__table__.columns, field.key
        for spelling in (field.zh, field.key, *field.aliases):
            assert owners.setdefault(header_key(spelling), field.key) == field.key, spelling
    demand = [field for field in SPEC.fields if field.key.startswith("demand_")]
    assert [field.zh for field in demand] == [f"要求-{d.zh}" for d in codes.ASSESSMENT_DIMENSIONS]
    assert VACANCY_STATUSES.codes == ("open", "closed", "filled")
