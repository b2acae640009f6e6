"""A bad file gets one clear error (what was wrong, what is allowed), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from matching.errors import ImportFileError
from matching.imports import SPECS, import_file, write_template
from matching.imports.persons import SPEC
from serving.cli import app
from tests.import_files import PERSON_HEADERS, person_row, write_csv


def import_error(sessions: sessionmaker[Session], path: Path) -> str:
    with pytest.raises(ImportFileError) as caught:
        import_file(sessions, SPEC, path, actor="t", report_path=path.with_suffix(".report"))
    return caught.value.message_zh


@pytest.fixture
def sqlite_sessions(tmp_path: Path) -> sessionmaker[Session]:
    from matching.storage import make_engine, make_sessionmaker, upgrade_database

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade_database(engine)
    return make_sessionmaker(engine)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "文件为空"),
        ("blank.csv", b"\n \n", "文件为空"),
        ("binary.csv", bytes(range(256)) * 4, "编码无法识别"),
        ("renamed.csv", b"PK\x03\x04rest-of-a-zip", "Excel 工作簿"),
        ("fake.xlsx", "身份证号,姓名\n".encode(), "不是有效的 .xlsx"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls"),
        ("notes.txt", b"hello", "只能导入 .csv 或 .xlsx"),
        ("columns.csv", "姓名,性别\n张三,男\n".encode(), "缺少必填列：身份证号、残疾人证号"),
        ("header-only.csv", (",".join(PERSON_HEADERS) + "\n").encode(), "没有数据行"),
    ],
)
def test_bad_files_get_one_clear_error(
    sqlite_sessions: sessionmaker[Session], tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert expected in import_error(sqlite_sessions, path)


def test_a_missing_file_is_named(sqlite_sessions: sessionmaker[Session], tmp_path: Path) -> None:
    assert "找不到文件" in import_error(sqlite_sessions, tmp_path / "absent.csv")


def test_a_repeated_column_is_refused(
    sqlite_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(",".join([*PERSON_HEADERS, "姓名"]) + "\n", encoding="utf-8")
    assert "“姓名”列出现了两次" in import_error(sqlite_sessions, path)


@pytest.mark.parametrize("entity", sorted(SPECS))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_templates_carry_every_header_and_a_valid_example(
    tmp_path: Path, entity: str, suffix: str
) -> None:
    spec = SPECS[entity]
    path = tmp_path / f"template{suffix}"
    write_template(spec, path)
    if suffix == ".xlsx":
        workbook = load_workbook(path)
        header = [cell.value for cell in workbook.worksheets[0][1]]
        assert workbook.sheetnames[1] == "填写说明"
    else:
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [field.zh for field in spec.fields]


def test_the_persons_template_example_imports(
    sqlite_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "template.xlsx"
    write_template(SPEC, path)
    result = import_file(sqlite_sessions, SPEC, path, actor="t", report_path=tmp_path / "r.csv")
    assert (result.accepted, result.rejected) == (1, 0)


def test_cli_import_ends_with_one_json_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path / "var"))
    rows = [person_row(index) for index in range(3)]
    rows[0]["文化程度"] = "博士后"
    path = write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows)
    result = CliRunner().invoke(app, ["import", "persons", str(path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("total", "accepted", "rejected", "unchanged")} == {
        "total": 3,
        "accepted": 2,
        "rejected": 1,
        "unchanged": 0,
    }
    assert Path(summary["report"]).is_file()


def test_cli_reports_a_bad_file_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path / "var"))
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = CliRunner().invoke(app, ["import", "persons", str(path)])
    assert result.exit_code == 1
    assert "文件为空" in result.output
    assert "Traceback" not in result.output


def test_cli_names_the_allowed_entities(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", "people", str(tmp_path / "t.csv")])
    assert result.exit_code == 2
    assert "persons" in result.output


@pytest.mark.parametrize("entity", sorted(SPECS))
def test_the_docs_document_every_column(entity: str) -> None:
    from matching.imports.describe import describe_markdown

    page = Path(__file__).resolve().parent.parent / "docs" / "imports.md"
    assert describe_markdown(SPECS[entity]) in page.read_text(encoding="utf-8"), (
        "docs/imports.md column reference is stale: paste `python -m matching.imports.describe`"
    )
