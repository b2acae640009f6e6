"""Course imports: training bases upserted from the rows, base conflicts, idempotence, report."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching.codes import COURSE_STATUSES
from matching.imports.courses import SPEC
from matching.imports.headers import header_key
from matching.imports.runner import ImportResult, import_file
from matching.imports.templates import write_template
from matching.storage import Course, TrainingBase
from tests.import_files import read_report

HEADERS = (
    "课程编号", "培训基地编号", "培训基地名称", "基地所在县区", "基地无障碍条件", "课程名称",
    "对应职业", "课程简介", "培训技能", "培训天数", "下期开班日期", "招生人数", "课程无障碍条件",
    "培训补贴", "生活补贴", "状态",
)  # fmt: skip
BASE_FIELDS = ("培训基地编号", "培训基地名称", "基地所在县区", "基地无障碍条件")
DONGCHANGFU = {
    "培训基地编号": "JD-01",
    "培训基地名称": "东昌府区残疾人职业培训基地",
    "基地所在县区": "东昌府区",
    "基地无障碍条件": "无障碍通道、无障碍卫生间",
}
GUANXIAN = {
    "培训基地编号": "JD-02",
    "培训基地名称": "冠县残疾人就业创业孵化基地",
    "基地所在县区": "冠县",
    "基地无障碍条件": "",
}


def course_row(
    code: str = "C-001", base: dict[str, str] | None = None, **changes: str
) -> dict[str, str]:
    row = {
        "课程编号": code,
        **(base or DONGCHANGFU),
        "课程名称": "盲人保健按摩",
        "对应职业": "保健按摩师",
        "课程简介": "保健按摩基础手法与实操",
        "培训技能": "保健按摩、推拿",
        "培训天数": "30",
        "下期开班日期": "2024-09-01",
        "招生人数": "20",
        "课程无障碍条件": "大字/盲文资料、手语翻译",
        "培训补贴": "1500",
        "生活补贴": "600.5",
        "状态": "",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(sessions: sessionmaker[Session], path: Path, tmp_path: Path) -> ImportResult:
    return import_file(sessions, SPEC, path, actor="test", report_path=tmp_path / "r.csv")


def courses(sessions: sessionmaker[Session]) -> dict[str, Course]:
    with sessions() as session:
        return {item.code: item for item in session.scalars(select(Course))}


def bases(sessions: sessionmaker[Session]) -> dict[str, TrainingBase]:
    with sessions() as session:
        return {item.code: item for item in session.scalars(select(TrainingBase))}


def test_valid_rows_create_courses_and_their_bases(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        course_row("C-001"),
        course_row("C-002", 课程名称="电子商务运营", 对应职业="4-01-06-01", 培训技能="",
                   课程无障碍条件="", 培训补贴="", 生活补贴="", 下期开班日期="", 状态="已停招"),
        course_row("C-003", GUANXIAN, 对应职业="", 课程简介=""),
    ]  # fmt: skip
    result = run(sessions, write_csv(tmp_path / "c.csv", rows), tmp_path)
    assert (result.total, result.accepted, result.rejected) == (3, 3, 0)
    assert (result.inserted, result.updated, result.unchanged) == (3, 0, 0)
    stored_bases = bases(sessions)
    assert set(stored_bases) == {"JD-01", "JD-02"}
    first_base, second_base = stored_bases["JD-01"], stored_bases["JD-02"]
    assert (first_base.name, first_base.county) == ("东昌府区残疾人职业培训基地", "371502")
    assert first_base.accessibility == ["step_free", "accessible_toilet"]
    assert (second_base.county, second_base.accessibility) == ("371525", [])
    stored = courses(sessions)
    massage, commerce, guan = stored["C-001"], stored["C-002"], stored["C-003"]
    assert massage.base_id == commerce.base_id == first_base.id
    assert guan.base_id == second_base.id
    assert massage.occupation_code == "4-10-04-02"
    assert massage.skills == ["保健按摩", "推拿"]
    assert (massage.duration_days, massage.capacity) == (30, 20)
    assert massage.next_intake == date(2024, 9, 1)
    assert massage.accessibility == ["sign_interpreter", "large_print_braille"]
    assert (massage.fee_subsidy, massage.living_subsidy) == (Decimal("1500"), Decimal("600.50"))
    assert massage.status == "open"
    assert (commerce.occupation_code, commerce.status) == ("4-01-06-01", "closed")
    assert commerce.skills == commerce.accessibility == []
    assert commerce.fee_subsidy == commerce.living_subsidy == Decimal(0)
    assert commerce.next_intake is None
    assert (guan.occupation_code, guan.description) == (None, None)


def test_reimport_is_idempotent_and_changes_update(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [course_row("C-001"), course_row("C-002"), course_row("C-003", GUANXIAN)]
    path = write_csv(tmp_path / "c.csv", rows)
    first = run(sessions, path, tmp_path)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    stamp = bases(sessions)["JD-01"].updated_at
    again = run(sessions, path, tmp_path)
    assert again.unchanged == again.accepted == 3
    assert again.inserted == again.updated == 0
    assert bases(sessions)["JD-01"].updated_at == stamp
    rows[1]["招生人数"] = "25"
    changed = run(sessions, write_csv(tmp_path / "c2.csv", rows), tmp_path)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    assert courses(sessions)["C-002"].capacity == 25
    # A changed base updates the base; the courses themselves stay unchanged.
    renamed = {**GUANXIAN, "培训基地名称": "冠县残疾人职业培训基地", "基地无障碍条件": "坡道"}
    rows[2].update(renamed)
    moved = run(sessions, write_csv(tmp_path / "c3.csv", rows), tmp_path)
    assert (moved.inserted, moved.updated, moved.unchanged) == (0, 0, 3)
    guan = bases(sessions)["JD-02"]
    assert (guan.name, guan.accessibility) == ("冠县残疾人职业培训基地", ["step_free"])
    assert len(bases(sessions)) == 2


def test_every_reject_reason_is_reported_with_its_row(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        course_row("C-001"),                                                    # row 2: ok
        course_row("C-002", 培训基地名称="东昌府区培训中心"),                     # row 3
        course_row("C-003", 基地所在县区="冠县"),                                 # row 4
        course_row("C-004", 基地无障碍条件="坡道"),                               # row 5
        course_row("C-005", 状态="暂停"),                                        # row 6
        course_row("C-001", GUANXIAN),                                          # row 7
        course_row("C-007", 培训天数="0", 生活补贴="-1"),                          # row 8
        course_row("C-008", 对应职业="宇航员", 课程名称=""),                       # row 9
        course_row("C-009"),                                                    # row 10: ok
    ]  # fmt: skip
    result = run(sessions, write_csv(tmp_path / "c.csv", rows), tmp_path)
    assert result.total == 9
    assert result.accepted + result.rejected == result.total
    assert (result.accepted, result.inserted) == (2, 2)
    report = read_report(tmp_path / "r.csv")
    found = {(int(line["行号"]), line["列"], line["原因代码"]) for line in report}
    assert found == {
        (3, "培训基地名称", "base_conflict"),
        (4, "基地所在县区", "base_conflict"),
        (5, "基地无障碍条件", "base_conflict"),
        (6, "状态", "unknown_course_status"),
        (7, "课程编号", "duplicate_in_file"),
        (8, "培训天数", "number_out_of_range"),
        (8, "生活补贴", "number_out_of_range"),
        (9, "对应职业", "unknown_occupation"),
        (9, "课程名称", "required"),
    }
    messages = {int(line["行号"]): line["说明"] for line in report}
    assert "第2行" in messages[3] and "东昌府区培训中心" in messages[3]
    assert "东昌府区" in messages[4] and "冠县" in messages[4]
    assert "无障碍通道" in messages[5]
    assert "招生中" in messages[6]
    assert set(courses(sessions)) == {"C-001", "C-009"}
    # The duplicate row named a base nobody else names: a rejected row must not create it.
    assert set(bases(sessions)) == {"JD-01"}
    assert bases(sessions)["JD-01"].name == "东昌府区残疾人职业培训基地"


def test_a_stored_base_is_updated_from_the_file(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        session.add(
            TrainingBase(code="JD-01", name="旧名称", county="371522", address="某路1号",
                         accessibility=["transport"])
        )  # fmt: skip
    result = run(sessions, write_csv(tmp_path / "c.csv", [course_row("C-001")]), tmp_path)
    assert (result.accepted, result.inserted) == (1, 1)
    base = bases(sessions)["JD-01"]
    assert (base.name, base.county) == ("东昌府区残疾人职业培训基地", "371502")
    assert base.accessibility == ["step_free", "accessible_toilet"]
    assert base.address == "某路1号"
    assert courses(sessions)["C-001"].base_id == base.id
    # Without the base accessibility column the stored value stays; the name still updates.
    row = course_row("C-001", 培训基地名称="东昌府区残疾人职业技能培训基地")
    del row["基地无障碍条件"]
    result = run(sessions, write_csv(tmp_path / "c2.csv", [row]), tmp_path)
    assert (result.accepted, result.unchanged) == (1, 1)
    base = bases(sessions)["JD-01"]
    assert base.name == "东昌府区残疾人职业技能培训基地"
    assert base.accessibility == ["step_free", "accessible_toilet"]


def test_english_headers_and_aliases(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    english = {field.zh: field.key for field in SPEC.fields}
    row = {english[header]: value for header, value in course_row("C-EN").items()}
    result = run(sessions, write_csv(tmp_path / "en.csv", [row]), tmp_path)
    assert (result.accepted, result.rejected, result.ignored_columns) == (1, 0, ())
    renamed = {"培训基地名称": "基地名称", "培训基地编号": "基地编号", "招生人数": "培训人数",
               "培训天数": "培训时长(天)", "课程名称": "培训项目名称"}  # fmt: skip
    aliased = {renamed.get(k, k): v for k, v in course_row("C-AL", 招生人数="12").items()}
    result = run(sessions, write_csv(tmp_path / "alias.csv", [aliased]), tmp_path)
    assert (result.accepted, result.rejected, result.ignored_columns) == (1, 0, ())
    assert courses(sessions)["C-AL"].capacity == 12


def test_xlsx_with_typed_cells(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*HEADERS, "备注"])
    typed: dict[str, object] = {
        **course_row("C-X1"), "培训天数": 45, "招生人数": 15, "培训补贴": 1200.5,
        "生活补贴": 0, "下期开班日期": datetime(2024, 10, 8),
    }  # fmt: skip
    sheet.append([*(typed[header] for header in HEADERS), "新开班"])
    sheet.append([*(course_row("C-X2", 培训天数="800")[h] for h in HEADERS), None])
    workbook.save(tmp_path / "c.xlsx")
    result = run(sessions, tmp_path / "c.xlsx", tmp_path)
    assert (result.total, result.accepted, result.rejected) == (2, 1, 1)
    assert result.ignored_columns == ("备注",)
    course = courses(sessions)["C-X1"]
    assert (course.duration_days, course.capacity) == (45, 15)
    assert (course.fee_subsidy, course.living_subsidy) == (Decimal("1200.50"), Decimal(0))
    assert course.next_intake == date(2024, 10, 8)
    report = read_report(tmp_path / "r.csv")
    assert [(line["行号"], line["列"], line["原因代码"]) for line in report] == [
        ("3", "培训天数", "number_out_of_range")
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_template_example_row_imports(
    sessions: sessionmaker[Session], tmp_path: Path, suffix: str
) -> None:
    template = tmp_path / f"template{suffix}"
    write_template(SPEC, template)
    result = run(sessions, template, tmp_path)
    assert (result.total, result.accepted, result.rejected) == (1, 1, 0)
    assert len(bases(sessions)) == 1


def test_spec_is_well_formed() -> None:
    owners: dict[str, str] = {}
    for field in SPEC.fields:
        assert field.allowed_zh, field.key
        assert field.key.startswith("base_") or field.key in Course.__table__.columns, field.key
        for spelling in (field.zh, field.key, *field.aliases):
            assert owners.setdefault(header_key(spelling), field.key) == field.key, spelling
    assert [field.zh for field in SPEC.fields if field.key.startswith("base_")] == list(BASE_FIELDS)
    assert COURSE_STATUSES.codes == ("open", "closed")
