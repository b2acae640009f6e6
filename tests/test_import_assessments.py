"""Importing vocational ability assessments: person lookup, upsert by (person, date), report."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching import codes
from matching.imports import persons
from matching.imports.assessments import SPEC
from matching.imports.runner import ImportResult, import_file, parse_row
from matching.imports.templates import write_template
from matching.storage import Assessment, Person
from matching.validators import make_certificate, make_resident_id
from tests.import_files import report_lines, write_rows

ALICE = make_resident_id("371502", date(1990, 1, 1), 123)  # the template's example ID
BOB = make_resident_id("371521", date(1985, 6, 15), 51)
UNKNOWN = make_resident_id("371581", date(1978, 11, 30), 77)  # valid, but never registered
BAD_CHECKSUM = BOB[:17] + ("0" if BOB[17] != "0" else "1")
DIMENSIONS = [dimension.code for dimension in codes.ASSESSMENT_DIMENSIONS]
ZH_HEADERS = [field.zh for field in SPEC.fields]
ID_LIKE = re.compile(r"\d{17}[\dX]")


def run(sessions: sessionmaker[Session], path: Path, tmp_path: Path) -> ImportResult:
    return import_file(sessions, SPEC, path, actor="test", report_path=tmp_path / "r.csv")


def register(sessions: sessionmaker[Session], tmp_path: Path, *id_numbers: str) -> None:
    """Import one person per ID through the persons spec (its example row, ID swapped)."""
    header = [field.zh for field in persons.SPEC.fields]
    rows = [header]
    for number in id_numbers:
        example = {field.key: field.example for field in persons.SPEC.fields}
        example.update(id_number=number, certificate_number=make_certificate(number, 4, 2), sex="")
        rows.append([example[field.key] for field in persons.SPEC.fields])
    path = write_rows(tmp_path / "persons.csv", rows)
    result = import_file(
        sessions, persons.SPEC, path, actor="test", report_path=tmp_path / "persons-r.csv"
    )
    assert result.inserted == len(id_numbers), (tmp_path / "persons-r.csv").read_text("utf-8-sig")


def row(id_number: str, assessed_on: str = "2024-03-15", **changes: str) -> list[str]:
    """A valid data row in ``SPEC.fields`` order; ``changes`` overrides cells by key."""
    cells = {field.key: field.example for field in SPEC.fields}
    cells.update(id_number=id_number, assessed_on=assessed_on, **changes)
    return [cells[field.key] for field in SPEC.fields]


def person_id(sessions: sessionmaker[Session], id_number: str) -> int:
    with sessions() as session:
        found = session.scalar(select(Person.id).where(Person.id_number == id_number))
    assert found is not None
    return found


def stored(sessions: sessionmaker[Session]) -> list[Assessment]:
    with sessions() as session:
        query = select(Assessment).order_by(Assessment.person_id, Assessment.assessed_on)
        return list(session.scalars(query))


def test_every_field_explains_what_is_allowed_and_has_a_valid_example() -> None:
    for field in SPEC.fields:
        assert field.allowed_zh, field.key
        if field.example:
            field.parse(field.example)
    assert {field.key for field in SPEC.required} >= {"id_number", "assessed_on", *DIMENSIONS}
    assert SPEC.field("id_number").sensitive


def test_templates_of_persons_and_assessments_import_cleanly(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    write_template(persons.SPEC, tmp_path / "persons.csv")
    import_file(
        sessions, persons.SPEC, tmp_path / "persons.csv", actor="test", report_path=tmp_path / "p"
    )
    write_template(SPEC, tmp_path / "assessments.csv")

    result = run(sessions, tmp_path / "assessments.csv", tmp_path)

    assert (result.total, result.accepted, result.rejected, result.inserted) == (1, 1, 0, 1)
    [assessment] = stored(sessions)
    assert assessment.person_id == person_id(sessions, ALICE)
    assert assessment.assessed_on == date(2024, 3, 15)
    assert assessment.assessor == "李四"
    assert (assessment.vision, assessment.lifting, assessment.stress) == (4, 1, 2)
    assert assessment.sustainable_hours == Decimal("6.0")
    assert assessment.skills == ["电脑打字", "客服接线"]
    assert assessment.certificates == ["计算机操作员（五级）"]
    assert assessment.accommodations_needed == ["step_free", "accessible_toilet"]
    assert assessment.preferred_forms == ["quota", "home_based"]
    assert assessment.notes is None


def test_valid_rows_insert_then_reimport_is_unchanged_and_a_changed_cell_updates(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    register(sessions, tmp_path, ALICE, BOB)
    rows = [
        ZH_HEADERS,
        row(ALICE, "2023-05-10", skills="", accommodations_needed="", preferred_forms=""),
        row(ALICE, "2024-03-15"),
        row(BOB, "2024年3月20日", sustainable_hours="4.5"),
    ]
    path = write_rows(tmp_path / "a.csv", rows)

    first = run(sessions, path, tmp_path)
    assert (first.total, first.accepted, first.rejected) == (3, 3, 0)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    saved = stored(sessions)
    assert [item.person_id for item in saved] == [person_id(sessions, ALICE)] * 2 + [
        person_id(sessions, BOB)
    ]
    assert saved[0].skills == [] and saved[0].accommodations_needed == []
    assert saved[2].sustainable_hours == Decimal("4.5")

    again = run(sessions, path, tmp_path)
    assert again.unchanged == again.accepted == 3
    assert again.inserted == again.updated == 0

    rows[2] = row(ALICE, "2024-03-15", computer="4")
    changed = run(sessions, write_rows(tmp_path / "a2.csv", rows), tmp_path)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    assert [item.computer for item in stored(sessions)] == [3, 4, 3]
    assert report_lines(tmp_path / "r.csv") == []


def test_each_rejection_is_reported_on_its_row_and_column_without_full_ids(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    register(sessions, tmp_path, ALICE, BOB)
    rows = [
        ZH_HEADERS,
        row(ALICE),  # 2: valid
        row(UNKNOWN),  # 3: person not registered
        row(BOB, vision="5"),  # 4
        row(BOB, "2024-04-01", sustainable_hours="13"),  # 5
        row(ALICE),  # 6: same person and date as row 2
        row(BOB, "2024-04-02", hearing=""),  # 7
        row(BAD_CHECKSUM),  # 8
        row(BOB, "2099-01-01"),  # 9
        row(BOB, "2024-04-03", accommodations_needed="无障碍通道、飞行器"),  # 10
        row(BOB, "2024-04-04", attention="基本胜任", stress="3.0"),  # 11: valid
    ]
    path = write_rows(tmp_path / "a.csv", rows)

    result = run(sessions, path, tmp_path)

    assert result.accepted + result.rejected == result.total == 10
    assert (result.accepted, result.inserted) == (2, 2)
    assert set(report_lines(tmp_path / "r.csv")) == {
        (3, "身份证号", "person_not_found"),
        (4, "视力", "number_out_of_range"),
        (5, "每日可持续工作小时", "number_out_of_range"),
        (6, "身份证号", "duplicate_in_file"),
        (7, "听力", "required"),
        (8, "身份证号", "id_checksum"),
        (9, "评估日期", "date_out_of_range"),
        (10, "所需便利", "unknown_accommodation"),
    }
    text = (tmp_path / "r.csv").read_text("utf-8-sig")
    assert "请先导入人员信息" in text
    assert not ID_LIKE.search(text)
    for number in (ALICE, BOB, UNKNOWN, BAD_CHECKSUM):
        assert number not in text
    assert UNKNOWN[:6] + "********" + UNKNOWN[-4:] in text
    assert [(item.attention, item.stress) for item in stored(sessions)] == [(3, 2), (3, 3)]


def test_english_headers_in_an_xlsx_workbook(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    register(sessions, tmp_path, ALICE, BOB)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2024年职业能力评估汇总表"])  # a title line above the header
    sheet.append([field.key for field in SPEC.fields])
    data = ((ALICE, datetime(2024, 3, 15), 6), (BOB, datetime(2024, 5, 6), 7.5),
            (UNKNOWN, datetime(2024, 5, 6), 8))  # fmt: skip
    for number, day, hours in data:
        values: dict[str, object] = {field.key: field.example for field in SPEC.fields}
        values.update({key: 2 for key in DIMENSIONS})
        values.update(id_number=number, assessed_on=day, sustainable_hours=hours)
        sheet.append([values[field.key] for field in SPEC.fields])
    workbook.save(tmp_path / "a.xlsx")

    result = run(sessions, tmp_path / "a.xlsx", tmp_path)

    assert (result.total, result.accepted, result.rejected, result.inserted) == (3, 2, 1, 2)
    assert report_lines(tmp_path / "r.csv") == [
        (5, "身份证号", "person_not_found")
    ]  # row 1 is the title
    assert UNKNOWN not in (tmp_path / "r.csv").read_text("utf-8-sig")
    assert [(item.vision, item.sustainable_hours) for item in stored(sessions)] == [
        (2, Decimal("6.0")),
        (2, Decimal("7.5")),
    ]


def test_alias_headers_and_score_level_names(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    register(sessions, tmp_path, ALICE)
    aliases = {"id_number": "公民身份号码", "assessed_on": "评估时间", "speech": "言语",
               "vision": "视力（0-4）", "sustainable_hours": "可持续工作小时"}  # fmt: skip
    header = [aliases.get(field.key, field.zh) for field in SPEC.fields]
    path = write_rows(tmp_path / "a.csv", [header, row(ALICE, speech="完全胜任", vision="不能")])

    result = run(sessions, path, tmp_path)

    assert result.inserted == 1, report_lines(tmp_path / "r.csv")
    [assessment] = stored(sessions)
    assert (assessment.speech, assessment.vision) == (4, 0)


def test_prepare_replaces_the_id_number_by_the_person_id(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    register(sessions, tmp_path, ALICE)
    header = {field.key: index for index, field in enumerate(SPEC.fields)}
    parsed = [
        parse_row(SPEC, header, number, row(id_number))
        for number, id_number in ((2, ALICE), (3, UNKNOWN))
    ]
    assert all(item.ok for item in parsed)
    with sessions() as session:
        SPEC.prepare(session, parsed, SPEC.reach)
    known, unknown = parsed
    assert "id_number" not in known.record
    assert known.record["person_id"] == person_id(sessions, ALICE)
    assert set(known.record) <= set(Assessment.__table__.columns.keys())
    assert [(key, error.code) for key, error in unknown.errors] == [
        ("id_number", "person_not_found")
    ]
    assert unknown.record == {}
