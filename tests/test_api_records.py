"""The records API over the served test city, on SQLite and PostgreSQL: scope, roles, masking,
paging, writes validated like imports, and uploads.

One city per database serves the whole module (tests only add records with fresh keys, so the
order of the tests does not matter); counts are compared with what an admin sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from matching.codes import ASSESSMENT_DIMENSIONS
from matching.imports import SPECS
from matching.occupations import occupation
from matching.storage import AuditEntry, make_engine
from matching.validators import make_certificate, make_resident_id, make_uscc
from tests.api_city import COUNTY_A, COUNTY_B, headers, persons_of, served_city
from tests.api_city import test_city as built_city
from tests.conftest import database_of_kind
from tests.import_files import PERSON_HEADERS, person_row, write_csv

PERSONS = SPECS["persons"]
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
MASKED_CERTIFICATE = re.compile(r"^\d{6}\*{8}\d{3}[\dX]\*\*$")


@dataclass
class City:
    client: TestClient
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            self.tokens[username] = headers(self.client, username)
        return self.tokens[username]

    def get(self, username: str, url: str, **params: Any) -> Any:
        return self.client.get(url, params=params, headers=self.auth(username))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    folder = tmp_path_factory.mktemp("records")
    with database_of_kind(request.param, folder) as url:
        engine = make_engine(url)
        with served_city(engine, folder) as client:
            yield City(client)
        engine.dispose()


_CITY_IDS = frozenset(built_city().frames["persons"]["id_number"].to_list())


def new_person(index: int, county: str = "东昌府区", **changes: Any) -> dict[str, Any]:
    """A valid persons body whose resident ID is not in the test city."""
    sequence = 500 + index
    resident_id = make_resident_id(COUNTY_A, date(1966, 5, 17), sequence)
    assert resident_id not in _CITY_IDS
    body: dict[str, Any] = {
        "id_number": resident_id,
        "name": f"接口{index}",
        "certificate_number": make_certificate(resident_id, 4, 2),
        "county": county,
        "hukou": "农村",
        "education": "高中",
        "employment_status": "求职中",
        "registered_on": "2024-03-01",
        "phone": "13800000000",
    }
    return body | changes


def person_in(county: str, *, graduate: bool | None = None) -> int:
    """A person of the test city in ``county`` who has exactly one assessment."""
    assessed = built_city().frames["assessments"].group_by("person_id").len()
    once = assessed.filter(pl.col("len") == 1)["person_id"].implode()
    persons = persons_of(county).filter(pl.col("id").is_in(once))
    if graduate is not None:
        persons = persons.filter(pl.col("is_graduate") == graduate)
    return int(persons["id"][0])


def audit(city: City, action: str) -> list[AuditEntry]:
    with city.client.app.state.sessions() as session:  # type: ignore[attr-defined]
        query = select(AuditEntry).where(AuditEntry.action == action)
        return list(session.scalars(query))


# --- reading: scope, masking, paging ---------------------------------------------------------


def test_a_counselor_lists_exactly_their_county_with_masked_numbers(city: City) -> None:
    answer = city.get("county_a", "/api/persons", page_size=100)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    admin_total = city.get("admin", "/api/persons", county=COUNTY_A).json()["total"]
    assert body["total"] == admin_total >= len(persons_of(COUNTY_A))
    assert (body["page"], body["page_size"], len(body["items"])) == (1, 100, 100)
    assert {item["county"] for item in body["items"]} == {COUNTY_A}
    for item in body["items"]:
        assert MASKED_ID.match(item["id_number"]), item["id_number"]
        assert MASKED_CERTIFICATE.match(item["certificate_number"]), item["certificate_number"]
        assert "birth_date" not in item
    assert not any(number in answer.text for number in _CITY_IDS)
    other = city.get("county_a", "/api/persons", county=COUNTY_B).json()
    assert (other["total"], other["items"]) == (0, [])


def test_filters_and_pages(city: City) -> None:
    frame = persons_of(COUNTY_A)
    wanted = frame.filter((pl.col("disability_category") == "4") & ~pl.col("is_graduate")).height
    found = city.get(
        "county_a", "/api/persons", disability_category="4", is_graduate="false", page_size=100
    ).json()
    assert found["total"] >= wanted > 0
    assert all(item["disability_category"] == "4" for item in found["items"])
    name = str(frame["name"][0])
    named = city.get("county_a", "/api/persons", name=name[1:]).json()
    assert name in {item["name"] for item in named["items"]}
    assert city.get("county_a", "/api/persons", name="%").json()["total"] == 0
    total = city.get("county_a", "/api/persons").json()["total"]
    last = city.get("county_a", "/api/persons", page=3, page_size=100).json()
    assert (last["total"], len(last["items"])) == (total, max(0, min(100, total - 200)))
    beyond = city.get("county_a", "/api/persons", page=999, page_size=100).json()
    assert (beyond["total"], beyond["items"]) == (total, [])
    for bad in ({"page_size": 101}, {"page_size": 0}, {"page": 0}, {"county": "北京"}):
        assert city.get("county_a", "/api/persons", **bad).status_code == 422, bad


def test_another_county_is_answered_like_a_missing_record(city: City) -> None:
    theirs = person_in(COUNTY_A)
    assessments = built_city().frames["assessments"]
    assessment = int(assessments.filter(pl.col("person_id") == theirs)["id"][0])
    new_assessment = dict.fromkeys(ASSESSMENT_DIMENSIONS.codes, 2) | {
        "assessed_on": "2025-01-02",
        "sustainable_hours": 4,
    }
    b = city.auth("county_b")
    client = city.client
    hidden = [
        client.get(f"/api/persons/{theirs}", headers=b),
        client.patch(f"/api/persons/{theirs}", json={"name": "改名"}, headers=b),
        client.get(f"/api/persons/{theirs}/assessments", headers=b),
        client.post(f"/api/persons/{theirs}/assessments", json=new_assessment, headers=b),
        client.get(f"/api/assessments/{assessment}", headers=b),
        client.patch(f"/api/assessments/{assessment}", json={"notes": "b"}, headers=b),
    ]
    missing = client.get("/api/persons/2000000", headers=b)
    assert missing.status_code == 404
    for answer in hidden:
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"] == missing.json()["error"] == "NotFoundError"
        assert "管辖范围" in answer.json()["message_zh"]
        assert str(built_city().frames["persons"]["id_number"][theirs - 1]) not in answer.text
    assert city.get("county_a", f"/api/persons/{theirs}").json()["name"] != "改名"
    listed = city.get("county_a", f"/api/persons/{theirs}/assessments").json()
    assert all(item["notes"] != "b" for item in listed["items"])
    assert listed["total"] == 1


def test_roles_and_tokens(city: City) -> None:
    person = person_in(COUNTY_A)
    for username in ("analyst", "organiser"):
        for url in ("/api/persons", f"/api/persons/{person}", f"/api/persons/{person}/assessments"):
            assert city.get(username, url).status_code == 403, (username, url)
        for url in ("/api/employers", "/api/vacancies", "/api/courses"):
            assert city.get(username, url).status_code == 200, (username, url)
    assert city.client.get("/api/persons").status_code == 401
    forbidden = city.client.post("/api/persons", json=new_person(90), headers=city.auth("worker_a"))
    assert forbidden.status_code == 403
    assert "仅限" in forbidden.json()["message_zh"]


def test_a_case_worker_sees_the_graduates_of_their_county(city: City) -> None:
    seen = city.get("worker_a", "/api/persons", page_size=100).json()
    assert seen["total"] == persons_of(COUNTY_A).filter(pl.col("is_graduate")).height > 0
    assert all(item["is_graduate"] for item in seen["items"])
    assert (
        city.get("worker_a", f"/api/persons/{person_in(COUNTY_A, graduate=False)}").status_code
        == 404
    )
    assert (
        city.get("worker_a", f"/api/persons/{person_in(COUNTY_A, graduate=True)}").status_code
        == 200
    )


def test_a_wrong_method_lists_every_method_of_the_path(city: City) -> None:
    answer = city.client.put("/api/persons", headers=city.auth("admin"))
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"
    one = city.client.delete("/api/vacancies/1", headers=city.auth("admin"))
    assert one.headers["allow"] == "GET, PATCH"


# --- writing persons and assessments ----------------------------------------------------------


def test_create_read_update_a_person(city: City) -> None:
    a = city.auth("county_a")
    body = new_person(1)
    created = city.client.post("/api/persons", json=body, headers=a)
    assert created.status_code == 201, created.text
    person = created.json()
    assert body["id_number"] not in created.text and body["certificate_number"] not in created.text
    assert MASKED_ID.match(person["id_number"])
    assert (person["county"], person["disability_category"], person["disability_level"]) == (
        COUNTY_A, "4", "2",
    )  # fmt: skip
    today = date.today()
    age = today.year - 1966 - int((today.month, today.day) < (5, 17))
    assert (person["sex"], person["age"]) == ("M", age)  # sequence 501 is odd: male
    assert city.get("county_a", f"/api/persons/{person['id']}").json() == person
    again = city.client.post("/api/persons", json=body, headers=a)
    assert again.status_code == 409
    assert "已有相同身份证号" in again.json()["message_zh"]
    new_level = make_certificate(body["id_number"], 4, 3)
    changed = city.client.patch(
        f"/api/persons/{person['id']}",
        json={"certificate_number": new_level, "employment_status": "已就业"},
        headers=a,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["disability_level"], changed.json()["employment_status"]) == (
        "3", "employed",
    )  # fmt: skip
    entries = [
        entry
        for entry in audit(city, "record_create") + audit(city, "record_update")
        if entry.entity == "persons" and entry.entity_id == str(person["id"])
    ]
    assert [entry.action for entry in entries] == ["record_create", "record_update"]
    assert entries[1].detail["fields"] == [
        "certificate_number",
        "disability_level",
        "employment_status",
    ]
    assert all(body["id_number"] not in str(entry.detail) for entry in entries)


def test_a_counselor_cannot_place_a_person_in_another_county(city: City) -> None:
    a = city.auth("county_a")
    elsewhere = city.client.post("/api/persons", json=new_person(2, county="临清市"), headers=a)
    assert elsewhere.status_code == 403
    assert elsewhere.json()["error"] == "ForbiddenError"
    assert (
        "东昌府区" in elsewhere.json()["message_zh"] and "临清市" in elsewhere.json()["message_zh"]
    )
    mine = person_in(COUNTY_A)
    moved = city.client.patch(f"/api/persons/{mine}", json={"county": "临清市"}, headers=a)
    assert moved.status_code == 403
    assert city.get("county_a", f"/api/persons/{mine}").json()["county"] == COUNTY_A
    by_admin = city.client.post(
        "/api/persons", json=new_person(3, county="临清市"), headers=city.auth("admin")
    )
    assert by_admin.status_code == 201 and by_admin.json()["county"] == COUNTY_B


def test_assessments_of_a_person(city: City) -> None:
    a = city.auth("county_a")
    person = city.client.post("/api/persons", json=new_person(4), headers=a).json()
    body = dict.fromkeys(ASSESSMENT_DIMENSIONS.codes, 3) | {
        "assessed_on": "2024/3/15",
        "sustainable_hours": 6,
        "lifting": "严重受限",
        "accommodations_needed": ["手语翻译", "无障碍通道"],
    }
    url = f"/api/persons/{person['id']}/assessments"
    created = city.client.post(url, json=body, headers=a)
    assert created.status_code == 201, created.text
    assessment = created.json()
    assert (assessment["assessed_on"], assessment["lifting"], assessment["sustainable_hours"]) == (
        "2024-03-15", 1, 6.0,
    )  # fmt: skip
    assert assessment["accommodations_needed"] == ["step_free", "sign_interpreter"]
    twice = city.client.post(url, json=body, headers=a)
    assert twice.status_code == 409
    wrong = city.client.patch(f"/api/assessments/{assessment['id']}", json={"vision": 5}, headers=a)
    assert (wrong.status_code, wrong.json()["field"], wrong.json()["code"]) == (
        422, "vision", "number_out_of_range",
    )  # fmt: skip
    listed = city.get("county_a", url).json()
    assert [item["id"] for item in listed["items"]] == [assessment["id"]]
    with_person = city.client.post(url, json=body | {"id_number": "x"}, headers=a)
    assert with_person.status_code == 422


# --- one set of rules: the API rejects what an import rejects, in the same words --------------

BAD_PERSON_VALUES = [
    ("id_number", "371502199001011235", "371502199001011235"),
    ("name", "张" * 51, "张" * 51),
    ("name", "\u202e\u200b\ufeff", "\u202e\u200b\ufeff"),  # invisible_text
    ("name", "\u202e三张", "\u202e三张"),  # bidi_control
    ("certificate_number", "371502199001010020" + "81", "371502199001010020" + "81"),
    ("county", "北京市", "北京市"),
    ("registered_on", "2024-02-30", "2024-02-30"),
    ("phone", "12345", "12345"),
    ("expected_pay_min", 100001, "100001"),
    ("preferred_hours_per_day", 0.25, "0.25"),
    ("education", "博士后", "博士后"),
]


@pytest.mark.parametrize(("key", "api_value", "cell"), BAD_PERSON_VALUES)
def test_the_api_rejects_what_an_import_rejects_in_the_same_words(
    city: City, tmp_path: Path, key: str, api_value: object, cell: str
) -> None:
    admin = city.auth("admin")
    answer = city.client.post("/api/persons", json=new_person(10) | {key: api_value}, headers=admin)
    assert answer.status_code == 422, answer.text
    api = answer.json()
    assert api["field"] == key
    column = PERSONS.field(key).zh
    row = person_row(7) | {"每日可工作小时": "", column: cell}
    path = write_csv(tmp_path / "persons.csv", [*PERSON_HEADERS, "每日可工作小时"], [row])
    with path.open("rb") as handle:
        uploaded = city.client.post(
            "/api/imports/persons", files={"file": ("persons.csv", handle)}, headers=admin
        )
    assert uploaded.status_code == 200, uploaded.text
    rejects = uploaded.json()["rejects"]
    assert (api["code"], api["message_zh"]) in {(r["code"], r["message_zh"]) for r in rejects}


def test_unstorable_and_oversized_input_answers_422_not_500(city: City) -> None:
    a = city.auth("county_a")
    client = city.client
    nul = client.post("/api/persons", json=new_person(11, name="张\x00三"), headers=a)
    assert (nul.status_code, nul.json()["code"]) == (422, "bad_character")
    huge = client.post("/api/persons", json=new_person(11, expected_pay_min=10**30), headers=a)
    assert (huge.status_code, huge.json()["code"]) == (422, "number_out_of_range")
    number = int(new_person(11)["id_number"][:17] + "0")
    typed = client.post("/api/persons", json=new_person(11, id_number=number), headers=a)
    assert (typed.status_code, typed.json()["code"]) == (422, "not_text")
    assert str(number) not in typed.text
    quoted = client.post("/api/persons", json=new_person(11, county=str(number)), headers=a)
    assert (quoted.status_code, quoted.json()["field"]) == (422, "county")
    assert str(number) not in quoted.text and "********" in quoted.json()["message_zh"]
    assert client.get("/api/persons/99999999999", headers=a).status_code == 422
    assert client.get("/api/persons", params={"name": "a\x00"}, headers=a).status_code == 422
    assert client.get("/api/persons", params={"page": 10**12}, headers=a).status_code == 422
    unknown = client.post("/api/persons", json=new_person(11, hobby="x"), headers=a)
    assert unknown.status_code == 422


# --- uploads --------------------------------------------------------------------------------


def test_a_counselor_uploads_only_their_county(city: City, tmp_path: Path) -> None:
    mine = person_row(101) | {"所属县区": "东昌府区"}
    theirs = person_row(102) | {"所属县区": "临清市"}
    broken = person_row(103) | {"所属县区": "东昌府区", "联系电话": "12"}
    path = write_csv(tmp_path / "persons.csv", PERSON_HEADERS, [mine, theirs, broken])
    with path.open("rb") as handle:
        answer = city.client.post(
            "/api/imports/persons",
            files={"file": ("人员 2024.csv", handle, "text/csv")},
            headers=city.auth("county_a"),
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {k: body[k] for k in ("total", "accepted", "rejected", "inserted")} == {
        "total": 3, "accepted": 1, "rejected": 2, "inserted": 1,
    }  # fmt: skip
    assert [(r["row"], r["code"]) for r in body["rejects"]] == [
        (3, "out_of_county"), (4, "bad_phone"),
    ]  # fmt: skip
    assert body["rejects"][0]["column"] == "所属县区"
    assert all(row["身份证号"] not in answer.text for row in (mine, theirs, broken))
    stored = city.get("admin", "/api/persons", name=theirs["姓名"]).json()
    assert stored["total"] == 0
    imports = [entry for entry in audit(city, "import") if entry.actor == "county_a"]
    assert imports and imports[-1].detail["file"] == "人员_2024.csv"


def test_unreadable_uploads_are_refused_and_audited(city: City) -> None:
    a = city.auth("county_a")
    answer = city.client.post(
        "/api/imports/vacancies", files={"file": ("list.txt", b"hello")}, headers=a
    )
    assert answer.status_code == 422
    assert "只能导入" in answer.json()["message_zh"]
    assert any(entry.entity == "vacancies" for entry in audit(city, "import_refused"))
    utf16 = "\ufeff身份证号\x00".encode("utf-16-le")
    broken = city.client.post("/api/imports/persons", files={"file": ("p.csv", utf16)}, headers=a)
    assert broken.status_code == 422
    courses = city.client.post(
        "/api/imports/courses", files={"file": ("c.csv", b"a,b\n1,2\n")}, headers=a
    )
    assert courses.status_code == 403
    assert (
        city.client.post(
            "/api/imports/ledgers", files={"file": ("c.csv", b"a")}, headers=a
        ).status_code
        == 422
    )


# --- employers, vacancies, courses ----------------------------------------------------------


def employer_body(index: int, county: str = "东昌府区") -> dict[str, Any]:
    return {
        "credit_code": make_uscc(f"91371502MA9T{index:05d}"),
        "name": f"聊城接口测试{index}有限公司",
        "kind": "民营企业",
        "county": county,
        "staff_count": 120,
        "accommodations": ["无障碍通道"],
    }


def vacancy_body(code: str, credit_code: str, **changes: Any) -> dict[str, Any]:
    body = {
        "code": code,
        "credit_code": credit_code,
        "occupation_code": "4-04-05-03",
        "title": "话务客服",
        "county": "东昌府区",
        "work_mode": "全日制坐班",
        "hours_per_day": 8,
        "pay_min": 3000,
        "pay_max": 4500,
        "openings": 2,
        "opened_on": "2026-10-01",
    }
    return body | changes


def test_employers_and_vacancies_of_a_counselors_county(city: City) -> None:
    a = city.auth("county_a")
    client = city.client
    employer = client.post("/api/employers", json=employer_body(1), headers=a)
    assert employer.status_code == 201, employer.text
    code = employer.json()["credit_code"]
    elsewhere = client.post("/api/employers", json=employer_body(2, "临清市"), headers=a)
    assert elsewhere.status_code == 403
    b_employer = int(built_city().frames["employers"].filter(pl.col("county") == COUNTY_B)["id"][0])
    assert (
        client.patch(f"/api/employers/{b_employer}", json={"staff_count": 1}, headers=a).status_code
        == 403
    )
    vacancy = client.post("/api/vacancies", json=vacancy_body("API-V-1", code), headers=a)
    assert vacancy.status_code == 201, vacancy.text
    posted = vacancy.json()
    profile = occupation("4-04-05-03").demand
    assert {key: posted[f"demand_{key}"] for key in profile} == profile
    assert (posted["employer_name"], posted["status"]) == (employer.json()["name"], "open")
    other_profile = occupation("4-10-04-02").demand
    changed = client.patch(
        f"/api/vacancies/{posted['id']}",
        json={"occupation_code": "4-10-04-02", "demand_vision": 4},
        headers=a,
    ).json()
    assert changed["demand_vision"] == 4
    assert changed["demand_lifting"] == other_profile["lifting"]
    bad_pay = client.patch(f"/api/vacancies/{posted['id']}", json={"pay_min": 5000}, headers=a)
    assert (bad_pay.status_code, bad_pay.json()["code"]) == (422, "pay_range")
    unknown = client.post(
        "/api/vacancies", json=vacancy_body("API-V-2", make_uscc("91371502MA9T99999")), headers=a
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "employer_not_found")
    moved = client.patch(f"/api/vacancies/{posted['id']}", json={"county": "临清市"}, headers=a)
    assert moved.status_code == 403
    found = city.get("analyst", "/api/vacancies", employer_id=posted["employer_id"]).json()
    assert [item["code"] for item in found["items"]] == ["API-V-1"]
    group = city.get("analyst", "/api/vacancies", occupation="4-10", page_size=100).json()
    assert all(item["occupation_code"].startswith("4-10-") for item in group["items"])


def test_courses_are_written_by_admins(city: City) -> None:
    body = {
        "code": "API-C-1",
        "base_code": "API-BASE-1",
        "base_name": "接口测试培训基地",
        "base_county": "东昌府区",
        "title": "盲人保健按摩",
        "duration_days": 30,
        "capacity": 20,
        "fee_subsidy": 1500.5,
    }
    refused = city.client.post("/api/courses", json=body, headers=city.auth("county_a"))
    assert refused.status_code == 403
    created = city.client.post("/api/courses", json=body, headers=city.auth("admin"))
    assert created.status_code == 201, created.text
    course = created.json()
    assert (course["base_code"], course["base_county"], course["fee_subsidy"]) == (
        "API-BASE-1", COUNTY_A, 1500.5,
    )  # fmt: skip
    listed = city.get("county_b", "/api/courses", base_code="API-BASE-1").json()
    assert [item["id"] for item in listed["items"]] == [course["id"]]
    renamed = city.client.patch(
        f"/api/courses/{course['id']}",
        json={"title": "保健按摩（初级）"},
        headers=city.auth("admin"),
    )
    assert renamed.status_code == 200 and renamed.json()["title"] == "保健按摩（初级）"


def test_stored_records_validate_unchanged_so_a_patch_touches_only_its_fields(city: City) -> None:
    """Re-validating a stored record of the city (as a PATCH does) changes nothing: an empty
    PATCH of synthetic records answers 200 and writes no audit entry."""
    admin = city.auth("admin")
    before = len(audit(city, "record_update"))
    for url in (
        f"/api/persons/{person_in(COUNTY_B)}",
        "/api/employers/3",
        "/api/vacancies/5",
        "/api/courses/2",
        f"/api/assessments/{int(built_city().frames['assessments']['id'][4])}",
    ):
        answer = city.client.patch(url, json={}, headers=admin)
        assert answer.status_code == 200, (url, answer.text)
        assert answer.json() == city.client.get(url, headers=admin).json()
    assert len(audit(city, "record_update")) == before
