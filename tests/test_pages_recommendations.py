"""The person's recommendation pages (no browser): the lists the API gives, 推荐 with its rank
and model version, the print sheet, the stage form, 为什么没有这个岗位？ (page and API), the
person page's chart and timeline; CSRF, county scope and the 503 page without models."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from serving.app import create_app
from tests import api_city
from tests.api_city import COUNTY_A, COUNTY_B, headers, persons_of, served_city
from tests.api_models import served_settings
from tests.test_pages_session import log_in, page_csrf


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("pages_recs")
    settings = served_settings(folder)
    with TestClient(create_app(settings)) as running:
        log_in(running, "county_a")
        yield running


def person_a() -> int:
    return int(persons_of(COUNTY_A)["id"][0])


def codes() -> dict[int, str]:
    vacancies = api_city.test_city().frames["vacancies"]
    return dict(zip(vacancies["id"].to_list(), vacancies["code"].to_list(), strict=True))


def api_jobs(client: TestClient, person: int, k: int = 10) -> dict[str, object]:
    answer = client.get(
        f"/api/persons/{person}/recommendations/jobs?k={k}", headers=headers(client, "county_a")
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_the_page_shows_what_the_api_returns(client: TestClient) -> None:
    person = person_a()
    body = api_jobs(client, person)
    page = client.get(f"/persons/{person}/recommendations")
    assert page.status_code == 200, page.text
    items = body["items"]
    assert isinstance(items, list) and items
    for rank, item in enumerate(items, start=1):
        assert f'id="job-{item["vacancy_id"]}"' in page.text
        for text in item["reasons"] + item["cautions"] + item["statements"]:
            assert text in page.text
        if item["congestion_note"]:
            assert item["congestion_note"] in page.text
        assert f'name="shown_rank" value="{rank}"' in page.text
    assert f'name="model_version" value="{body["model_version"]}"' in page.text
    skill_courses = body["skill_courses"]
    assert isinstance(skill_courses, list)
    assert ("补足技能的培训" in page.text) == bool(skill_courses)
    for course in skill_courses:
        assert html.escape(course["advice_zh"], quote=False) in page.text


def test_refer_records_rank_and_model_version(client: TestClient) -> None:
    person = int(persons_of(COUNTY_A)["id"][1])
    body = api_jobs(client, person)
    items = body["items"]
    assert isinstance(items, list)
    second = items[1]
    form = {"csrf_token": page_csrf(client), "vacancy_id": str(second["vacancy_id"]),
            "shown_rank": "2", "model_version": str(body["model_version"])}  # fmt: skip
    answer = client.post(f"/persons/{person}/referrals", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    referral_id = int(answer.headers["location"].split("/")[2].split("?")[0])
    stored = client.get(f"/api/referrals/{referral_id}", headers=headers(client, "county_a"))
    assert stored.json()["shown_rank"] == 2
    assert stored.json()["model_version"] == body["model_version"]
    assert stored.json()["vacancy_id"] == second["vacancy_id"]
    shown = client.get(answer.headers["location"])
    assert "已推荐" in shown.text and second["title"] in shown.text
    # the person page's timeline lists it, newest first, with a link to it
    person_page = client.get(f"/persons/{person}")
    assert f'href="/referrals/{referral_id}"' in person_page.text


def test_refer_without_csrf_is_refused(client: TestClient) -> None:
    person = person_a()
    form = {"vacancy_id": "1", "shown_rank": "1", "model_version": "champion:1"}
    answer = client.post(f"/persons/{person}/referrals", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "安全校验" in answer.text
    stage = client.post("/referrals/1/stage", data={"stage": "applied"})
    assert stage.status_code == 403


def test_stage_update_with_a_refusal_reason(client: TestClient) -> None:
    person = int(persons_of(COUNTY_A)["id"][2])
    body = api_jobs(client, person)
    items = body["items"]
    assert isinstance(items, list)
    form = {"csrf_token": page_csrf(client), "vacancy_id": str(items[0]["vacancy_id"]),
            "shown_rank": "1", "model_version": str(body["model_version"])}  # fmt: skip
    location = client.post(
        f"/persons/{person}/referrals", data=form, follow_redirects=False
    ).headers["location"]
    referral_id = int(location.split("/")[2].split("?")[0])
    page = client.get(f"/referrals/{referral_id}")
    assert ("未成功原因" in page.text and "距离太远" in page.text) or "距离" in page.text
    csrf = page_csrf(client)
    # closing without a reason: said next to the field
    missing = client.post(
        f"/referrals/{referral_id}/stage", data={"csrf_token": csrf, "stage": "refused"}
    )
    assert missing.status_code == 422
    assert 'id="f-refusal_reason-error"' in missing.text
    done = client.post(
        f"/referrals/{referral_id}/stage",
        data={"csrf_token": csrf, "stage": "refused", "refusal_reason": "distance"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    stored = client.get(f"/api/referrals/{referral_id}", headers=headers(client, "county_a"))
    assert (stored.json()["stage"], stored.json()["refusal_reason"]) == ("refused", "distance")
    again = client.post(
        f"/referrals/{referral_id}/stage", data={"csrf_token": csrf, "stage": "applied"}
    )
    assert again.status_code == 422 and "已结束" in again.text


def test_print_sheet_has_what_the_person_takes_home(client: TestClient) -> None:
    person = person_a()
    page = client.get(f"/persons/{person}/recommendations/print")
    assert page.status_code == 200
    name = str(persons_of(COUNTY_A)["name"][0])
    for text in (name, "就业推荐单", "用人单位", "工作地点", "月薪", "联系电话", "推荐理由",
                 "county_a", "就业服务机构"):  # fmt: skip
        assert text in page.text
    assert "元/月" in page.text


def test_person_page_chart_table_and_sections(client: TestClient) -> None:
    page = client.get(f"/persons/{person_a()}")
    assert page.status_code == 200
    assessed = "<svg" in page.text
    if assessed:
        assert "style=" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0]
        assert page.text.count('<th scope="row">') >= 13
        assert "岗位平均要求" in page.text and "斜线条" in page.text
    assert "推荐记录" in page.text and "一人一策台账" in page.text
    assert 'action="/persons/' in page.text and 'name="vacancy"' in page.text


def why(client: TestClient, person: int, code: str, user: str = "county_a") -> tuple[int, dict]:  # type: ignore[type-arg]
    answer = client.get(
        f"/api/persons/{person}/recommendations/jobs/why",
        params={"vacancy": code},
        headers=headers(client, user),
    )
    return answer.status_code, answer.json()


def test_why_on_the_list_and_ranked_low(client: TestClient) -> None:
    person = person_a()
    body = api_jobs(client, person, k=50)
    items = body["items"]
    assert isinstance(items, list) and len(items) > 20
    code = codes()
    status, first = why(client, person, code[items[0]["vacancy_id"]])
    assert status == 200 and (first["verdict"], first["rank"]) == ("on_list", 1)
    status, low = why(client, person, code[items[19]["vacancy_id"]].lower())
    assert status == 200 and (low["verdict"], low["rank"]) == ("ranked_low", 20)
    assert low["held_down"] and "前10位" in low["summary_zh"]
    page = client.get(f"/persons/{person}/why", params={"vacancy": code[items[19]["vacancy_id"]]})
    assert page.status_code == 200
    assert "排名靠后" in page.text and low["held_down"][0] in page.text


def test_why_excluded_by_a_rule(client: TestClient) -> None:
    person = person_a()
    vacancies = api_city.test_city().frames["vacancies"]
    far = vacancies.filter((pl.col("status") == "open") & (pl.col("county") != COUNTY_A))
    verdicts = {}
    for vacancy_id in far["id"].to_list()[:40]:
        status, answer = why(client, person, codes()[vacancy_id])
        assert status == 200
        verdicts[answer["verdict"]] = answer
        if answer["verdict"] == "excluded":
            break
    excluded = verdicts["excluded"]
    assert excluded["rules"] and len(excluded["details_zh"]) == len(excluded["rules"])
    assert excluded["rank"] is None
    closed = vacancies.filter(pl.col("status") != "open")["id"][0]
    status, answer = why(client, person, codes()[closed])
    assert (status, answer["verdict"], answer["rules"]) == (200, "not_open", ["not_open"])
    page = client.get(f"/persons/{person}/why", params={"vacancy": excluded["vacancy_code"]})
    assert "被硬性条件排除" in page.text and excluded["details_zh"][0] in page.text


def test_why_unknown_code_and_other_county(client: TestClient) -> None:
    person = person_a()
    status, answer = why(client, person, "V9999999")
    assert status == 404 and "V9999999" in answer["message_zh"]
    page = client.get(f"/persons/{person}/why", params={"vacancy": "V9999999"})
    assert page.status_code == 404 and 'id="f-vacancy-error"' in page.text
    status, _ = why(client, person, "V0000001", user="county_b")
    assert status == 404
    bad = client.get(f"/api/persons/{person}/recommendations/jobs/why",
                     params={"vacancy": "<x>"}, headers=headers(client, "county_a"))  # fmt: skip
    assert bad.status_code == 422


def test_other_county_pages_are_not_found(client: TestClient) -> None:
    other = int(persons_of(COUNTY_B)["id"][0])
    for path in (f"/persons/{other}", f"/persons/{other}/recommendations",
                 f"/persons/{other}/recommendations/print",
                 f"/persons/{other}/why?vacancy=V0000001"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "未找到" in answer.text
    form = {"csrf_token": page_csrf(client), "vacancy_id": "1", "shown_rank": "1"}
    answer = client.post(f"/persons/{other}/referrals", data=form)
    assert answer.status_code == 404


def test_without_models_the_page_says_so_in_chinese(engine: Engine, tmp_path: Path) -> None:
    person = person_a()
    with served_city(engine, tmp_path) as running:  # models not loaded
        api = running.get(
            f"/api/persons/{person}/recommendations/jobs", headers=headers(running, "county_a")
        )
        log_in(running, "county_a")
        page = running.get(f"/persons/{person}/recommendations")
        assert page.status_code == api.status_code == 503
        assert "服务暂不可用" in page.text and "<h1>" in page.text
        assert re.search(r"[\u4e00-\u9fff]", page.text)
        # the person page still opens, and says why the chart has no demand
        assert running.get(f"/persons/{person}").status_code == 200
