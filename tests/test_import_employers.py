"""Importing employers: upsert by credit code, defaults for empty counts, staff cross-check."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching.imports.employers import EXAMPLE_CREDIT_CODE, SPEC, check
from matching.imports.runner import ImportResult, import_file
from matching.imports.templates import write_template
from matching.storage import Employer
from matching.validators import make_resident_id, make_uscc
from tests.import_files import report_lines, write_rows

CODE_A = make_uscc("91371502MA3C00011")
CODE_B = make_uscc("12371500MB2800022")
CODE_C = make_uscc("52371581MJ0000033")
BAD_CHECKSUM = CODE_B[:17] + ("0" if CODE_B[17] != "0" else "1")
CONTACT_ID = make_resident_id("371502", date(1990, 1, 1), 123)
ZH_HEADERS = [field.zh for field in SPEC.fields]
ID_LIKE = re.compile(r"\d{17}[\dX]")


def run(sessions: sessionmaker[Session], path: Path, tmp_path: Path) -> ImportResult:
    return import_file(sessions, SPEC, path, actor="test", report_path=tmp_path / "r.csv")


def row(credit_code: str, **changes: str) -> list[str]:
    """A valid data row in ``SPEC.fields`` order; ``changes`` overrides cells by key."""
    cells = {field.key: field.example for field in SPEC.fields}
    cells.update(credit_code=credit_code, **changes)
    return [cells[field.key] for field in SPEC.fields]


def stored(sessions: sessionmaker[Session]) -> dict[str, Employer]:
    with sessions() as session:
        return {item.credit_code: item for item in session.scalars(select(Employer))}


def test_every_field_explains_what_is_allowed_and_has_a_valid_example() -> None:
    for field in SPEC.fields:
        assert field.allowed_zh, field.key
        if field.example:
            field.parse(field.example)
    assert SPEC.field("credit_code").example == EXAMPLE_CREDIT_CODE


def test_cross_check_counts_both_disability_groups_against_staff() -> None:
    values = {"staff_count": 5, "disabled_staff_severe": 3, "disabled_staff_other": None}
    assert check(values) == []
    [(key, error)] = check({**values, "disabled_staff_other": 3})
    assert (key, error.code) == ("staff_count", "disabled_exceeds_staff")
    assert "合计6人" in error.message_zh and "在职职工人数5人" in error.message_zh


def test_template_example_imports_cleanly(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    write_template(SPEC, tmp_path / "employers.csv")

    result = run(sessions, tmp_path / "employers.csv", tmp_path)

    assert (result.total, result.accepted, result.rejected, result.inserted) == (1, 1, 0, 1)
    employer = stored(sessions)[EXAMPLE_CREDIT_CODE]
    assert (employer.kind, employer.county, employer.staff_count) == ("private", "371502", 200)
    assert employer.established_posts is None
    assert employer.is_school is False
    assert employer.average_wage == Decimal("60000.00")
    assert (employer.disabled_staff_severe, employer.disabled_staff_other) == (1, 2)
    assert employer.accommodations == ["step_free", "flexible_hours"]
    assert employer.contact_phone == "0635-8888888"


def test_valid_rows_insert_then_reimport_is_unchanged_and_a_changed_cell_updates(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        ZH_HEADERS,
        row(CODE_A),
        row(CODE_B.lower(), name="聊城市某某中学", kind="事业单位", established_posts="80",
            is_school="是", staff_count="1,200", average_wage="98765.4"),
        row(CODE_C, name="某某协会", kind="社会组织", county="高新区", is_school="",
            disabled_staff_severe="", disabled_staff_other="", accommodations="",
            average_wage="", contact_phone="13800000000"),
    ]  # fmt: skip
    path = write_rows(tmp_path / "e.csv", rows)

    first = run(sessions, path, tmp_path)
    assert (first.total, first.accepted, first.rejected) == (3, 3, 0), report_lines(
        tmp_path / "r.csv"
    )
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    saved = stored(sessions)
    school = saved[CODE_B]
    assert (school.kind, school.is_school, school.established_posts) == ("institution", True, 80)
    assert (school.staff_count, school.average_wage) == (1200, Decimal("98765.40"))
    association = saved[CODE_C]
    assert (association.county, association.is_school, association.average_wage) == (
        "Z-HTDZ", False, None,
    )  # fmt: skip
    assert (association.disabled_staff_severe, association.disabled_staff_other) == (0, 0)
    assert association.accommodations == []

    again = run(sessions, path, tmp_path)
    assert again.unchanged == again.accepted == 3
    assert again.inserted == again.updated == 0

    rows[1] = row(CODE_A, staff_count="201")
    changed = run(sessions, write_rows(tmp_path / "e2.csv", rows), tmp_path)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    assert stored(sessions)[CODE_A].staff_count == 201
    assert report_lines(tmp_path / "r.csv") == []


def test_each_rejection_is_reported_on_its_row_and_column_without_full_ids(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        ZH_HEADERS,
        row(CODE_A),  # 2: valid
        row(CODE_B, staff_count="2", disabled_staff_severe="1", disabled_staff_other="2"),  # 3
        row(BAD_CHECKSUM),  # 4
        row(CODE_C, kind="外资企业"),  # 5
        row(CODE_C, name=""),  # 6
        row(CODE_A),  # 7: same credit code as row 2
        row(CODE_C, contact_phone="12345"),  # 8
        row(CODE_C, is_school="也许"),  # 9
        row(CODE_C, county="济南市"),  # 10
        row(CODE_C, staff_count="-3"),  # 11
        row(CODE_C, address=f"联系人身份证{CONTACT_ID}" + "很长的地址" * 40),  # 12
        row(CODE_C, staff_count="3", disabled_staff_severe="3", disabled_staff_other=""),  # 13
    ]
    path = write_rows(tmp_path / "e.csv", rows)

    result = run(sessions, path, tmp_path)

    assert result.accepted + result.rejected == result.total == 12
    assert (result.accepted, result.inserted) == (2, 2)
    assert set(report_lines(tmp_path / "r.csv")) == {
        (3, "在职职工人数", "disabled_exceeds_staff"),
        (4, "统一社会信用代码", "uscc_checksum"),
        (5, "单位类型", "unknown_employer_kind"),
        (6, "单位名称", "required"),
        (7, "统一社会信用代码", "duplicate_in_file"),
        (8, "联系电话", "bad_phone"),
        (9, "是否学校或幼儿园", "bad_boolean"),
        (10, "所属县区", "unknown_county"),
        (11, "在职职工人数", "number_out_of_range"),
        (12, "地址", "too_long"),
    }
    text = (tmp_path / "r.csv").read_text("utf-8-sig")
    assert "超过在职职工人数2人" in text
    assert CONTACT_ID not in text and not ID_LIKE.search(text)
    assert set(stored(sessions)) == {CODE_A, CODE_C}


def test_english_headers_in_an_xlsx_workbook(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([field.key for field in SPEC.fields])
    data = ((CODE_A, 31, 80000, 1), (CODE_B, 100, 60000.5, 0), (CODE_C, 10, 1, 11))
    for code, staff, wage, other in data:
        values: dict[str, object] = {field.key: field.example for field in SPEC.fields}
        values.update(credit_code=code, staff_count=staff, average_wage=wage, is_school=False)
        values.update(disabled_staff_severe=0, disabled_staff_other=other)
        sheet.append([values[field.key] for field in SPEC.fields])
    workbook.save(tmp_path / "e.xlsx")

    result = run(sessions, tmp_path / "e.xlsx", tmp_path)

    assert (result.total, result.accepted, result.rejected) == (3, 2, 1)
    assert report_lines(tmp_path / "r.csv") == [(4, "在职职工人数", "disabled_exceeds_staff")]
    saved = stored(sessions)
    assert (saved[CODE_A].staff_count, saved[CODE_A].average_wage) == (31, Decimal("80000.00"))
    assert saved[CODE_B].average_wage == Decimal("60000.50")
    assert saved[CODE_A].is_school is False


def test_alias_headers_offices_use(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    aliases = {"credit_code": "信用代码", "kind": "单位性质", "staff_count": "职工人数",
               "county": "县(市、区)", "disabled_staff_severe": "一、二级残疾职工人数",
               "contact_phone": "联系方式"}  # fmt: skip
    header = [aliases.get(field.key, field.zh) + "*" * field.required for field in SPEC.fields]
    path = write_rows(tmp_path / "e.csv", [header, row(CODE_A, kind="民企", county="临清")])

    result = run(sessions, path, tmp_path)

    assert result.inserted == 1, report_lines(tmp_path / "r.csv")
    employer = stored(sessions)[CODE_A]
    assert (employer.kind, employer.county, employer.disabled_staff_severe) == (
        "private", "371581", 1,
    )  # fmt: skip
