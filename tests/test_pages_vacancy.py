"""The vacancy page and its 推荐合适人选 (no browser): the list the API gives, 推荐 recording the
referral as a person's list does (rank, model version, source counselor) and counted in the
congestion load after the next read, 已推荐 after it; a vacancy not open, another county's,
finding by 岗位编号, the fair's booth link, and the roles that see no persons."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.runtime.state import ServiceState
from tests.api_city import COUNTY_A, COUNTY_B, headers, test_city
from tests.api_models import served_settings
from tests.test_api_candidates import open_vacancies
from tests.test_pages_session import log_in, page_csrf


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("pages_vacancy")
    with TestClient(create_app(served_settings(folder))) as running:
        log_in(running, "county_a")
        yield running


def api_candidates(client: TestClient, vacancy_id: int, k: int = 20) -> dict[str, Any]:
    answer = client.get(
        f"/api/vacancies/{vacancy_id}/candidates?k={k}", headers=headers(client, "county_a")
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def listed_vacancy(client: TestClient, skip: int = 0) -> int:
    """An open vacancy of county A with at least three candidates."""
    found = [
        v for v in open_vacancies(COUNTY_A)[:12] if len(api_candidates(client, v)["items"]) >= 3
    ]
    return found[skip]


def state_of(client: TestClient) -> ServiceState:
    state: ServiceState = client.app.state.service  # type: ignore[attr-defined]
    return state


def test_the_page_shows_what_the_api_returns(client: TestClient) -> None:
    vacancy_id = listed_vacancy(client)
    body = api_candidates(client, vacancy_id)
    page = client.get(f"/vacancies/{vacancy_id}")
    assert page.status_code == 200, page.text
    assert "推荐合适人选" in page.text and body["title"] in page.text
    assert f"其中{body['eligible']}人符合该岗位的硬性条件" in page.text
    for item in body["items"]:
        block = page.text.split(f'id="person-{item["person_id"]}"')[1].split("</li>\n")[0]
        assert f"第{item['rank']}位" in block and item["id_number_masked"] in block
        for text in item["reasons"] + item["cautions"] + item["statements"]:
            assert html.escape(text, quote=False) in block
        assert f'name="shown_rank" value="{item["rank"]}"' in block
        assert f'name="vacancy_id" value="{vacancy_id}"' in block
        assert f'action="/persons/{item["person_id"]}/referrals"' in block
    assert f'name="model_version" value="{body["model_version"]}"' in page.text


def test_refer_records_the_line_and_counts_in_the_load(client: TestClient) -> None:
    vacancy_id = listed_vacancy(client, skip=1)
    body = api_candidates(client, vacancy_id)
    second = body["items"][1]
    assert not second["referred"]
    before = state_of(client).snapshot.load.count(vacancy_id)  # type: ignore[union-attr]
    form = {"csrf_token": page_csrf(client), "vacancy_id": str(vacancy_id),
            "shown_rank": "2", "model_version": body["model_version"]}  # fmt: skip
    answer = client.post(
        f"/persons/{second['person_id']}/referrals", data=form, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    referral_id = int(answer.headers["location"].split("/")[2].split("?")[0])
    stored = client.get(f"/api/referrals/{referral_id}", headers=headers(client, "county_a"))
    assert stored.json()["source"] == "counselor"
    assert stored.json()["shown_rank"] == 2
    assert stored.json()["model_version"] == body["model_version"]
    assert stored.json()["person_id"] == second["person_id"]
    assert state_of(client).refresh_snapshot(force=True)
    after = state_of(client).snapshot.load.count(vacancy_id)  # type: ignore[union-attr]
    assert after == before + 1
    again = api_candidates(client, vacancy_id)
    marked = [i for i in again["items"] if i["person_id"] == second["person_id"]]
    assert marked and marked[0]["referred"]
    page = client.get(f"/vacancies/{vacancy_id}").text
    block = page.split(f'id="person-{second["person_id"]}"')[1].split("</li>\n")[0]
    assert "已推荐" in block and "refer-form" not in block


def test_a_vacancy_not_open_shows_why_and_no_list(client: TestClient) -> None:
    vacancies = test_city().frames["vacancies"]
    closed = vacancies.filter((pl.col("county") == COUNTY_A) & (pl.col("status") == "closed"))
    page = client.get(f"/vacancies/{int(closed['id'][0])}")
    assert page.status_code == 200
    assert "该岗位已关闭，不再推荐人选" in page.text and "refer-form" not in page.text
    assert "已关闭" in page.text  # the status among the facts


def test_another_countys_vacancy_is_not_found(client: TestClient) -> None:
    theirs = open_vacancies(COUNTY_B)[0]
    page = client.get(f"/vacancies/{theirs}")
    assert page.status_code == 404 and "不在您的服务范围内" in page.text
    assert client.get("/vacancies/10000000").status_code == 404


def test_find_by_code(client: TestClient) -> None:
    vacancies = test_city().frames["vacancies"]
    mine = vacancies.filter(pl.col("id") == open_vacancies(COUNTY_A)[0])
    found = client.get(f"/vacancies?code={mine['code'][0].lower()}", follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == f"/vacancies/{mine['id'][0]}"
    theirs = vacancies.filter(pl.col("id") == open_vacancies(COUNTY_B)[0])["code"][0]
    other = client.get(f"/vacancies?code={theirs}")
    assert other.status_code == 404 and 'id="f-code-error"' in other.text
    assert client.get("/vacancies?code=").status_code == 422
    assert client.get("/vacancies?code=%E5%B2%97").status_code == 422
    assert client.get("/vacancies").status_code == 200
    assert 'href="/vacancies">岗位' in client.get("/").text  # the menu item


def test_the_fair_page_links_its_booths_and_organisers_see_no_persons(client: TestClient) -> None:
    vacancy_id = listed_vacancy(client)
    organiser = headers(client, "organiser")
    fair = client.post(
        "/api/fairs",
        headers=organiser,
        json={
            "name": "岗位页测试招聘会",
            "held_on": "2027-06-01",
            "venue": "聊城市人才市场",
            "county": COUNTY_A,
        },
    )
    assert fair.status_code == 201, fair.text
    fair_id = fair.json()["id"]
    booths = client.post(
        f"/api/fairs/{fair_id}/vacancies",
        headers=organiser,
        json={"vacancies": [{"vacancy_id": vacancy_id, "booth": "A01"}]},
    )
    assert booths.status_code == 200, booths.text
    assert f'href="/vacancies/{vacancy_id}"' in client.get(f"/fairs/{fair_id}").text
    log_in(client, "organiser")
    try:
        page = client.get(f"/vacancies/{vacancy_id}")
        assert page.status_code == 200 and "推荐合适人选" not in page.text
        assert 'href="/vacancies">岗位' not in client.get("/").text
    finally:
        log_in(client, "county_a")
