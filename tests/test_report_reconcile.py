"""`jobmatch report annual|month` on the served test city, on SQLite and PostgreSQL: every number
of the workbook equals the API's for the same period and county (the summary, the months, each
breakdown, the employers below the quota), no person is named, the export is audited, and bad
options are refused before anything is read."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from matching.errors import UnknownCodeError
from matching.progress import BREAKDOWNS
from matching.settings import Settings
from matching.storage import AuditEntry, make_engine, make_sessionmaker
from serving.api import deps
from serving.api.routers.progress import report_day
from serving.cli import app
from serving.reports.workbook import (
    BREAKDOWN_SHEETS,
    MONTHS_SHEET,
    OUTREACH_SHEET,
    SUMMARY_SHEET,
)
from tests.api_city import COUNTY_B, served_city
from tests.conftest import database_of_kind
from tests.test_api_ledgers import City
from tests.test_api_progress import TODAY, measure, ok

WAGE, WAGE_SOURCE = "85000", "测试假设值"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[City, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("report")
    with database_of_kind(request.param, folder) as url:
        engine = make_engine(url)
        try:
            with served_city(engine, folder, load_models=True) as client:
                settings = Settings(
                    _env_file=None,
                    data_dir=folder,
                    database_url=url,
                    levy_local_average_wage=WAGE,
                    levy_local_average_wage_source=WAGE_SOURCE,
                )
                overrides = client.app.dependency_overrides  # type: ignore[attr-defined]
                overrides[report_day] = lambda: TODAY
                overrides[deps.settings] = lambda: settings
                env = {
                    "JOBMATCH_DATA_DIR": str(folder),
                    "JOBMATCH_DATABASE_URL": url,
                    "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE": WAGE,
                    "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE_SOURCE": WAGE_SOURCE,
                }
                yield City(client, engine, {}), env
        finally:
            engine.dispose()


def run_report(env: dict[str, str], out: Path, *args: str) -> Workbook:
    result = CliRunner().invoke(
        app, ["report", *args, "--out", str(out), "--as-of", TODAY.isoformat()], env=env
    )
    assert result.exit_code == 0, result.output
    return load_workbook(BytesIO(out.read_bytes()))


def table(book: Workbook, name: str) -> list[dict[str, Any]]:
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def same(cell: Any, value: float | None) -> bool:
    return cell is None if value is None else cell == pytest.approx(value, abs=1e-9)


def check_summary(book: Workbook, api: dict[str, Any]) -> None:
    rows = {row["指标"]: row for row in table(book, SUMMARY_SHEET)}
    assert len(rows) == len(api["measures"])
    for m in api["measures"]:
        row = rows[m["name_zh"]]
        if api["month"]:
            assert same(row["本月"], m["month"]["value"]), m["key"]
            assert same(row["1月至本月"], m["year_to_date"]["value"]), m["key"]
        else:
            assert same(row["全年（截至统计日）"], m["year_to_date"]["value"]), m["key"]
        assert same(row["分母"], m["year_to_date"]["denominator"])
        assert same(row["目标"], m["target"]["value"] if m["target"] else None)
        pace = m["pace"]
        assert same(row["按进度应达"], pace["expected"] if pace else None)
        assert same(row["差距"], pace["gap"] if pace else None)
        assert same(row["此后每月需新增"], pace["per_month"] if pace else None)
        reason = m["year_to_date"]["reason"]
        if reason:  # a figure that cannot be computed is empty, with its reason beside it
            assert reason["message_zh"] in row["说明"]


def check_months(book: Workbook, city: City, last: int, **scope: Any) -> None:
    rows = table(book, MONTHS_SHEET)
    assert [row["月份"] for row in rows] == [f"{m}月" for m in range(1, last + 1)]
    for number, row in enumerate(rows, start=1):
        api = measure(ok(city, "/api/progress", year=2026, month=number, **scope), "newly_employed")
        assert same(row["当月新增就业"], api["month"]["value"]), number
        assert same(row["累计（1月至该月）"], api["year_to_date"]["value"]), number
        assert same(row["进度线（累计应达）"], api["target"]["value"] * number / 12)
    known = [row["当月新增就业"] for row in rows if row["当月新增就业"] is not None]
    assert sum(known) == rows[len(known) - 1]["累计（1月至该月）"]  # months add up


def check_breakdowns(book: Workbook, city: City, **params: Any) -> None:
    figure = "1月至本月" if params.get("month") else "全年（截至统计日）"
    for name in BREAKDOWNS:
        api = ok(city, "/api/progress", year=2026, breakdown=name, **params)
        rows = table(book, BREAKDOWN_SHEETS[name])
        expected = [
            (g["label_zh"], m["name_zh"], g["year_to_date"]["value"])
            for m in api["measures"]
            for g in m["groups"]
        ]
        assert len(rows) == len(expected), name
        for row, (group, measure_zh, value) in zip(rows, expected, strict=True):
            assert (row[BREAKDOWN_SHEETS[name][1:]], row["指标"]) == (group, measure_zh)
            assert same(row[figure], value), (name, group, measure_zh)


def check_outreach(book: Workbook, city: City, **params: Any) -> None:
    items: list[dict[str, Any]] = []
    while True:
        api = ok(city, "/api/quota/outreach", page=len(items) // 100 + 1, page_size=100, **params)
        items += api["items"]
        if len(items) >= api["total"]:
            break
    rows = table(book, OUTREACH_SHEET)
    assert [row["统一社会信用代码"] for row in rows] == [i["credit_code"] for i in items]
    assert [row["本次可安排人数"] for row in rows] == [i["placeable"] for i in items]
    assert [row["适合的求职者人数"] for row in rows] == [i["fitting_persons"] for i in items]
    levies = [row["应缴保障金（元/年）"] for row in rows]
    assert all(same(cell, i["levy_due"]) for cell, i in zip(levies, items, strict=True))
    assert any(i["levy_due"] for i in items)
    assert all(i["fitting_persons"] is not None for i in items)
    names = {c["name"] for item in items for c in item["candidates"] or []}
    assert names  # the admin's API names persons; the report must not
    cells = {str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}
    assert not names & cells


def test_the_annual_report_equals_the_api(
    city: tuple[City, dict[str, str]], tmp_path: Path
) -> None:
    served, env = city
    book = run_report(env, tmp_path / "annual.xlsx", "annual", "--year", "2026")
    assert "图表" in book.sheetnames and len(book["图表"]._images) == 3
    check_summary(book, ok(served, "/api/progress", year=2026))
    check_months(book, served, 12)
    check_breakdowns(book, served)
    check_outreach(book, served)
    assert ("all", None) in _report_audits(served)


def _report_audits(served: City) -> set[tuple[str | None, int | None]]:
    """(scope, month) of every report's audit entry so far."""
    with make_sessionmaker(served.engine)() as session:
        audits = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "progress_report")
        ).all()
    return {(a.entity_id, a.detail["month"]) for a in audits}


