"""No CSV the product writes can run a formula when Excel opens it."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from matching.csv_safety import csv_writer, neutralise
from matching.imports import import_file, write_template
from matching.imports.persons import SPEC
from tests.import_files import PERSON_HEADERS, person_row, read_report, write_csv

ROOT = Path(__file__).resolve().parent.parent
ATTACKS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", ATTACKS)
def test_a_formula_start_gets_a_leading_quote(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "0635-8888888", "a=b", " =1", "'=1", "", "1+1"])
def test_other_text_is_left_alone(value: str) -> None:
    assert neutralise(value) == value


def test_numbers_stay_numbers() -> None:
    assert neutralise(-5) == -5
    assert neutralise(2.5) == 2.5


def test_the_writer_neutralises_every_cell_and_round_trips_the_rest() -> None:
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["=1+1", "ok", 3], ["-2", "@x", "a,b"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'=1+1", "ok", "3"],
        ["'-2", "'@x", "a,b"],
    ]


def test_the_reject_report_neutralises_values_copied_from_the_file(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [person_row(i) for i in range(len(ATTACKS))]
    for row, attack in zip(rows, ATTACKS, strict=True):
        row["联系电话"] = attack
    path = write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows)
    import_file(sessions, SPEC, path, actor="t", report_path=tmp_path / "r.csv")
    values = sorted(line["原值（已脱敏）"] for line in read_report(tmp_path / "r.csv"))
    # The importer trims cells, so "\t=1" reaches the report as "=1".
    assert values == sorted("'" + attack.strip() for attack in ATTACKS)
    for line in read_report(tmp_path / "r.csv"):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line.values())


def test_templates_are_written_through_the_safe_writer(tmp_path: Path) -> None:
    write_template(SPEC, tmp_path / "t.csv")
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, example = list(csv.reader(handle))
    assert header == [field.zh for field in SPEC.fields]
    assert example == [str(neutralise(field.example)) for field in SPEC.fields]


def _csv_writer_calls(source: Path) -> list[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return [
        f"{source.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
        and node.attr in {"writer", "DictWriter"}
    ]


def test_no_product_module_writes_csv_around_the_safe_writer() -> None:
    offenders = [
        call
        for layer in ("matching", "features", "training", "serving")
        for source in sorted((ROOT / layer).rglob("*.py"))
        if source.name != "csv_safety.py"
        for call in _csv_writer_calls(source)
    ]
    assert offenders == []
    assert _csv_writer_calls(ROOT / "matching" / "csv_safety.py")  # the check can see a call
