"""The ledger routes over the served test city, on SQLite and PostgreSQL: roles, county scope,
the whole life of a ledger through HTTP, the worklist, summaries and Excel downloads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from itertools import count
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, insert, select

from matching.ledgers import XLSX_MEDIA_TYPE
from matching.storage import AuditEntry, Person, make_engine, make_sessionmaker
from matching.validators import mask_resident_id
from tests import api_city
from tests.api_city import COUNTY_A, COUNTY_B, headers, persons_of, served_city
from tests.conftest import database_of_kind

_serial = count(1)


@dataclass
class City:
    client: TestClient
    engine: Engine
    tokens: dict[str, dict[str, str]]

    def auth(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            self.tokens[username] = headers(self.client, username)
        return self.tokens[username]

    def get(self, url: str, username: str = "county_a", **params: Any) -> Any:
        return self.client.get(url, headers=self.auth(username), params=params)

    def send(self, method: str, url: str, body: Any, username: str = "county_a") -> Any:
        return self.client.request(method, url, headers=self.auth(username), json=body)

    def new_graduate(self, county: str = COUNTY_A, **columns: object) -> int:
        """A graduate person without a ledger (the city gave every graduate one)."""
        template = persons_of(county).row(0, named=True)
        serial = next(_serial)
        values = (
            {k: v for k, v in template.items() if k != "id"}
            | {
                "id_number": f"99000019000101{serial:04d}",
                "certificate_number": None,
                "name": f"毕业生{serial}",
                "is_graduate": True,
                "school": "聊城大学",
                "major": "会计学",
                "graduation_year": 2026,
                "education": "bachelor",
                "employment_status": "seeking",
            }
            | columns
        )
        with self.engine.begin() as connection:
            key = connection.execute(insert(Person).values(values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def open(self, county: str = COUNTY_A, username: str = "county_a") -> dict[str, Any]:
        answer = self.send(
            "POST", "/api/ledgers", {"person_id": self.new_graduate(county)}, username
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    folder: Path = tmp_path_factory.mktemp("ledgers")
    with database_of_kind(request.param, folder) as url:
        engine = make_engine(url)
        try:
            with served_city(engine, folder) as client:
                yield City(client, engine, {})
        finally:
            engine.dispose()


def city_ledgers(county: str) -> pl.DataFrame:
    return api_city.test_city().frames["graduate_ledgers"].filter(pl.col("county") == county)


def test_only_case_workers_counselors_and_admins_may_use_ledgers(city: City) -> None:
    some = int(city_ledgers(COUNTY_A)["id"][0])
    for username in ("analyst", "organiser"):
        for url in ("/api/ledgers", f"/api/ledgers/{some}", "/api/ledgers/worklist",
                    f"/api/ledgers/{some}/export.xlsx", "/api/ledgers/summary.xlsx"):  # fmt: skip
            answer = city.get(url, username)
            assert answer.status_code == 403, (username, url)
            assert answer.json()["error"] == "ForbiddenError" and answer.json()["message_zh"]
    assert city.client.get("/api/ledgers").status_code == 401
    for username in ("county_a", "worker_a", "admin"):
        assert city.get(f"/api/ledgers/{some}", username).status_code == 200


def test_lists_count_only_the_county_and_are_paged(city: City) -> None:
    mine = set(city_ledgers(COUNTY_A)["id"].to_list())
    first = city.get("/api/ledgers", page_size=2)
    assert first.status_code == 200
    assert first.json()["total"] >= len(mine)
    assert len(first.json()["items"]) == 2
    second = city.get("/api/ledgers", page=2, page_size=2).json()
    assert second["page"] == 2
    assert {i["id"] for i in second["items"]}.isdisjoint(i["id"] for i in first.json()["items"])
    renamed = city.get("/api/ledgers", limit=2, offset=2)  # the old paging: refused, not ignored
    assert renamed.status_code == 422 and renamed.json()["code"] == "paging_renamed"
    assert "page_size" in renamed.json()["message_zh"]
    everything = city.get("/api/ledgers", "worker_a", page_size=100).json()
    assert {item["county"] for item in everything["items"]} == {COUNTY_A}
    assert mine <= {item["id"] for item in everything["items"]}
    assert everything["total"] == len(everything["items"])
    assert city.get("/api/ledgers", county=COUNTY_B).json()["total"] == 0
    city_wide = city.get("/api/ledgers", "admin", county="临清市").json()
    assert city_wide["total"] == city_ledgers(COUNTY_B).height
    assert city.get("/api/ledgers", page_size=101).status_code == 422
    bad = city.get("/api/ledgers", status="失业很久")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "status"]
    assert city.get("/api/ledgers", status="离校未就业").status_code == 200


def test_another_countys_ledger_is_answered_like_a_missing_one(city: City) -> None:
    theirs = int(city_ledgers(COUNTY_B)["id"][0])
    hidden = city.get(f"/api/ledgers/{theirs}")
    missing = city.get("/api/ledgers/2000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json().keys() == missing.json().keys()
    for method, url, body in [
        ("PATCH", f"/api/ledgers/{theirs}", {"major": "数学"}),
        ("POST", f"/api/ledgers/{theirs}/follow-ups",
         {"contacted_on": "2026-11-02", "channel": "phone", "action": "回访"}),
        ("POST", f"/api/ledgers/{theirs}/status", {"status": "已就业"}),
        ("POST", f"/api/ledgers/{theirs}/actions",
         {"service": "job_referral", "target_date": "2026-12-01"}),
    ]:  # fmt: skip
        assert city.send(method, url, body).status_code == 404, url
    assert city.get(f"/api/ledgers/{theirs}/export.xlsx").status_code == 404
    assert city.get("/api/ledgers/summary", county=COUNTY_B).status_code == 404
    for bad in ("0", "2147483648", "abc", "-1"):
        assert city.get(f"/api/ledgers/{bad}").status_code == 422
    assert hidden.json()["message_zh"] and hidden.json()["error"] == "NotFoundError"
    wrong_method = city.send("PATCH", "/api/ledgers/worklist", {})
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET"
    both = city.client.request("OPTIONS", f"/api/ledgers/{theirs}", headers=city.auth("county_a"))
    assert both.status_code == 405 and both.headers["allow"] == "GET, PATCH"


def test_a_ledger_from_opening_to_a_job(city: City) -> None:
    opened = city.open()
    ledger = opened["id"]
    assert (opened["status"], opened["degree_zh"], opened["county"]) == (
        "unemployed",
        "本科",
        COUNTY_A,
    )
    assert [h["note"] for h in opened["status_history"]] == ["建立台账"]
    assert opened["allowed_next_statuses"] == ["employed", "further_study", "flexible"]
    with city.engine.connect() as connection:
        number = connection.execute(
            select(Person.id_number).where(Person.id == opened["person_id"])
        ).scalar_one()
    assert opened["person"]["id_number"] == mask_resident_id(number) != number
    action = city.send(
        "POST", f"/api/ledgers/{ledger}/actions",
        {"service": "岗位推荐", "target_date": date.today().isoformat(), "note": "推荐客服岗位"},
    )  # fmt: skip
    assert action.status_code == 201, action.text
    assert (action.json()["service"], action.json()["status_zh"]) == ("job_referral", "计划中")
    done = city.send(
        "PATCH", f"/api/ledgers/{ledger}/actions/{action.json()['id']}", {"status": "done"}
    )
    assert done.status_code == 200 and done.json()["done_on"] == date.today().isoformat()
    again = city.send(
        "PATCH", f"/api/ledgers/{ledger}/actions/{action.json()['id']}", {"status": "cancelled"}
    )
    assert again.status_code == 409
    contact = city.send(
        "POST", f"/api/ledgers/{ledger}/follow-ups",
        {"contacted_on": date.today().isoformat(), "channel": "电话", "action": "电话回访",
         "result": "已面试"},
    )  # fmt: skip
    assert contact.status_code == 201 and contact.json()["counselor"] == "county_a"
    refused = city.send("POST", f"/api/ledgers/{ledger}/status", {"status": "在校"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "status_move_not_allowed" and refused.json()["message_zh"]
    moved = city.send(
        "POST", f"/api/ledgers/{ledger}/status", {"status": "已就业", "note": "入职客服岗位"}
    )
    assert moved.status_code == 200, moved.text
    detail = city.get(f"/api/ledgers/{ledger}").json()
    assert (
        detail["status_zh"] == "已就业" and detail["last_contacted_on"] == date.today().isoformat()
    )
    assert [(h["from_status"], h["to_status"]) for h in detail["status_history"]] == [
        (None, "unemployed"),
        ("unemployed", "employed"),
    ]
    assert detail["status_history"][1]["user_name"] == "county_a"
    assert [a["status"] for a in detail["actions"]] == ["done"]
    with make_sessionmaker(city.engine)() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == str(ledger))
        ).all()
    assert {"ledger_open", "ledger_action_add", "ledger_follow_up", "ledger_status"} <= set(actions)


def test_opening_and_editing_say_what_is_wrong(city: City) -> None:
    person = city.new_graduate()
    assert city.send("POST", "/api/ledgers", {"person_id": person}).status_code == 201
    assert city.send("POST", "/api/ledgers", {"person_id": person}).status_code == 409
    other = city.new_graduate(COUNTY_B)
    assert city.send("POST", "/api/ledgers", {"person_id": other}).status_code == 404
    not_graduate = city.new_graduate(is_graduate=False, employment_status="seeking")
    answer = city.send("POST", "/api/ledgers", {"person_id": not_graduate})
    assert answer.status_code == 409 and answer.json()["code"] == "not_a_graduate"
    for body in ({"person_id": str(person)}, {"person_id": 2**31}, {"person_id": 1, "x": 1},
                 {"person_id": 1, "graduation_year": 2025.5}, {"person_id": True}):  # fmt: skip
        assert city.send("POST", "/api/ledgers", body).status_code == 422, body
    ledger = city.open()["id"]
    edited = city.send("PATCH", f"/api/ledgers/{ledger}", {"major": "软件工程", "degree": "硕士"})
    assert edited.status_code == 200 and (edited.json()["major"], edited.json()["degree"]) == (
        "软件工程",
        "master",
    )
    for change in ({"status": "employed"}, {"school": ""}, {"school": " \u3000"},
                   {"needs": "a\x00b"}, {"degree": "研究生"}):  # fmt: skip
        answer = city.send("PATCH", f"/api/ledgers/{ledger}", change)
        assert answer.status_code == 422, change
    answer = city.send("PATCH", f"/api/ledgers/{ledger}", {"case_worker_id": 999999})
    assert answer.status_code == 409 and answer.json()["code"] == "not_a_case_worker"
    for plan in (
        {"service": "job_referral", "target_date": "2026-11-02T00:00:00"},
        {"service": "job_referral", "target_date": 0},
        {"service": "job_referral", "target_date": "2026-02-30"},
        {"service": "算命", "target_date": "2026-12-01"},
    ):
        answer = city.send("POST", f"/api/ledgers/{ledger}/actions", plan)
        assert answer.status_code == 422, (plan, answer.text)
    later = {"service": "job_referral", "target_date": "2099-01-01"}  # beyond the plan's horizon
    answer = city.send("POST", f"/api/ledgers/{ledger}/actions", later)
    assert answer.status_code == 409 and answer.json()["code"] == "date_out_of_range"


def test_worklist_is_the_countys_unemployed_out_of_contact_longest_first(city: City) -> None:
    answer = city.get("/api/ledgers/worklist", "worker_a", days=30, page_size=100)
    assert answer.status_code == 200
    page = answer.json()
    assert page["days"] == 30 and page["total"] == len(page["items"])
    assert {item["county"] for item in page["items"]} <= {COUNTY_A}
    limit = date.today() - timedelta(days=30)
    keys = []
    for item in page["items"]:
        last = item["last_contacted_on"]
        assert last is None or date.fromisoformat(last) <= limit
        keys.append((last is not None, last or ""))
    assert keys == sorted(keys)
    statuses = {
        item["id"]: item["status"]
        for item in city.get("/api/ledgers", "worker_a", page_size=100).json()["items"]
    }
    assert {statuses[item["ledger_id"]] for item in page["items"]} <= {"unemployed"}
    assert city.get("/api/ledgers/worklist", days=0).status_code == 422
    assert city.get("/api/ledgers/worklist", days=3651).status_code == 422


def test_summaries_as_json_and_excel(city: City) -> None:
    summary = city.get("/api/ledgers/summary", "worker_a")
    assert summary.status_code == 200
    body = summary.json()
    assert body["county"] is None and body["total"] == sum(s["count"] for s in body["by_status"])
    assert [s["status_zh"] for s in body["by_status"]][:2] == ["在校", "离校未就业"]
    excel = city.get("/api/ledgers/summary.xlsx", "worker_a", county="东昌府区")
    assert excel.status_code == 200
    assert excel.headers["content-type"] == XLSX_MEDIA_TYPE
    assert "attachment" in excel.headers["content-disposition"]
    book = load_workbook(BytesIO(excel.content))
    assert book.sheetnames == ["汇总", "按状态", "按服务项目", "按毕业年份", "台账清单"]
    listing = list(book["台账清单"].iter_rows(values_only=True))
    assert listing[0][:3] == ("台账编号", "姓名", "县（市、区）")
    assert {row[2] for row in listing[1:]} == {"东昌府区"}
    city_wide = city.get("/api/ledgers/summary", "admin").json()
    assert city_wide["total"] >= api_city.test_city().frames["graduate_ledgers"].height


def test_one_ledger_downloads_as_excel_without_full_numbers(city: City) -> None:
    ledger = int(city_ledgers(COUNTY_A)["id"][0])
    person = int(city_ledgers(COUNTY_A)["person_id"][0])
    answer = city.get(f"/api/ledgers/{ledger}/export.xlsx", "worker_a")
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX_MEDIA_TYPE
    book = load_workbook(BytesIO(answer.content))
    assert book.sheetnames == ["基本信息", "服务计划", "跟踪记录", "状态变更"]
    assert next(book["跟踪记录"].iter_rows(values_only=True))[:3] == ("序号", "联系日期", "联系人")
    row = persons_of(COUNTY_A).filter(pl.col("id") == person).row(0, named=True)
    text_of_book = " ".join(
        str(value) for sheet in book for line in sheet.iter_rows(values_only=True) for value in line
    )
    assert row["id_number"] not in text_of_book and row["certificate_number"] not in text_of_book
    assert row["name"] in text_of_book
    with make_sessionmaker(city.engine)() as session:
        exports = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "export", AuditEntry.entity_id == str(ledger)
            )
        ).all()
    assert [e.actor for e in exports] == ["worker_a"]
