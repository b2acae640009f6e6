"""Recruitment fairs through the API on SQLite and PostgreSQL: a fair of 60 candidates × 15
vacancies of the test city pre-matched with the champion, its limits, the Excel, the venue and
reservation rules, county scope and roles, registration by ids and by file, bad input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

import serving.services.fair_prematch
from features.context import FeatureContext
from matching.eligibility import RESERVED_CHANNELS, WELFARE_CHANNELS
from matching.fair_plans import SHEETS
from matching.fair_plans.excel import CANDIDATE_HEADERS, COMPARISON_HEADERS, EMPLOYER_HEADERS
from matching.validators import make_resident_id
from serving.app import create_app
from serving.runtime.models import ServedModel
from serving.runtime.state import ServiceState
from serving.services.fair_calibration import Calibration, fit_calibration
from tests import api_city
from tests.api_city import COUNTY_A, COUNTY_B, headers
from tests.api_models import served_settings
from tests.conftest import database_of_kind

FAIR_DAY = date(2026, 12, 5)
OTHER_COUNTY = "371521"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
VENUE = ["step_free", "accessible_toilet"]  # no interpreter, no large print, no transport


@dataclass
class Served:
    client: TestClient
    fair_id: int
    candidates: list[int]
    vacancies: list[int]
    prematch: dict[str, Any]
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, user: str) -> dict[str, str]:
        if user not in self._headers:
            self._headers[user] = headers(self.client, user)
        return self._headers[user]

    def new_fair(self, county: str = COUNTY_A, **changes: Any) -> int:
        body = {
            "name": "测试专场招聘会",
            "held_on": FAIR_DAY.isoformat(),
            "venue": "残联服务大厅",
            "county": county,
            "venue_accessibility": VENUE,
        } | changes
        answer = self.client.post("/api/fairs", json=body, headers=self.auth("organiser"))
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])


def persons() -> pl.DataFrame:
    return api_city.test_city().frames["persons"]


def seekers(county: str, n: int) -> list[int]:
    chosen = persons().filter(
        (pl.col("county") == county) & (pl.col("employment_status") == "seeking")
    )
    return [int(i) for i in chosen["id"].head(n)]


def open_vacancies(county: str, n: int) -> list[int]:
    vacancies = (
        api_city.test_city()
        .frames["vacancies"]
        .filter(
            (pl.col("county") == county)
            & (pl.col("status") == "open")
            & (pl.col("deadline").is_null() | (pl.col("deadline") >= FAIR_DAY))
        )
    )
    return [int(i) for i in vacancies["id"].head(n)]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("fairs")
    with database_of_kind(request.param, folder) as url:
        yield from serve_fair(url, folder)


def serve_fair(url: str, folder: Path) -> Iterator[Served]:
    """The test city served at ``url`` with one fair, its booths, candidates and prematch."""
    settings = served_settings(folder, url)
    with TestClient(create_app(settings)) as client:
        city = Served(client, 0, [], [], {})
        city.fair_id = city.new_fair()
        city.vacancies = open_vacancies(COUNTY_A, 8) + open_vacancies(COUNTY_B, 7)
        booths = [{"vacancy_id": v, "booth": f"A{i:02d}"} for i, v in enumerate(city.vacancies)]
        organiser = city.auth("organiser")
        added = client.post(
            f"/api/fairs/{city.fair_id}/vacancies", json={"vacancies": booths}, headers=organiser
        )
        assert added.json() == {"added": 15, "updated": 0}, added.text
        city.candidates = seekers(COUNTY_A, 30) + seekers(COUNTY_B, 20) + seekers(OTHER_COUNTY, 10)
        registered = client.post(
            f"/api/fairs/{city.fair_id}/candidates",
            json={"person_ids": city.candidates},
            headers=organiser,
        )
        assert registered.json()["registered"] == 60, registered.text
        answer = client.post(f"/api/fairs/{city.fair_id}/prematch", json={}, headers=organiser)
        assert answer.status_code == 200, answer.text
        city.prematch = answer.json()
        yield city


def test_the_prematch_keeps_every_limit_and_beats_the_naive_way(served: Served) -> None:
    body = served.prematch
    assert (body["model_version"], body["degraded"]) == ("champion:1", False)
    assert (body["candidates_total"], body["vacancies_total"]) == (60, 15)
    assert {c["person_id"] for c in body["candidates"]} == set(served.candidates)
    for booth in body["vacancies"]:
        assert len(booth["shortlist"]) <= booth["capacity"]
        desks = [(i["slot"], i["interviewer"]) for i in booth["shortlist"]]
        assert len(set(desks)) == len(desks)
        assert all(1 <= i["interviewer"] <= booth["interviewers"] for i in booth["shortlist"])
    scheduled = 0
    for line in body["candidates"]:
        slots = [b["slot"] for b in line["booths"]]
        assert len(slots) == len(set(slots)) <= 3
        scheduled += line["status"] == "scheduled"
        assert CHINESE.search(line["status_zh"])
        for booth in line["booths"]:
            assert 1 <= len(booth["reasons"]) <= 2
            assert all(CHINESE.search(reason) for reason in booth["reasons"])
            assert 0 < booth["probability"] < 1
            assert re.fullmatch(r"\d\d:\d\d", booth["start"])
    assert scheduled >= 20
    optimal, arrival, best = body["ways"]
    assert [w["way"] for w in body["ways"]] == ["pre-matched", "naive/arrival", "naive/best"]
    assert optimal["booths_over_capacity"] == 0
    assert optimal["expected_hires"] >= max(arrival["expected_hires"], best["expected_hires"])
    assert optimal["expected_hires"] >= 0.99 * body["lp_bound"]
    assert body["calibration"]["rows"] > 0 and body["calibration"]["method"].startswith("Platt")


def test_the_stored_prematch_reads_back_page_by_page(served: Served) -> None:
    route = f"/api/fairs/{served.fair_id}/prematch"
    first = served.client.get(route, params={"page_size": 40}, headers=served.auth("organiser"))
    second = served.client.get(
        route, params={"page": 2, "page_size": 40}, headers=served.auth("organiser")
    )
    assert first.status_code == second.status_code == 200, first.text
    lines = first.json()["candidates"] + second.json()["candidates"]
    assert lines == served.prematch["candidates"]
    assert len(first.json()["vacancies"]) == 15 and second.json()["vacancies"] == []


def test_candidates_the_venue_cannot_serve_get_no_booth_and_the_reason(served: Served) -> None:
    frames = api_city.test_city().frames
    latest = frames["assessments"].sort("assessed_on").group_by("person_id").last()
    needs = dict(zip(latest["person_id"], latest["accommodations_needed"].to_list(), strict=True))
    venue_needs = {"sign_interpreter", "large_print_braille", "transport"}  # lacking at VENUE
    expected = {p for p in served.candidates if venue_needs & set(needs.get(p) or [])}
    lines = {c["person_id"]: c for c in served.prematch["candidates"]}
    assert expected  # the test city has such candidates among the 60
    assert {p for p, c in lines.items() if c["status"] == "venue"} == expected
    for person in expected:
        assert lines[person]["booths"] == [] and lines[person]["note"].startswith("会场无")
    assert any("会场无手语翻译" in lines[p]["note"] for p in expected) or any(
        "会场无交通接送" in lines[p]["note"] for p in expected
    )


def test_no_booth_breaks_a_reservation(served: Served) -> None:
    frames = api_city.test_city().frames
    vacancies = frames["vacancies"].filter(pl.col("id").is_in(served.vacancies))
    person = {r["id"]: r for r in frames["persons"].iter_rows(named=True)}
    post = {r["id"]: r for r in vacancies.iter_rows(named=True)}
    for line in served.prematch["candidates"]:
        someone = person[line["person_id"]]
        for booth in line["booths"]:
            job = post[booth["vacancy_id"]]
            if job["reserved_for_disabled"] or job["channel"] in RESERVED_CHANNELS:
                assert someone["certificate_number"]
            if job["channel"] in WELFARE_CHANNELS:
                assert someone["employment_status"] not in {"employed", "studying"}


def test_the_excel_opens_with_chinese_sheets_and_masked_ids(served: Served) -> None:
    answer = served.client.get(
        f"/api/fairs/{served.fair_id}/prematch.xlsx", headers=served.auth("organiser")
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(answer.content))
    assert tuple(book.sheetnames) == SHEETS
    for title, headers_zh in zip(
        SHEETS, (CANDIDATE_HEADERS, EMPLOYER_HEADERS, COMPARISON_HEADERS), strict=True
    ):
        assert tuple(cell.value for cell in book[title][1]) == headers_zh
    cells = " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    numbers = persons().filter(pl.col("id").is_in(served.candidates))["id_number"].to_list()
    assert not [n for n in numbers if n in cells or n in answer.text]
    assert re.search(r"\d{6}\*{8}\d{3}[\dX]", cells)
    assert "预匹配（本系统）" in cells


def test_a_counselor_sees_only_their_county_in_their_county_fair(served: Served) -> None:
    client, fair = served.client, served.fair_id
    own = client.get(f"/api/fairs/{fair}", headers=served.auth("county_a"))
    assert own.status_code == 200 and own.json()["candidates"] == 30
    plan = client.get(f"/api/fairs/{fair}/prematch", headers=served.auth("county_a")).json()
    assert plan["candidates_total"] == 30
    assert {c["county"] for c in plan["candidates"]} == {COUNTY_A}
    shortlisted = {i["county"] for v in plan["vacancies"] for i in v["shortlist"]}
    assert shortlisted <= {COUNTY_A}
    book = load_workbook(
        BytesIO(
            client.get(f"/api/fairs/{fair}/prematch.xlsx", headers=served.auth("county_a")).content
        )
    )
    b_names = persons().filter(
        pl.col("id").is_in(served.candidates) & (pl.col("county") == COUNTY_B)
    )["name"]
    text_of_book = " ".join(
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
    )
    assert not [name for name in b_names if name in text_of_book]
    for route in ("", "/prematch", "/prematch.xlsx", "/candidates"):
        answer = client.get(f"/api/fairs/{fair}{route}", headers=served.auth("county_b"))
        assert answer.status_code == 404, route
    listed = client.get("/api/fairs", params={"page_size": 100}, headers=served.auth("county_b"))
    assert fair not in [f["id"] for f in listed.json()["items"]]
    assert {f["county"] for f in listed.json()["items"]} <= {COUNTY_B}


def test_roles(served: Served) -> None:
    client, fair = served.client, served.fair_id
    for user, method, route, status in (
        ("analyst", "GET", "/prematch", 403),
        ("analyst", "GET", "/prematch.xlsx", 403),
        ("analyst", "GET", "/candidates", 403),
        ("county_a", "POST", "/prematch", 403),
        ("county_a", "POST", "/vacancies", 403),
        ("analyst", "POST", "/candidates", 403),
    ):
        bodies: dict[str, dict[str, Any]] = {
            "/vacancies": {"vacancies": [{"vacancy_id": 1}]},
            "/candidates": {"person_ids": [1]},
        }
        body = bodies.get(route, {})
        answer = client.request(
            method, f"/api/fairs/{fair}{route}", json=body, headers=served.auth(user)
        )
        assert answer.status_code == status, (user, route, answer.text)
    assert client.get(f"/api/fairs/{fair}").status_code == 401
    summary = client.get(f"/api/fairs/{fair}", headers=served.auth("analyst"))
    assert summary.status_code == 200
    assert summary.json()["latest_prematch"]["ways"][0]["way"] == "pre-matched"
    names = persons().filter(pl.col("id").is_in(served.candidates))["name"]
    assert not [name for name in names if name in summary.text]
    created = client.post(
        "/api/fairs",
        json={"name": "x", "held_on": "2026-12-05", "venue": "y", "county": COUNTY_A},
        headers=served.auth("county_a"),
    )
    assert created.status_code == 403


def test_a_counselor_registers_their_county_only(served: Served) -> None:
    fair = served.new_fair()
    mine, theirs = seekers(COUNTY_A, 1)[0], seekers(COUNTY_B, 1)[0]
    answer = served.client.post(
        f"/api/fairs/{fair}/candidates",
        json={"person_ids": [mine, theirs, 2**31 - 1, mine]},
        headers=served.auth("county_a"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["total"], body["registered"], body["rejected"]) == (4, 1, 3)
    assert [(r["row"], r["code"]) for r in body["rejects"]] == [
        (2, "person_not_found"),
        (3, "person_not_found"),
        (4, "duplicate_in_file"),
    ]
    again = served.client.post(
        f"/api/fairs/{fair}/candidates", json={"person_ids": [mine]}, headers=served.auth("admin")
    )
    assert again.json()["already_registered"] == 1
    listed = served.client.get(f"/api/fairs/{fair}/candidates", headers=served.auth("admin"))
    assert [c["person_id"] for c in listed.json()["items"]] == [mine]
    assert "*" in listed.json()["items"][0]["id_number"]


def test_an_uploaded_list_reports_every_row(served: Served) -> None:
    fair = served.new_fair()
    known = persons().filter(pl.col("id").is_in(seekers(COUNTY_B, 2)))
    first, second = known["id_number"].to_list()
    unknown = make_resident_id("371502", date(1990, 1, 1), 999)
    bad_checksum = first[:17] + ("0" if first[17] != "0" else "1")
    csv = "\n".join(["招聘会报名名单", "姓名,身份证号", f"甲,{first}", f"乙,{bad_checksum}",
                     f"丙,{unknown}", f"丁,{first.lower()}", "", f"戊,{second}"])  # fmt: skip
    answer = served.client.post(
        f"/api/fairs/{fair}/candidates/upload",
        files={"file": ("名单.csv", csv.encode("utf-8-sig"), "text/csv")},
        headers=served.auth("organiser"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["total"], body["registered"], body["already_registered"]) == (5, 2, 0)
    assert body["rejected"] == 3 == body["total"] - body["registered"]
    assert [(r["row"], r["code"]) for r in body["rejects"]] == [
        (4, "id_checksum"),
        (5, "person_not_found"),
        (6, "duplicate_in_file"),
    ]
    assert (
        first not in answer.text and unknown not in answer.text and bad_checksum not in answer.text
    )
    book = Workbook()
    for person_id in (*known["id"].to_list(), 0):
        book.active.append([person_id])
    data = BytesIO()
    book.save(data)
    headerless = served.client.post(
        f"/api/fairs/{fair}/candidates/upload",
        files={"file": ("ids.xlsx", data.getvalue(), "application/octet-stream")},
        headers=served.auth("organiser"),
    ).json()
    assert (headerless["already_registered"], headerless["rejected"]) == (2, 1)
    assert headerless["rejects"][0]["code"] == "person_id_format"
    broken = served.client.post(
        f"/api/fairs/{fair}/candidates/upload",
        files={"file": ("x.xlsx", b"PK\x03\x04 not a workbook", "application/octet-stream")},
        headers=served.auth("organiser"),
    )
    assert broken.status_code == 422 and "message_zh" in broken.json()


def test_bad_input_and_state_are_answered_without_a_server_error(served: Served) -> None:
    client, organiser = served.client, served.auth("organiser")
    fair = f"/api/fairs/{served.fair_id}"
    for body in ({"start": "23:00"}, {"slots": 25}, {"max_booths": 0}, {"unknown": 1},
                 {"capacity_rule": {"per_opening": 0}}):  # fmt: skip
        assert client.post(f"{fair}/prematch", json=body, headers=organiser).status_code == 422
    assert client.get(f"/api/fairs/{2**31}", headers=organiser).status_code == 422
    assert client.get("/api/fairs/2147483000", headers=organiser).status_code == 404
    assert client.get(f"{fair}/prematch?page_size=501", headers=organiser).status_code == 422
    closed = api_city.test_city().frames["vacancies"].filter(pl.col("status") != "open")["id"][0]
    refused = client.post(
        f"{fair}/vacancies", json={"vacancies": [{"vacancy_id": int(closed)}]}, headers=organiser
    )
    assert refused.status_code == 409 and CHINESE.search(refused.json()["message_zh"])
    missing = client.post(
        f"{fair}/vacancies", json={"vacancies": [{"vacancy_id": 2**31 - 1}]}, headers=organiser
    )
    assert missing.status_code == 404
    empty = served.new_fair()
    assert client.get(f"/api/fairs/{empty}/prematch", headers=organiser).status_code == 404
    nothing = client.post(f"/api/fairs/{empty}/prematch", headers=organiser)
    assert nothing.status_code == 409 and "message_zh" in nothing.json()
    bad_fair = client.post(
        "/api/fairs",
        json={"name": "  ", "held_on": "2026-12-05", "venue": "y", "county": "999999"},
        headers=organiser,
    )
    assert bad_fair.status_code == 422


def test_a_rerun_with_other_settings_replaces_the_stored_prematch(served: Served) -> None:
    route = f"/api/fairs/{served.fair_id}/prematch"
    body = {"max_booths": 1, "slots": 6, "start": "08:30", "capacity_rule": {"maximum": 10}}
    answer = served.client.post(route, json=body, headers=served.auth("admin"))
    assert answer.status_code == 200, answer.text
    rerun = answer.json()
    assert all(len(c["booths"]) <= 1 for c in rerun["candidates"])
    assert all(v["capacity"] <= 10 for v in rerun["vacancies"])
    assert min(b["start"] for c in rerun["candidates"] for b in c["booths"]) == "08:30"
    stored = served.client.get(route, headers=served.auth("organiser")).json()
    assert stored["parameters"]["max_booths"] == 1 and stored["computed_by"] == "admin"
    restored = served.client.post(route, json={}, headers=served.auth("organiser"))
    assert restored.json()["candidates"] == served.prematch["candidates"]


def test_a_new_champion_and_a_new_snapshot_are_calibrated_anew(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fit is kept with the serving snapshot per model label: a repeat reuses it, a new
    champion gets its own (and the old one's comes back with it), a re-read snapshot starts
    with none."""
    fits: list[str] = []

    def counted(model: ServedModel, context: FeatureContext) -> Calibration:
        fits.append(model.label)
        return fit_calibration(model, context)

    monkeypatch.setattr(serving.services.fair_prematch, "fit_calibration", counted)
    state = served.client.app.state.service  # type: ignore[attr-defined]
    assert isinstance(state, ServiceState) and state.jobs is not None
    route = f"/api/fairs/{served.fair_id}/prematch"

    def prematch() -> str:
        answer = served.client.post(route, json={}, headers=served.auth("organiser"))
        assert answer.status_code == 200, answer.text
        return str(answer.json()["model_version"])

    assert prematch() == "champion:1" and prematch() == "champion:1"
    assert fits == ["champion:1"]
    first = state.jobs.loaded
    monkeypatch.setattr(state.jobs, "_served", replace(first, version="2"))  # a new champion
    assert prematch() == "champion:2" and prematch() == "champion:2"
    assert fits == ["champion:1", "champion:2"]
    monkeypatch.setattr(state.jobs, "_served", first)  # rolled back: its fit is still kept
    assert prematch() == "champion:1" and fits == ["champion:1", "champion:2"]
    before = state.snapshot
    assert state.refresh_snapshot(force=True) and state.snapshot is not before
    assert prematch() == "champion:1"
    assert fits == ["champion:1", "champion:2", "champion:1"]
