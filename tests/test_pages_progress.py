"""The progress dashboard and the outreach page without a browser (``TestClient``) over the test
city: the page's figures equal the API's for the same period and county, county users see their
county only, analysts get no person lists and no candidates, the list behind a figure masks IDs,
bad filters are said next to their field, and the Excel downloads are the report's and the
outreach's."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from matching.outreach import SHEETS
from matching.settings import Settings
from matching.storage import make_engine
from serving.api import deps
from serving.api.routers.progress import report_day
from serving.reports.workbook import OUTREACH_SHEET, SUMMARY_SHEET
from tests.api_city import COUNTY_A, COUNTY_B, headers, served_city
from tests.conftest import database_of_kind
from tests.test_api_progress import TODAY
from tests.test_pages_session import log_in


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("progress-pages")
    with database_of_kind("sqlite", folder) as url:
        engine = make_engine(url)
        with served_city(engine, folder, load_models=True) as running:
            settings = Settings(
                _env_file=None,
                data_dir=folder,
                database_url=url,
                levy_local_average_wage="85000",
                levy_local_average_wage_source="测试假设值",
            )
            overrides = running.app.dependency_overrides  # type: ignore[attr-defined]
            overrides[report_day] = lambda: TODAY
            overrides[deps.settings] = lambda: settings
            yield running
        engine.dispose()


def api(client: TestClient, username: str, path: str, **params: Any) -> dict[str, Any]:
    answer = client.get(path, headers=headers(client, username), params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def page(client: TestClient, username: str, path: str, status: int = 200, **params: Any) -> str:
    log_in(client, username)
    answer = client.get(path, params=params or None)  # params={} would drop the path's query
    assert answer.status_code == status, answer.text[:500]
    return html.unescape(answer.text)


def figure_text(unit: str, figure: dict[str, Any]) -> str:
    value = figure["value"]
    if value is None:
        return "—"
    if unit == "rate":
        return f"{value:.1%}（{figure['numerator']:,}/{figure['denominator']:,}）"
    if unit == "counties":
        return f"{round(value)}个"
    return f"{round(value):,}人"


def measure_row(text: str, name_zh: str) -> str:
    found = re.search(rf'<th scope="row">{re.escape(name_zh)}</th>(.*?)</tr>', text, re.S)
    assert found, name_zh
    return found.group(1)


@pytest.mark.parametrize(
    ("username", "params"),
    [
        ("analyst", {"year": 2026, "month": ""}),
        ("admin", {"year": 2026, "month": 9, "county": COUNTY_B}),
        ("county_a", {"year": 2026, "month": 10}),
    ],
)
def test_the_dashboards_figures_equal_the_api(
    client: TestClient, username: str, params: dict[str, Any]
) -> None:
    text = page(client, username, "/progress", **params)
    query = {k: v for k, v in params.items() if v != ""}
    report = api(client, username, "/api/progress", **query)
    assert report["county_zh"] in text
    for m in report["measures"]:
        row = measure_row(text, m["name_zh"])
        cells = re.findall(r'<td class="number">([^<]*)', row)
        if report["month"]:
            assert cells[:2] == [
                figure_text(m["unit"], m["month"]),
                figure_text(m["unit"], m["year_to_date"]),
            ]
        else:
            assert cells[0] == figure_text(m["unit"], m["year_to_date"])
        reason = m["year_to_date"]["reason"]
        if reason:  # said, not shown as 0
            assert reason["message_zh"] in row
    # Charts: SVG images with their text alternative, and their numbers as tables.
    assert text.count('src="data:image/svg+xml;base64,') == 3
    assert "新增就业人数：逐月与进度线：数字" in text
    assert "新增就业人数：按县（市、区）：数字" in text


def test_county_users_see_their_county_and_another_is_not_found(client: TestClient) -> None:
    text = page(client, "county_a", "/progress")
    assert "东昌府区，2026年" in text
    options = re.search(r'<select id="f-county".*?</select>', text, re.S)
    assert options and options.group(0).count("<option") == 1
    page(client, "county_a", "/progress", 404, county=COUNTY_B)


def test_person_lists_for_those_who_may_read_persons_only(client: TestClient) -> None:
    counselor = page(client, "county_a", "/progress", year=2026, month=10)
    links = re.findall(r'href="(/progress/records\?[^"]+)"', counselor)
    assert any("measure=newly_employed" in link for link in links)
    link = next(link for link in links if "measure=newly_employed" in link and "to_date" in link)
    listed = page(client, "county_a", link)
    total = re.search(r"共(\d+)条", listed)
    report = api(client, "county_a", "/api/progress", year=2026, month=10)
    newly = next(m for m in report["measures"] if m["key"] == "newly_employed")
    assert total and int(total.group(1)) == newly["year_to_date"]["listed"]
    assert re.search(r"\d{6}\*+\d{4}", listed)  # masked
    assert not re.search(r"\d{17}[\dX]", listed)  # never a whole ID
    analyst = page(client, "analyst", "/progress", year=2026, month=10)
    person_links = [x for x in re.findall(r'href="(/progress/records\?[^"]+)"', analyst)]
    assert person_links and all("measure=training_bases" in x for x in person_links)
    assert "不查看人员名单" in analyst
    page(client, "analyst", link.replace("&amp;", "&"), 403)


def test_bad_filters_are_said_next_to_the_field(client: TestClient) -> None:
    text = page(client, "analyst", "/progress", year="20x6", month="13", breakdown="religion")
    assert 'role="alert"' in text
    assert 'id="f-year-error"' in text and 'id="f-month-error"' in text
    assert 'id="f-breakdown-error"' in text and 'aria-invalid="true"' in text


def test_the_breakdown_table_has_every_group(client: TestClient) -> None:
    text = page(client, "analyst", "/progress", year=2026, month="", breakdown="sex")
    report = api(client, "analyst", "/api/progress", year=2026, breakdown="sex")
    assert "各项指标按性别分组" in text
    for group in report["measures"][0]["groups"]:
        assert f'<th scope="row">{group["label_zh"]}</th>' in text


def test_a_breakdown_with_a_measure_that_cannot_be_computed(client: TestClient) -> None:
    # September is over: the employment rate has no figure (and no groups), and says why.
    text = page(client, "admin", "/progress", year=2026, month=9, breakdown="county")
    assert "各项指标按县（市、区）分组" in text
    assert "无法计算的原因：" in text and "只能统计包含今天的统计期" in text


def test_the_report_download_is_the_reports_workbook(client: TestClient) -> None:
    log_in(client, "county_a")
    answer = client.get("/progress/report.xlsx", params={"year": 2026, "month": 10})
    assert answer.status_code == 200
    book = load_workbook(BytesIO(answer.content))
    assert SUMMARY_SHEET in book.sheetnames
    counties = {row[4] for row in book[OUTREACH_SHEET].iter_rows(min_row=2, values_only=True)}
    assert counties <= {"东昌府区"}


def test_the_menu_shows_each_role_its_pages(client: TestClient) -> None:
    analyst = page(client, "analyst", "/")
    assert 'href="/progress"' in analyst and 'href="/outreach"' in analyst
    worker = page(client, "worker_a", "/")
    assert 'href="/progress"' in worker and 'href="/outreach"' not in worker
    page(client, "worker_a", "/outreach", 403)
    page(client, "organiser", "/progress", 403)


def test_outreach_candidates_for_counselors_counts_for_analysts(client: TestClient) -> None:
    counselor = page(client, "county_b", "/outreach")
    listed = api(client, "county_b", "/api/quota/outreach", page_size=20)
    assert f"共{listed['total']}家单位未达比例" in counselor
    first = listed["items"][0]
    assert first["name"] in counselor and first["candidates"]
    assert first["candidates"][0]["name"] in counselor
    assert "85,000元（来源：测试假设值）" in counselor
    page(client, "county_b", "/outreach", 404, county=COUNTY_A)
    analyst = page(client, "analyst", "/outreach", county=COUNTY_B)
    assert first["name"] in analyst and first["candidates"][0]["name"] not in analyst
    assert 'href="/persons/' not in analyst
    log_in(client, "analyst")
    book = load_workbook(BytesIO(client.get("/outreach.xlsx", params={"county": COUNTY_B}).content))
    assert SHEETS[1] not in book.sheetnames and SHEETS[0] in book.sheetnames
    second = page(client, "admin", "/outreach", page=2)
    assert "第2页" in second
