"""The fair organiser's pages without a browser (``TestClient``): create a fair with errors
next to the fields, add booths, register by upload with the reject lines, pre-match, the views
per candidate and per booth, the Excel; CSRF and roles refused, another county's fair not found."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from matching.fair_plans import SHEETS
from serving.app import create_app
from tests.api_city import COUNTY_A, COUNTY_B, persons_of
from tests.api_models import served_settings
from tests.test_api_fairs import FAIR_DAY, open_vacancies, seekers
from tests.test_pages_session import log_in, page_csrf


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("fair-pages")
    # jobs on a worker thread of this process: no worker process to start in a unit test
    settings = served_settings(folder).model_copy(update={"dask_local_processes": False})
    with TestClient(create_app(settings)) as running:
        yield running


def new_fair(client: TestClient, county: str = COUNTY_A) -> int:
    log_in(client, "organiser")
    form = {
        "name": "助残就业专场招聘会",
        "held_on": FAIR_DAY.isoformat(),
        "venue": "东昌府区残联服务大厅",
        "county": county,
        "csrf_token": page_csrf(client),
    }
    answer = client.post("/fairs", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/fairs/(\d+)\?created=1", answer.headers["location"])
    assert found
    return int(found.group(1))


def upload(client: TestClient, fair_id: int, text: str) -> str:
    answer = client.post(
        f"/fairs/{fair_id}/candidates/upload",
        data={"csrf_token": page_csrf(client)},
        files={"file": ("名单.csv", text.encode("utf-8"), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.text)


def followed_job(client: TestClient, location: str) -> Any:
    """The job's page once the job has ended: it asks the browser to reload (``Refresh``)
    until then, and never after."""
    assert re.fullmatch(r"/jobs/\d+", location), location
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page = client.get(location)
        assert page.status_code == 200, page.text
        if "正在运行" not in page.text and "排队等待" not in page.text:
            assert "refresh" not in page.headers
            return page
        assert page.headers["refresh"] == "3" and "停止自动刷新" in page.text
        still = client.get(location + "?auto=0")
        assert "refresh" not in still.headers or "任务已完成" in still.text
        time.sleep(0.2)
    raise AssertionError(f"{location} did not end")


def test_a_fair_form_says_each_problem_next_to_its_field(client: TestClient) -> None:
    log_in(client, "organiser")
    assert client.get("/fairs").status_code == 200
    assert 'href="/fairs/new"' in client.get("/fairs").text
    form = {"name": " ", "held_on": "12/05", "venue": "大厅", "county": "",
            "csrf_token": page_csrf(client)}  # fmt: skip
    answer = client.post("/fairs", data=form)
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text
    for name in ("name", "held_on", "county"):
        assert f'id="f-{name}-error"' in answer.text, name
    assert 'id="f-venue-error"' not in answer.text
    assert 'value="大厅"' in answer.text  # what was typed stays


def test_the_whole_fair_on_pages(client: TestClient) -> None:
    fair_id = new_fair(client)
    page = client.get(f"/fairs/{fair_id}?created=1")
    assert "招聘会已创建" in page.text and "还没有参会岗位" in page.text
    csrf = page_csrf(client)
    bad = client.post(f"/fairs/{fair_id}/vacancies", data={"vacancies": "abc", "csrf_token": csrf})
    assert bad.status_code == 422 and "第1行无法识别" in bad.text
    assert 'id="f-vacancies-error"' in bad.text
    missing = client.post(
        f"/fairs/{fair_id}/vacancies", data={"vacancies": "999999", "csrf_token": csrf}
    )
    assert missing.status_code == 422 and "未找到岗位：999999" in missing.text
    vacancies = open_vacancies(COUNTY_A, 4) + open_vacancies(COUNTY_B, 2)
    lines = "\n".join(f"{v} A{i:02d}" for i, v in enumerate(vacancies))
    added = client.post(
        f"/fairs/{fair_id}/vacancies", data={"vacancies": lines, "csrf_token": csrf}
    )
    assert added.status_code == 200 and "已添加6个岗位" in added.text
    assert added.text.count("<td>A0") == 6
    wanted = set(seekers(COUNTY_A, 12) + seekers(COUNTY_B, 8))
    people = persons_of(COUNTY_A).vstack(persons_of(COUNTY_B))
    numbers = [n for i, n in zip(people["id"], people["id_number"], strict=True) if i in wanted]
    text = "身份证号\n" + "\n".join(numbers) + "\n12345\n"
    shown = upload(client, fair_id, text)
    assert "新登记20人" in shown and "未能登记1行" in shown
    assert "第" + str(len(numbers) + 2) + "行" in shown  # the bad row, by its spreadsheet row
    assert all(n not in shown for n in numbers)  # never a full number on a page
    run = client.post(
        f"/fairs/{fair_id}/prematch",
        data={
            "max_booths": "2",
            "slots": "6",
            "slot_minutes": "15",
            "start": "09:30",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert run.status_code == 303
    job_page = followed_job(client, run.headers["location"])
    assert "任务已完成" in job_page.text and "安排了" in job_page.text
    link = re.search(r'<a href="(/fairs/\d+/prematch\?done=1)">查看预匹配结果</a>', job_page.text)
    assert link and link.group(1) == f"/fairs/{fair_id}/prematch?done=1"
    fair_page = client.get(f"/fairs/{fair_id}")
    assert "最近一次预匹配任务：已完成" in fair_page.text
    assert f'href="{run.headers["location"]}"' in fair_page.text
    result = client.get(link.group(1))
    assert result.status_code == 200 and "预匹配已完成" in result.text
    assert "预匹配（本系统）" in result.text and "已安排面试" in result.text
    assert re.search(r"09:[345]\d–", result.text), "interview times per candidate"
    booths = client.get(f"/fairs/{fair_id}/prematch?view=booths")
    assert booths.status_code == 200 and "展位A00" in booths.text and "第1位" in booths.text
    excel = client.get(f"/fairs/{fair_id}/prematch.xlsx")
    assert excel.status_code == 200
    assert excel.headers["content-disposition"].startswith("attachment;")
    assert load_workbook(BytesIO(excel.content)).sheetnames == list(SHEETS)
    api = client.get(f"/api/fairs/{fair_id}/prematch.xlsx")
    assert api.status_code == 401  # the cookie is not the API's bearer token
    # A counselor of county B sees the fair's result with county B's candidates only.
    log_in(client, "county_b")
    assert client.get(f"/fairs/{fair_id}").status_code == 404  # a county A fair
    log_in(client, "county_a")
    assert client.get(run.headers["location"]).status_code == 404  # not theirs to follow
    mine = client.get(f"/fairs/{fair_id}/prematch")
    assert mine.status_code == 200 and "重新预匹配" not in mine.text
    assert "<td>临清市</td>" not in mine.text and "<td>东昌府区</td>" in mine.text


def test_prematch_settings_are_checked_next_to_their_fields(client: TestClient) -> None:
    fair_id = new_fair(client)
    form = {"max_booths": "0", "slots": "x", "slot_minutes": "20", "start": "14:00",
            "csrf_token": page_csrf(client)}  # fmt: skip
    answer = client.post(f"/fairs/{fair_id}/prematch", data=form)
    assert answer.status_code == 422
    for name in ("max_booths", "slots", "start"):
        assert f'id="f-{name}-error"' in answer.text, name
    assert 'id="f-slot_minutes-error"' not in answer.text
    assert client.get(f"/fairs/{fair_id}/prematch").status_code == 404  # nothing was run


def test_an_upload_without_a_file_or_unreadable_is_said_at_the_field(client: TestClient) -> None:
    fair_id = new_fair(client)
    empty = client.post(
        f"/fairs/{fair_id}/candidates/upload",
        data={"csrf_token": page_csrf(client)},
        files={"file": ("", b"", "text/csv")},
    )
    assert empty.status_code == 422 and 'id="f-file-error"' in empty.text
    unreadable = client.post(
        f"/fairs/{fair_id}/candidates/upload",
        data={"csrf_token": page_csrf(client)},
        files={"file": ("名单.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert unreadable.status_code == 422 and 'id="f-file-error"' in unreadable.text


WRITES = ("/fairs", "/fairs/{id}/vacancies", "/fairs/{id}/candidates/upload",
          "/fairs/{id}/prematch")  # fmt: skip


@pytest.mark.parametrize("path", WRITES)
def test_every_fair_form_refuses_a_wrong_csrf_token(client: TestClient, path: str) -> None:
    fair_id = new_fair(client)
    answer = client.post(path.format(id=fair_id), data={"csrf_token": "forged", "name": "x"})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("user", "method", "path"),
    [
        ("county_a", "GET", "/fairs/new"),
        ("county_a", "POST", "/fairs"),
        ("county_a", "POST", "/fairs/{id}/vacancies"),
        ("county_a", "POST", "/fairs/{id}/prematch"),
        ("analyst", "GET", "/fairs/{id}/prematch"),
        ("analyst", "GET", "/fairs/{id}/prematch.xlsx"),
        ("analyst", "POST", "/fairs/{id}/candidates/upload"),
    ],
)
def test_roles_outside_the_apis_tuples_are_refused(
    client: TestClient, user: str, method: str, path: str
) -> None:
    fair_id = new_fair(client)
    log_in(client, user)
    data = {"csrf_token": page_csrf(client)}
    answer = client.request(
        method, path.format(id=fair_id), data=data if method == "POST" else None
    )
    assert answer.status_code == 403, answer.text
    assert "无权" in answer.text


def test_analysts_read_the_fairs_but_see_no_forms(client: TestClient) -> None:
    fair_id = new_fair(client)
    log_in(client, "analyst")
    listed = client.get("/fairs")
    assert listed.status_code == 200 and 'href="/fairs/new"' not in listed.text
    page = client.get(f"/fairs/{fair_id}")
    assert page.status_code == 200 and '<form method="post" action="/fairs/' not in page.text


def test_the_menu_shows_fairs_to_fair_roles_and_models_to_analysts(client: TestClient) -> None:
    log_in(client, "organiser")
    home = client.get("/").text
    assert 'href="/fairs"' in home and 'href="/models"' not in home
    log_in(client, "analyst")
    assert 'href="/models"' in client.get("/").text


def test_a_fair_page_needs_a_login(client: TestClient) -> None:
    client.cookies.clear()
    answer = client.get("/fairs", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/fairs"


def test_a_missing_fair_is_the_404_page(client: TestClient) -> None:
    log_in(client, "organiser")
    answer = client.get("/fairs/999999")
    assert answer.status_code == 404 and "未找到该招聘会" in answer.text
