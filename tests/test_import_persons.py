"""Importing persons: rows validated, upserts idempotent, reject reports complete and masked."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from matching.imports import import_file
from matching.imports.persons import SPEC
from matching.storage import AuditEntry, Person
from tests.import_files import PERSON_HEADERS, person_row, read_report, write_csv, write_xlsx

Breaker = Callable[[dict[str, str], dict[str, str]], None]


def _set(column: str, value: str) -> Breaker:
    def breaker(row: dict[str, str], _other: dict[str, str]) -> None:
        row[column] = value

    return breaker


def _bad_checksum(row: dict[str, str], _other: dict[str, str]) -> None:
    last = row["身份证号"][-1]
    row["身份证号"] = row["身份证号"][:-1] + ("0" if last != "0" else "1")


def _certificate_of_other(row: dict[str, str], other: dict[str, str]) -> None:
    row["残疾人证号"] = other["残疾人证号"]


def _duplicate(row: dict[str, str], other: dict[str, str]) -> None:
    row.update(other)


# reason code the importer must give → how to break one valid row that way
BREAKERS: dict[str, Breaker] = {
    "id_checksum": _bad_checksum,
    "id_length": lambda row, _o: row.update({"身份证号": row["身份证号"][:17]}),
    "id_birth_date": _set("身份证号", "371502199002301235"),
    "cert_format": lambda row, _o: row.update({"残疾人证号": row["残疾人证号"][:18] + "95"}),
    "inconsistent": _certificate_of_other,
    "unknown_county": _set("所属县区", "济南市"),
    "unknown_education_level": _set("文化程度", "博士后"),
    "bad_date": _set("登记日期", "2024-02-30"),
    "date_out_of_range": _set("登记日期", "2099-01-01"),
    "bad_phone": _set("联系电话", "12345"),
    "required": _set("姓名", ""),
    "graduate_incomplete": _set("是否高校毕业生", "是"),
    "number_out_of_range": _set("期望月薪", "-5"),
    "duplicate_in_file": _duplicate,
}


def build_file(tmp_path: Path, total: int, bad: int) -> tuple[Path, Counter[str]]:
    """``total`` rows of which ``bad`` are broken, one way each, the kinds taken in turn."""
    rows = [person_row(index) for index in range(total)]
    expected: Counter[str] = Counter()
    kinds = list(BREAKERS)
    step = total // (bad + 1)  # spread the bad rows through the file
    for number in range(bad):
        code = kinds[number % len(kinds)]
        position = step * (number + 1)
        BREAKERS[code](rows[position], rows[position - 7])
        expected[code] += 1
    return write_csv(tmp_path / "persons.csv", PERSON_HEADERS, rows), expected


def run(sessions: sessionmaker[Session], path: Path, report: Path) -> object:
    return import_file(sessions, SPEC, path, actor="tester", report_path=report)


def count_persons(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Person)) or 0


def test_ten_thousand_rows_with_bad_ones_lose_nothing(
    sessions: sessionmaker[Session], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path, expected = build_file(tmp_path, total=10_000, bad=500)
    bad_rows = 500
    assert len(expected) >= 10

    first = import_file(sessions, SPEC, path, actor="tester", report_path=tmp_path / "r1.csv")
    assert (first.total, first.rejected, first.accepted) == (10_000, bad_rows, 10_000 - bad_rows)
    assert first.inserted == first.accepted and first.updated == first.unchanged == 0
    assert count_persons(sessions) == first.accepted

    report = read_report(tmp_path / "r1.csv")
    assert len({line["行号"] for line in report}) == bad_rows
    assert Counter(code for _row, code in {(x["行号"], x["原因代码"]) for x in report}) == expected
    assert all(line["说明"] and line["列"] for line in report)

    second = import_file(sessions, SPEC, path, actor="tester", report_path=tmp_path / "r2.csv")
    assert (second.total, second.rejected, second.unchanged) == (10_000, bad_rows, first.accepted)
    assert second.inserted == second.updated == 0
    assert count_persons(sessions) == first.accepted

    with path.open(encoding="utf-8-sig") as handle:
        ids = {line.split(",")[0] for line in handle} | {
            line.split(",")[2] for line in path.read_text(encoding="utf-8-sig").splitlines()
        }
    report_text = (tmp_path / "r1.csv").read_text(encoding="utf-8-sig")
    logged = caplog.text
    leaked = [
        number
        for number in ids
        if len(number) >= 15 and (number in report_text or number in logged)
    ]
    assert leaked == []


def test_report_rows_point_at_the_sheet_row(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [person_row(index) for index in range(3)]
    rows[1]["所属县区"] = "济南市"
    path = write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows)
    result = import_file(sessions, SPEC, path, actor="t", report_path=tmp_path / "r.csv")
    assert (result.accepted, result.rejected) == (2, 1)
    (line,) = read_report(tmp_path / "r.csv")
    assert (line["行号"], line["列"], line["原因代码"]) == ("3", "所属县区", "unknown_county")
    assert "东昌府区" in line["说明"]  # the message lists what is allowed


def test_a_changed_cell_updates_one_row(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [person_row(index) for index in range(5)]
    path = write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows)
    run(sessions, path, tmp_path / "r.csv")
    rows[2]["联系电话"] = "13999999999"
    write_csv(path, PERSON_HEADERS, rows)
    result = import_file(sessions, SPEC, path, actor="t", report_path=tmp_path / "r.csv")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 4)
    with sessions() as session:
        assert session.scalar(select(Person.phone).where(Person.name == "测试2")) == "13999999999"


def test_xlsx_gbk_english_headers_and_a_title_line_all_work(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [person_row(index) for index in range(4)]
    xlsx = write_xlsx(tmp_path / "p.xlsx", PERSON_HEADERS, rows[:1])
    gbk = write_csv(tmp_path / "gbk.csv", PERSON_HEADERS, rows[1:2], encoding="gbk")
    english_headers = [
        SPEC.fields[[f.zh for f in SPEC.fields].index(h)].key for h in PERSON_HEADERS
    ]
    english = write_csv(
        tmp_path / "en.csv",
        english_headers,
        [dict(zip(english_headers, rows[2].values(), strict=True))],
    )
    titled = tmp_path / "titled.csv"
    write_csv(titled, PERSON_HEADERS, rows[3:4])
    titled.write_text(
        "聊城市残疾人求职登记表（2024年）\n" + titled.read_text("utf-8-sig"), "utf-8-sig"
    )
    for path in (xlsx, gbk, english, titled):
        result = import_file(sessions, SPEC, path, actor="t", report_path=tmp_path / "r.csv")
        assert (result.accepted, result.rejected) == (1, 0), path.name
    assert count_persons(sessions) == 4


def test_each_import_is_audited_without_sensitive_numbers(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    row = person_row(1)
    path = write_csv(tmp_path / "p.csv", PERSON_HEADERS, [row])
    run(sessions, path, tmp_path / "r.csv")
    with sessions() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.entity, entry.actor) == ("import", "persons", "tester")
    assert entry.detail["accepted"] == 1
    assert row["身份证号"] not in str(entry.detail)


def test_a_column_missing_from_the_file_leaves_stored_values_alone(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [person_row(index) for index in range(2)]
    run(sessions, write_csv(tmp_path / "full.csv", PERSON_HEADERS, rows), tmp_path / "r.csv")
    fewer = [header for header in PERSON_HEADERS if header not in ("联系电话", "期望月薪")]
    trimmed = [{key: row[key] for key in fewer} for row in rows]
    result = import_file(
        sessions, SPEC, write_csv(tmp_path / "part.csv", fewer, trimmed), actor="t",
        report_path=tmp_path / "r.csv",
    )  # fmt: skip
    assert (result.updated, result.unchanged) == (0, 2)
    with sessions() as session:
        stored = session.scalars(select(Person).order_by(Person.id)).first()
    assert stored is not None
    assert (stored.phone, stored.expected_pay_min) == (rows[0]["联系电话"], 2000)


def test_an_id_stored_as_an_excel_number_is_reported_as_lost_digits(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """Excel keeps 15 significant digits of a number cell: the report says so, rather than
    "check digit wrong"; the same ID as text imports."""
    from openpyxl import Workbook

    rows = [person_row(index) for index in range(2)]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(PERSON_HEADERS))
    for row in rows:
        sheet.append([row[header] for header in PERSON_HEADERS])
    sheet.cell(row=2, column=1).value = float(rows[0]["身份证号"])  # as Excel stores it
    workbook.save(tmp_path / "p.xlsx")
    result = import_file(
        sessions, SPEC, tmp_path / "p.xlsx", actor="t", report_path=tmp_path / "r.csv"
    )
    assert (result.accepted, result.rejected) == (1, 1)
    lines = read_report(tmp_path / "r.csv")
    assert (lines[0]["行号"], lines[0]["列"], lines[0]["原因代码"]) == (
        "2",
        "身份证号",
        "id_lost_digits",
    )
    assert lines[0]["说明"] == "该单元格为数字格式，Excel已丢失末尾数字，请将列设为文本后重新填写"
