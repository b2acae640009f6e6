"""The existence oracle across counties is closed (issue 16), on SQLite and PostgreSQL.

A counselor who registers (or imports, or changes a person to) a resident ID stored in another
county gets exactly the answer a fresh ID gets; the pair is queued for the admins, who alone see
it and resolve it (transfer or dismiss, audited). Duplicates within the caller's own county stay
409, and a city-wide lookup that finds the ID in two counties is refused as ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from matching.storage import AuditEntry, make_engine, make_sessionmaker
from matching.validators import make_certificate, make_resident_id
from tests.api_city import COUNTY_A, COUNTY_B, headers, persons_of, served_city
from tests.api_city import test_city as built_city
from tests.conftest import database_of_kind
from tests.import_files import PERSON_HEADERS, write_csv

_serial = count(1)
_taken = count(0)
ROLES_REFUSED = ("county_a", "county_b", "worker_a", "organiser", "analyst")


@dataclass
class City:
    client: TestClient
    engine: Engine
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            self.tokens[username] = headers(self.client, username)
        return self.tokens[username]

    def call(self, username: str, method: str, url: str, **kwargs: Any) -> Any:
        return self.client.request(method, url, headers=self.auth(username), **kwargs)

    def conflicts(self, status: str = "open") -> list[dict[str, Any]]:
        answer = self.call(
            "admin", "GET", "/api/person-conflicts", params={"status": status, "page_size": 100}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]  # type: ignore[no-any-return]

    def audit(self, action: str) -> list[AuditEntry]:
        with make_sessionmaker(self.engine)() as session:
            query = select(AuditEntry).where(AuditEntry.action == action)
            return list(session.scalars(query))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    folder = tmp_path_factory.mktemp("conflicts")
    with database_of_kind(request.param, folder) as url:
        engine = make_engine(url)
        with served_city(engine, folder) as client:
            yield City(client, engine)
        engine.dispose()


def body(county: str, id_number: str | None = None, **changes: Any) -> dict[str, Any]:
    """A persons body of ``county``: a fresh resident ID unless one is given."""
    number = id_number or make_resident_id(COUNTY_A, date(1971, 3, 9), next(_serial))
    return {
        "id_number": number,
        "name": "转来人员",
        "certificate_number": make_certificate(number, 4, 2),
        "county": county,
        "hukou": "农村",
        "education": "高中",
        "employment_status": "求职中",
        "registered_on": "2026-10-01",
        "phone": "13912345678",
    } | changes


def a_person_with_history() -> tuple[int, str]:
    """(id, resident ID) of a county-A person of the test city with assessments and referrals,
    a different one at each call; never a graduate (no ledger)."""
    frames = built_city().frames
    referred = frames["referrals"]["person_id"].unique().implode()
    assessed = frames["assessments"]["person_id"].unique().implode()
    persons = persons_of(COUNTY_A).filter(
        pl.col("id").is_in(referred) & pl.col("id").is_in(assessed) & ~pl.col("is_graduate")
    )
    row = persons.row(next(_taken), named=True)
    return int(row["id"]), str(row["id_number"])


def test_a_counselor_gets_the_answer_a_fresh_id_gets(city: City) -> None:
    a_id, a_number = a_person_with_history()
    before = city.call("county_a", "GET", f"/api/persons/{a_id}").json()
    fresh = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B))
    taken = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B, a_number))
    assert (fresh.status_code, taken.status_code) == (201, 201), taken.text
    assert fresh.json().keys() == taken.json().keys()
    assert fresh.headers.keys() == taken.headers.keys()
    new = taken.json()
    assert (new["county"], new["id"] != a_id) == (COUNTY_B, True)
    assert a_number not in taken.text
    # county A's record is untouched and B's new one is B's alone
    assert city.call("county_a", "GET", f"/api/persons/{a_id}").json() == before
    assert city.call("county_a", "GET", f"/api/persons/{new['id']}").status_code == 404
    # the pair is queued, for the admins only
    queued = [c for c in city.conflicts() if c["new"] and c["new"]["id"] == new["id"]]
    assert len(queued) == 1
    conflict = queued[0]
    assert (conflict["kind"], conflict["detected_by"]) == ("same_id_number", "county_b")
    assert (conflict["existing"]["id"], conflict["existing"]["county"]) == (a_id, COUNTY_A)
    assert conflict["existing"]["counts"]["assessments"] >= 1
    assert a_number not in str(conflict) and conflict["new"]["id_number"].count("*") == 8
    for username in ROLES_REFUSED:
        assert city.call(username, "GET", "/api/person-conflicts").status_code == 403
        refused = city.call(
            username, "POST", f"/api/person-conflicts/{conflict['id']}/resolve",
            json={"action": "dismiss"},
        )  # fmt: skip
        assert refused.status_code == 403
    detected = [
        e for e in city.audit("person_conflict_detected") if e.entity_id == str(conflict["id"])
    ]
    assert [(e.actor, e.detail["via"]) for e in detected] == [("county_b", "api")]
    assert a_number not in str([e.detail for e in city.audit("person_conflict_detected")])


def test_duplicates_the_caller_sees_are_still_409(city: City) -> None:
    a_id, a_number = a_person_with_history()
    own = city.call("county_a", "POST", "/api/persons", json=body(COUNTY_A, a_number))
    assert own.status_code == 409 and "已有相同身份证号" in own.json()["message_zh"]
    by_admin = city.call("admin", "POST", "/api/persons", json=body(COUNTY_B, a_number))
    assert by_admin.status_code == 409
    first = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B, a_number))
    assert first.status_code == 201
    again = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B, a_number))
    assert again.status_code == 409, again.text
    # an admin may still edit either record of the pair
    edited = city.call("admin", "PATCH", f"/api/persons/{a_id}", json={"phone": "13700000000"})
    assert edited.status_code == 200, edited.text


def test_a_change_to_an_id_stored_elsewhere_is_accepted_and_queued(city: City) -> None:
    _, a_number = a_person_with_history()
    created = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B)).json()
    changed = city.call(
        "county_b", "PATCH", f"/api/persons/{created['id']}",
        json={"id_number": a_number, "certificate_number": make_certificate(a_number, 4, 2)},
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert any(c["new"] and c["new"]["id"] == created["id"] for c in city.conflicts())


def test_an_import_row_is_inserted_not_rejected(city: City, tmp_path: Path) -> None:
    _, a_number = a_person_with_history()
    rows = []
    for number in (a_number, body(COUNTY_B)["id_number"]):
        rows.append({
            "身份证号": number, "姓名": "导入人员", "残疾人证号": make_certificate(number, 4, 2),
            "所属县区": "临清市", "户籍性质": "农村", "文化程度": "高中", "就业状态": "求职中",
            "联系电话": "13800000001", "登记日期": "2026-10-01", "是否高校毕业生": "否",
            "毕业院校": "", "所学专业": "", "毕业年份": "", "期望月薪": "",
        })  # fmt: skip
    path = write_csv(tmp_path / "persons.csv", PERSON_HEADERS, rows)
    with path.open("rb") as handle:
        answer = city.call(
            "county_b", "POST", "/api/imports/persons", files={"file": ("p.csv", handle)}
        )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["inserted"], result["rejected"], result["rejects"]) == (2, 0, [])
    queued = [e for e in city.audit("person_conflict_detected") if e.detail["via"] == "import"]
    assert queued and queued[-1].actor == "county_b"
    with path.open("rb") as handle:  # importing it again changes nothing and queues nothing
        again = city.call(
            "county_b", "POST", "/api/imports/persons", files={"file": ("p.csv", handle)}
        ).json()
    assert (again["unchanged"], again["rejected"]) == (2, 0)
    assert len([e for e in city.audit("person_conflict_detected")
                if e.detail["via"] == "import"]) == len(queued)  # fmt: skip


def test_transfer_moves_the_record_with_its_history(city: City) -> None:
    a_id, a_number = a_person_with_history()
    history = city.call("admin", "GET", f"/api/persons/{a_id}/referrals").json()["total"]
    assessed = city.call("admin", "GET", f"/api/persons/{a_id}/assessments").json()["total"]
    new = city.call("county_b", "POST", "/api/persons",
                    json=body(COUNTY_B, a_number, phone="13911112222")).json()  # fmt: skip
    scores = {key: 3 for key in ("vision", "hearing", "speech", "reading_writing",
              "fine_dexterity", "lifting", "standing", "mobility", "learning", "attention",
              "social", "stress", "computer")}  # fmt: skip
    added = city.call(
        "county_b",
        "POST",
        f"/api/persons/{new['id']}/assessments",
        json={"assessed_on": "2026-10-02", "sustainable_hours": 6, **scores},
    )
    assert added.status_code == 201, added.text
    conflict = next(c for c in city.conflicts() if c["new"] and c["new"]["id"] == new["id"])
    assert conflict["new"]["counts"]["assessments"] == 1
    done = city.call(
        "admin",
        "POST",
        f"/api/person-conflicts/{conflict['id']}/resolve",
        json={"action": "transfer", "note": f"本人迁居，原号{a_number}"},
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"id": conflict["id"], "status": "transferred", "kept_person_id": a_id}
    moved = city.call("county_b", "GET", f"/api/persons/{a_id}")
    assert moved.status_code == 200
    assert (moved.json()["county"], moved.json()["phone"]) == (COUNTY_B, "13911112222")
    assert city.call("county_a", "GET", f"/api/persons/{a_id}").status_code == 404
    assert city.call("admin", "GET", f"/api/persons/{new['id']}").status_code == 404
    assert city.call("county_b", "GET", f"/api/persons/{a_id}/assessments").json()["total"] == (
        assessed + 1
    )
    assert city.call("county_b", "GET", f"/api/persons/{a_id}/referrals").json()["total"] == (
        history
    )
    resolved = next(c for c in city.conflicts("transferred") if c["id"] == conflict["id"])
    assert (resolved["resolved_by"], resolved["new"]) == ("admin", None)
    assert a_number not in str(resolved)
    audit = [
        e for e in city.audit("person_conflict_resolved") if e.entity_id == str(conflict["id"])
    ]
    assert len(audit) == 1
    detail = audit[0].detail
    assert (detail["kept_person_id"], detail["removed_person_id"]) == (a_id, new["id"])
    assert (detail["from_county"], detail["to_county"], detail["moved"]["assessments"]) == (
        COUNTY_A, COUNTY_B, 1,
    )  # fmt: skip
    assert a_number not in str(detail)
    twice = city.call("admin", "POST", f"/api/person-conflicts/{conflict['id']}/resolve",
                      json={"action": "transfer"})  # fmt: skip
    assert twice.status_code == 409 and "已处理" in twice.json()["message_zh"]


def test_dismiss_deletes_a_mistaken_registration_without_history(city: City) -> None:
    a_id, a_number = a_person_with_history()
    new = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B, a_number)).json()
    conflict = next(c for c in city.conflicts() if c["new"] and c["new"]["id"] == new["id"])
    done = city.call("admin", "POST", f"/api/person-conflicts/{conflict['id']}/resolve",
                     json={"action": "dismiss"})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    assert city.call("admin", "GET", f"/api/persons/{new['id']}").status_code == 404
    assert city.call("county_a", "GET", f"/api/persons/{a_id}").json()["county"] == COUNTY_A
    # a new registration with history of its own cannot be dismissed
    again = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B, a_number)).json()
    scores = dict.fromkeys(("vision", "hearing", "speech", "reading_writing", "fine_dexterity",
                            "lifting", "standing", "mobility", "learning", "attention",
                            "social", "stress", "computer"), 2)  # fmt: skip
    city.call(
        "county_b",
        "POST",
        f"/api/persons/{again['id']}/assessments",
        json={"assessed_on": "2026-10-03", "sustainable_hours": 4, **scores},
    )
    second = next(c for c in city.conflicts() if c["new"] and c["new"]["id"] == again["id"])
    refused = city.call("admin", "POST", f"/api/person-conflicts/{second['id']}/resolve",
                        json={"action": "dismiss"})  # fmt: skip
    assert refused.status_code == 409 and "转移" in refused.json()["message_zh"]
    assert city.call("admin", "GET", f"/api/persons/{again['id']}").status_code == 200
    assert len([e for e in city.audit("person_conflict_resolved")
                if e.entity_id == str(conflict["id"])]) == 1  # fmt: skip


def test_an_id_in_two_counties_is_ambiguous_for_a_city_wide_import(
    city: City, tmp_path: Path
) -> None:
    _, a_number = a_person_with_history()
    city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B, a_number))
    scores = ",".join("3" for _ in range(13))
    header = (
        "身份证号,评估日期,视力,听力,言语沟通,读写,手部精细动作,举重搬运,站立行走耐力,"
        "移动与上下楼梯,学习记忆,注意力,社交互动,抗压能力,计算机使用,每日可持续工作小时"
    )
    data = f"{header}\n{a_number},2026-10-05,{scores},6\n".encode()
    answer = city.call("admin", "POST", "/api/imports/assessments",
                       files={"file": ("a.csv", data)})  # fmt: skip
    assert answer.status_code == 200, answer.text
    rejects = answer.json()["rejects"]
    assert [r["code"] for r in rejects] == ["ambiguous_id_number"]
    assert "多个县区均有登记" in rejects[0]["message_zh"] and a_number not in answer.text
    by_b = city.call("county_b", "POST", "/api/imports/assessments",
                     files={"file": ("a.csv", data)}).json()  # fmt: skip
    assert (by_b["inserted"], by_b["rejects"]) == (1, [])


def test_a_fair_list_by_id_finds_the_callers_own_record(city: City) -> None:
    """A fair upload by 身份证号 looks within the caller's reach: county B's counselor finds
    their record; the admin, who reaches both, is told the ID is ambiguous."""
    _, a_number = a_person_with_history()
    new = city.call("county_b", "POST", "/api/persons", json=body(COUNTY_B, a_number)).json()
    fair = city.call(
        "admin", "POST", "/api/fairs",
        json={"name": "跨县测试招聘会", "held_on": "2026-12-20", "venue": "临清市人才市场",
              "county": COUNTY_B},
    )  # fmt: skip
    assert fair.status_code == 201, fair.text
    url = f"/api/fairs/{fair.json()['id']}/candidates/upload"
    data = f"身份证号\n{a_number}\n".encode()
    by_admin = city.call("admin", "POST", url, files={"file": ("ids.csv", data)})
    assert by_admin.status_code == 200, by_admin.text
    assert [r["code"] for r in by_admin.json()["rejects"]] == ["ambiguous_id_number"]
    by_b = city.call("county_b", "POST", url, files={"file": ("ids.csv", data)})
    assert (by_b.json()["registered"], by_b.json()["rejects"]) == (1, [])
    listed = city.call("county_b", "GET", f"/api/fairs/{fair.json()['id']}/candidates").json()
    assert [item["person_id"] for item in listed["items"]] == [new["id"]]
