"""The ledger pages: the 离校不断线 worklist, a ledger, its three forms, opening a ledger and the
Excel export, with the API's rules (no browser: ``TestClient``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from matching.storage import Person, make_sessionmaker
from matching.storage.ledgers import GraduateLedger
from tests.api_city import COUNTY_A, COUNTY_B
from tests.referral_city import KINDS, City, city_of_kind
from tests.test_pages_session import log_in, page_csrf


@pytest.fixture(
    scope="module", params=[KINDS[0], pytest.param(KINDS[1], marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    with city_of_kind(request.param, tmp_path_factory.mktemp("ledger-pages")) as served:
        yield served


def ledger_ids(city: City, county: str, status: str | None = None) -> list[int]:
    query = select(GraduateLedger.id).where(GraduateLedger.county == county)
    if status is not None:
        query = query.where(GraduateLedger.status == status)
    with make_sessionmaker(city.engine)() as session:
        return list(session.scalars(query.order_by(GraduateLedger.id)))


def test_the_worklist_lists_graduates_not_contacted_with_links(city: City) -> None:
    log_in(city.client, "worker_a")
    page = city.client.get("/ledgers")
    assert page.status_code == 200
    assert "<caption>待联系：共" in page.text and "离校不断线" in page.text
    api = city.client.get("/api/ledgers/worklist", params={"page_size": 20},
                          headers=bearer(city, "worker_a")).json()  # fmt: skip
    assert f"共{api['total']}人" in page.text
    for item in api["items"]:
        assert f'href="/ledgers/{item["ledger_id"]}"' in page.text
    assert 'href="/ledgers" aria-current="page">离校不断线' in page.text  # the menu item


def bearer(city: City, username: str) -> dict[str, str]:
    from tests.api_city import headers

    return headers(city.client, username)


def test_a_follow_up_a_plan_and_a_status_move_through_the_forms(city: City) -> None:
    client = city.client
    log_in(client, "worker_a")
    ledger_id = ledger_ids(city, COUNTY_A, "unemployed")[0]
    page = client.get(f"/ledgers/{ledger_id}")
    assert page.status_code == 200 and "一人一策台账" in page.text
    csrf = page_csrf(client)
    form = {
        "csrf_token": csrf,
        "fu_contacted_on": date.today().isoformat(),
        "fu_channel": "phone",
        "fu_action": "电话了解求职意向",
        "fu_result": "愿意参加招聘会",
    }
    answer = client.post(f"/ledgers/{ledger_id}/follow-ups", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("saved=follow_up")
    shown = client.get(answer.headers["location"]).text
    assert "跟踪记录已保存" in shown and "电话了解求职意向" in shown

    target = (date.today() + timedelta(days=10)).isoformat()
    form = {"csrf_token": csrf, "plan_service": "job_referral", "plan_target_date": target,
            "plan_note": "推荐到本县企业"}  # fmt: skip
    answer = client.post(f"/ledgers/{ledger_id}/actions", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert "推荐到本县企业" in client.get(f"/ledgers/{ledger_id}").text

    form = {"csrf_token": csrf, "st_status": "employed", "st_changed_on": "", "st_note": "已签约"}
    answer = client.post(f"/ledgers/{ledger_id}/status", data=form, follow_redirects=False)
    assert answer.status_code == 303
    api = client.get(f"/api/ledgers/{ledger_id}", headers=bearer(city, "worker_a")).json()
    assert api["status"] == "employed" and api["status_history"][-1]["note"] == "已签约"
    assert api["follow_ups"][-1]["action"] == "电话了解求职意向"
    assert api["actions"][-1]["note"] == "推荐到本县企业"


def test_the_status_choices_are_the_allowed_moves_and_a_refusal_is_next_to_the_field(
    city: City,
) -> None:
    client = city.client
    log_in(client, "worker_a")
    ledger_id = ledger_ids(city, COUNTY_A, "employed")[-1]
    page = client.get(f"/ledgers/{ledger_id}").text
    choices = re.findall(
        r'<option value="(\w+)"', page.split('id="f-st_status"')[1].split("</select>")[0]
    )
    assert set(choices) == {"unemployed", "further_study", "flexible"}
    form = {"csrf_token": page_csrf(client), "st_status": "public_welfare", "st_changed_on": "",
            "st_note": ""}  # fmt: skip
    answer = client.post(f"/ledgers/{ledger_id}/status", data=form)
    assert answer.status_code == 409
    assert 'id="f-st_status-error"' in answer.text and "公益性岗位是兜底安置" in answer.text
    assert 'role="alert"' in answer.text


def test_a_future_contact_day_and_an_empty_action_are_refused_in_chinese(city: City) -> None:
    client = city.client
    log_in(client, "worker_a")
    ledger_id = ledger_ids(city, COUNTY_A)[0]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    form = {"csrf_token": page_csrf(client), "fu_contacted_on": tomorrow, "fu_channel": "phone",
            "fu_action": "走访", "fu_result": ""}  # fmt: skip
    answer = client.post(f"/ledgers/{ledger_id}/follow-ups", data=form)
    assert answer.status_code in (409, 422)
    assert 'id="f-fu_contacted_on-error"' in answer.text
    assert 'value="走访"' not in answer.text and ">走访</textarea>" in answer.text  # kept
    form |= {"fu_contacted_on": "昨天"}
    answer = client.post(f"/ledgers/{ledger_id}/follow-ups", data=form)
    assert answer.status_code == 422 and "请按“年-月-日”填写日期" in answer.text
    form |= {"fu_contacted_on": date.today().isoformat(), "fu_action": "  "}
    answer = client.post(f"/ledgers/{ledger_id}/follow-ups", data=form)
    assert answer.status_code == 422 and 'id="f-fu_action-error"' in answer.text


def test_forms_without_the_csrf_token_are_refused(city: City) -> None:
    log_in(city.client, "worker_a")
    ledger_id = ledger_ids(city, COUNTY_A)[0]
    form = {"csrf_token": "forged", "fu_contacted_on": date.today().isoformat(),
            "fu_channel": "phone", "fu_action": "伪造", "fu_result": ""}  # fmt: skip
    answer = city.client.post(f"/ledgers/{ledger_id}/follow-ups", data=form)
    assert answer.status_code == 403
    for path in ("actions", "status"):
        assert city.client.post(f"/ledgers/{ledger_id}/{path}", data={}).status_code == 403
    assert city.client.post("/ledgers/new", data={"person_id": "1"}).status_code == 403


def test_another_countys_ledger_is_not_found(city: City) -> None:
    log_in(city.client, "worker_a")
    other = ledger_ids(city, COUNTY_B)[0]
    assert city.client.get(f"/ledgers/{other}").status_code == 404
    assert city.client.get(f"/ledgers/{other}/export.xlsx").status_code == 404
    form = {"csrf_token": page_csrf(city.client), "st_status": "employed", "st_changed_on": "",
            "st_note": ""}  # fmt: skip
    assert city.client.post(f"/ledgers/{other}/status", data=form).status_code == 404


def test_roles_without_ledgers_are_refused(city: City) -> None:
    for username in ("analyst", "organiser"):
        log_in(city.client, username)
        assert city.client.get("/ledgers").status_code == 403
        assert "离校不断线" not in city.client.get("/").text  # no menu item either


def test_the_export_is_the_apis_workbook_and_audited(city: City) -> None:
    log_in(city.client, "worker_a")
    ledger_id = ledger_ids(city, COUNTY_A)[0]
    before = len(city.audit_rows("export"))
    answer = city.client.get(f"/ledgers/{ledger_id}/export.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(answer.content))
    assert workbook.sheetnames
    assert len(city.audit_rows("export")) == before + 1


def test_a_ledger_is_opened_for_a_graduate_who_has_none(city: City) -> None:
    client = city.client
    log_in(client, "worker_a")
    with make_sessionmaker(city.engine).begin() as session:  # every graduate has one: make one
        taken = select(GraduateLedger.person_id)
        person = session.scalars(
            select(Person)
            .where(Person.county == COUNTY_A, Person.id.not_in(taken))
            .order_by(Person.id.desc())
        ).first()
        assert person is not None
        person.is_graduate = True
        person.school, person.major, person.graduation_year = "聊城大学", "会计学", 2025
        person_id, name = person.id, person.name
    found = client.get("/ledgers/new", params={"q": name}).text
    assert f'href="/ledgers/new?person_id={person_id}"' in found
    assert "建立台账" in client.get("/ledgers/new", params={"person_id": person_id}).text
    blank = dict.fromkeys(("degree", "status", "school", "major", "graduation_year", "needs"), "")
    form = {"csrf_token": page_csrf(client), "person_id": str(person_id)} | blank
    answer = client.post("/ledgers/new", data=form)  # the record has no degree: say so
    assert answer.status_code in (409, 422) and 'id="f-degree-error"' in answer.text
    form["degree"] = "bachelor"
    answer = client.post("/ledgers/new", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    opened = client.get(answer.headers["location"]).text
    assert "台账已建立" in opened and name in opened
    again = client.post("/ledgers/new", data=form)  # a second ledger is refused, in Chinese
    assert again.status_code == 409 and "已有一人一策台账" in again.text