def test_a_months_report_for_a_county_equals_the_api(
    city: tuple[City, dict[str, str]], tmp_path: Path
) -> None:
    served, env = city
    args = ("month", "--year", "2026", "--month", "9", "--county", "临清市")
    book = run_report(env, tmp_path / "month.xlsx", *args)
    scope = {"county": COUNTY_B}
    check_summary(book, ok(served, "/api/progress", year=2026, month=9, **scope))
    check_months(book, served, 9, **scope)
    check_breakdowns(book, served, month=9, **scope)
    check_outreach(book, served, **scope)
    rate = next(r for r in table(book, SUMMARY_SHEET) if r["指标"].startswith("就业年龄段"))
    assert rate["本月"] is None and "无法计算" in rate["说明"]  # September has no register state
    assert (COUNTY_B, 9) in _report_audits(served)


def test_bad_options_are_refused(city: tuple[City, dict[str, str]], tmp_path: Path) -> None:
    _, env = city
    runner = CliRunner()
    out = str(tmp_path / "r.xlsx")
    wrong = runner.invoke(app, ["report", "annual", "--year", "2026", "--out", "r.csv"], env=env)
    assert wrong.exit_code == 2 and ".xlsx" in wrong.output
    day = runner.invoke(
        app, ["report", "annual", "--year", "2026", "--out", out, "--as-of", "31/10"], env=env
    )
    assert day.exit_code == 2 and "YYYY-MM-DD" in day.output
    month = runner.invoke(
        app, ["report", "month", "--year", "2026", "--month", "13", "--out", out], env=env
    )
    assert month.exit_code == 2
    county = runner.invoke(
        app, ["report", "annual", "--year", "2026", "--county", "火星县", "--out", out], env=env
    )
    assert county.exit_code == 1 and isinstance(county.exception, UnknownCodeError)
    assert not Path(out).exists()
