"""GET /api/quota/outreach and its Excel over the served test city, on SQLite and PostgreSQL: roles
and county scope, analysts without persons, the order, the levy of docs/domain.md's worked
cases through the API, masked IDs and the audit of the export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, insert, select

from matching.outreach import SHEETS
from matching.settings import Settings
from matching.storage import AuditEntry, Employer, make_engine, make_sessionmaker
from serving.api import deps
from tests.api_city import COUNTY_A, COUNTY_B, headers, served_city, test_city
from tests.conftest import database_of_kind

URL = "/api/quota/outreach"
MASKED = re.compile(r"^[0-9]{6}\*{8}[0-9X]{4}$")
# docs/domain.md's worked cases (local wage 50,000): N, average wage, level 1-2, level 3-4, due
WORKED = (
    (200, "120000", 1, 0, 50000.0),
    (200, "120000", 0, 0, 270000.0),
    (30, "120000", 0, 0, 0.0),
    (31, "80000", 0, 0, 33480.0),
    (100, "60000", 0, 1, 15000.0),
)


@dataclass
class City:
    client: TestClient
    engine: Engine
    tokens: dict[str, dict[str, str]]

    def get(self, url: str, username: str, **params: Any) -> Any:
        if username not in self.tokens:
            self.tokens[username] = headers(self.client, username)
        return self.client.get(url, headers=self.tokens[username], params=params)

    def items(self, username: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of the list, page after page."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self.get(URL, username, page=page, page_size=100, **params)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            found.extend(body["items"])
            if len(found) >= body["total"]:
                return found
            page += 1


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    folder: Path = tmp_path_factory.mktemp("quota")
    with database_of_kind(request.param, folder) as url:
        engine = make_engine(url)
        try:
            with served_city(engine, folder, load_models=True) as client:
                with make_sessionmaker(engine).begin() as session:
                    for n, (staff, wage, severe, other, _due) in enumerate(WORKED):
                        session.execute(
                            insert(Employer).values(
                                credit_code=f"9137150200000000{n}X",
                                name=f"聊城市算例{n}有限公司",
                                kind="private",
                                county=COUNTY_A,
                                staff_count=staff,
                                is_school=False,
                                average_wage=Decimal(wage),
                                disabled_staff_severe=severe,
                                disabled_staff_other=other,
                                accommodations=[],
                            )
                        )
                client.app.state.service.refresh_snapshot(force=True)  # type: ignore[attr-defined]
                settings = Settings(
                    _env_file=None,
                    data_dir=folder,
                    database_url=url,
                    load_models=False,
                    levy_local_average_wage="50000",
                    levy_local_average_wage_source="docs/domain.md 算例",
                )
                client.app.dependency_overrides[deps.settings] = lambda: settings  # type: ignore[attr-defined]
                yield City(client, engine, {})
        finally:
            engine.dispose()


def test_roles_and_county_scope(city: City) -> None:
    assert city.client.get(URL).status_code == 401
    for username in ("organiser", "worker_a"):
        for url in (URL, URL + ".xlsx"):
            answer = city.get(url, username)
            assert answer.status_code == 403 and answer.json()["message_zh"], (username, url)
    other = city.get(URL, "county_a", county=COUNTY_B)
    assert other.status_code == 404 and other.json()["message_zh"]
    assert city.get(URL + ".xlsx", "county_a", county="临清市").status_code == 404
    unknown = city.get(URL, "county_a", county="火星县")
    assert unknown.status_code == 422 and unknown.json()["message_zh"]
    mine = city.items("county_a")
    assert mine and {item["county"] for item in mine} == {COUNTY_A}
    assert city.get(URL, "county_a", county="东昌府区").json()["total"] == len(mine)
    everyone = city.items("admin")
    assert {item["county"] for item in everyone} > {COUNTY_A, COUNTY_B}


def test_counselors_get_masked_candidates_of_their_county_seeking_work(city: City) -> None:
    persons = test_city().frames["persons"]
    seeking = set(
        persons.filter((pl.col("county") == COUNTY_A) & (pl.col("employment_status") == "seeking"))[
            "id"
        ].to_list()
    )
    items = city.items("county_a")
    listed = [c for item in items for c in item["candidates"]]
    assert listed, "some employer of the county has fitting persons"
    for item in items:
        assert len(item["candidates"]) <= min(5, item["fitting_persons"])
        titles = {v["vacancy_id"] for v in item["open_vacancies"]}
        scores = [c["score"] for c in item["candidates"]]
        assert scores == sorted(scores, reverse=True)
        assert all(c["vacancy_id"] in titles for c in item["candidates"])
        assert item["placeable"] == min(
            item["persons_needed"], item["openings"], item["fitting_persons"]
        )
    assert all(MASKED.match(c["id_number_masked"]) for c in listed)
    assert {c["person_id"] for c in listed} <= seeking


def test_analysts_get_figures_never_persons(city: City) -> None:
    body = city.get(URL, "analyst", page_size=100).json()
    assert body["total"] == len(city.items("admin"))
    assert all(item["candidates"] is None for item in body["items"])
    assert all(isinstance(item["fitting_persons"], int) for item in body["items"])
    assert any(item["fitting_persons"] > 0 for item in body["items"])
    assert "name" not in str([item["open_vacancies"] for item in body["items"]])


def test_the_list_is_ordered_by_what_a_visit_can_gain(city: City) -> None:
    items = city.items("admin")

    def key(item: dict[str, Any]) -> tuple[Any, ...]:
        return (
            -item["placeable"],
            -(item["levy_saved"] or 0),
            -(item["levy_due"] or 0),
            -item["gap"],
            item["credit_code"],
        )

    assert [key(i) for i in items] == sorted(key(i) for i in items)
    assert items[0]["placeable"] > 0


def test_the_worked_cases_levy_through_the_api(city: City) -> None:
    body = city.get(URL, "county_a", page_size=1).json()
    assert body["local_average_wage"] == 50000 and body["local_average_wage_source"]
    by_code = {item["credit_code"]: item for item in city.items("county_a")}
    for n, (staff, _wage, severe, other, due) in enumerate(WORKED):
        item = by_code[f"9137150200000000{n}X"]
        assert item["levy_due"] == due
        assert (item["staff_count"], item["employed_weighted"]) == (staff, 2 * severe + other)
        assert item["required"] == pytest.approx(staff * 0.015)
        assert item["fitting_persons"] == 0 and item["placeable"] == 0  # no open vacancy
    assert by_code["91371502000000002X"]["levy_exempt_reason"] == "small_enterprise"


def test_excel_for_a_counselor_and_for_an_analyst(city: City) -> None:
    answer = city.get(URL + ".xlsx", "county_a")
    assert (
        answer.status_code == 200
        and "quota-outreach-371502" in answer.headers["content-disposition"]
    )
    book = load_workbook(BytesIO(answer.content))
    assert book.sheetnames == list(SHEETS)
    cells = [
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v
    ]
    full_ids = set(test_city().frames["persons"]["id_number"].to_list())
    assert not full_ids & set(cells)
    assert not any(any(number in cell for number in full_ids) for cell in cells)
    masked = [row[6] for row in book["推荐人选"].iter_rows(min_row=2, values_only=True)]
    assert masked and all(MASKED.match(str(value)) for value in masked)
    letters = "\n".join(str(row[0]) for row in book["告知函"].iter_rows(values_only=True) if row[0])
    assert "关于按比例安排残疾人就业的告知函" in letters and "身份证号" in letters
    assert "docs/domain.md 算例" in letters
    analyst = load_workbook(BytesIO(city.get(URL + ".xlsx", "analyst").content))
    assert analyst.sheetnames == [SHEETS[0], SHEETS[2], SHEETS[3]]
    texts = "\n".join(
        str(v) for sheet in analyst for row in sheet.iter_rows(values_only=True) for v in row if v
    )
    assert "身份证号" not in texts and not re.search(r"[0-9]{6}\*{8}", texts)
    with city.engine.connect() as connection:
        audits = connection.execute(
            select(AuditEntry.actor, AuditEntry.entity_id).where(
                AuditEntry.entity == "quota_outreach", AuditEntry.action == "export"
            )
        ).all()
    assert {(a, e) for a, e in audits} >= {("county_a", COUNTY_A), ("analyst", "all")}
