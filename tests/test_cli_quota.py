"""`jobmatch quota outreach` on the test city: the JSON lines' keys and order, the table, the
Excel workbook and bad options."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from matching.errors import UnknownCodeError
from matching.outreach import SHEETS
from serving.cli import app
from tests.api_city import COUNTY_B, fill_database
from tests.conftest import database_of_kind

KEYS = {"credit_code", "staff_count", "required", "employed_weighted", "gap", "levy_due"}


@pytest.fixture(scope="module")
def city_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli-quota")
    with database_of_kind("sqlite", folder) as url:
        fill_database(url)
    return {
        "JOBMATCH_DATA_DIR": str(folder),
        "JOBMATCH_DATABASE_URL": url,
        "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE": "85000",
        "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE_SOURCE": "测试假设值",
    }


def test_json_lines_hold_the_keys_in_the_outreach_order(
    city_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "outreach.xlsx"
    result = CliRunner().invoke(
        app, ["quota", "outreach", "--county", "临清市", "--json", "--out", str(out)], env=city_env
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert lines and all(set(line) >= KEYS for line in lines)
    assert {line["county"] for line in lines} == {COUNTY_B}
    assert all(isinstance(line["levy_due"], float) for line in lines)
    placeable = [line["placeable"] for line in lines]
    assert placeable == sorted(placeable, reverse=True) and placeable[0] > 0
    assert any(line["candidates"] for line in lines)
    book = load_workbook(BytesIO(out.read_bytes()))
    assert book.sheetnames == list(SHEETS)
    assert book["单位清单"].max_row == len(lines) + 1


def test_table_and_bad_options(city_env: dict[str, str]) -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["quota", "outreach", "--county", "371581"], env=city_env)
    assert table.exit_code == 0 and "未达1.5%比例的用人单位" in table.stdout
    unknown = runner.invoke(app, ["quota", "outreach", "--county", "火星县"], env=city_env)
    assert unknown.exit_code == 1 and isinstance(unknown.exception, UnknownCodeError)
    wrong = runner.invoke(app, ["quota", "outreach", "--out", "list.csv"], env=city_env)
    assert wrong.exit_code == 2 and ".xlsx" in wrong.output
