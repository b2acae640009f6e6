"""The pages' session and security: login with CSRF, cookie flags, security headers, exact-number
search, county scope, logout, idle timeout and error pages (no browser: ``TestClient``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matching.storage import User, make_engine, make_sessionmaker
from serving.api.tokens import issue_token
from serving.pages.headers import CONTENT_SECURITY_POLICY
from serving.pages.session import SESSION_COOKIE, safe_next
from tests.api_city import COUNTY_A, COUNTY_B, PASSWORD, persons_of, served_city


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    with served_city(engine, tmp_path) as running:
        yield running


def login_csrf(client: TestClient) -> str:
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def log_in(client: TestClient, username: str = "county_a") -> None:
    form = {"username": username, "password": PASSWORD, "csrf_token": login_csrf(client)}
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def page_csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


def test_a_page_without_a_session_sends_to_login_and_back(client: TestClient) -> None:
    answer = client.get("/persons", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/persons"
    form = {"username": "county_a", "password": PASSWORD, "csrf_token": login_csrf(client),
            "next": "/persons"}  # fmt: skip
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.headers["location"] == "/persons"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_login_refuses_a_form_without_its_csrf_token(client: TestClient) -> None:
    client.get("/login")
    form = {"username": "county_a", "password": PASSWORD, "csrf_token": "forged"}
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_a_wrong_password_is_said_next_to_the_field(client: TestClient) -> None:
    form = {"username": "county_a", "password": "wrong", "csrf_token": login_csrf(client)}
    answer = client.post("/login", data=form)
    assert answer.status_code == 401
    assert 'id="f-password-error"' in answer.text and "用户名或密码错误" in answer.text
    assert 'role="alert"' in answer.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", "x"])
def test_after_login_only_paths_of_this_site(target: str) -> None:
    assert safe_next(target) == "/"
    assert safe_next("/persons/3") == "/persons/3"


def test_pages_carry_the_security_headers_and_the_api_does_not_change(client: TestClient) -> None:
    log_in(client)
    page = client.get("/")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in (
        CONTENT_SECURITY_POLICY
    )
    api = client.get("/api/health")
    assert "content-security-policy" not in api.headers


def test_search_by_whole_number_is_exact_and_partial_numbers_list_nobody(
    client: TestClient,
) -> None:
    log_in(client)
    person = persons_of(COUNTY_A).row(0, named=True)
    csrf = page_csrf(client)
    found = client.post("/persons", data={"q": person["id_number"], "csrf_token": csrf})
    assert found.status_code == 200
    assert "共1人" in found.text and f'href="/persons/{person["id"]}"' in found.text
    assert person["id_number"] not in found.text  # masked
    partial = client.post("/persons", data={"q": person["id_number"][:10], "csrf_token": csrf})
    assert partial.status_code == 422
    assert "完整的18位身份证号" in partial.text and "<table" not in partial.text
    other = persons_of(COUNTY_B).row(0, named=True)
    elsewhere = client.post("/persons", data={"q": other["id_number"], "csrf_token": csrf})
    assert "共0人" in elsewhere.text
    in_url = client.get("/persons", params={"q": person["id_number"]})  # never in a URL
    assert in_url.status_code == 422 and "<table" not in in_url.text
    by_name = client.post("/persons", data={"q": person["name"], "csrf_token": csrf},
                          follow_redirects=False)  # fmt: skip
    assert by_name.status_code == 303 and by_name.headers["location"].startswith("/persons?q=")


def test_another_countys_person_is_not_found(client: TestClient) -> None:
    log_in(client)
    other = persons_of(COUNTY_B).row(0, named=True)
    answer = client.get(f"/persons/{other['id']}")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert other["name"] not in answer.text


def test_logout_needs_the_csrf_token_and_ends_the_session(client: TestClient) -> None:
    log_in(client)
    refused = client.post("/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200
    old_cookie = client.cookies.get(SESSION_COOKIE)
    answer = client.post("/logout", data={"csrf_token": page_csrf(client)}, follow_redirects=False)
    assert answer.headers["location"] == "/login?out=1"
    client.cookies.set(SESSION_COOKIE, old_cookie or "")
    assert client.get("/", follow_redirects=False).status_code == 303  # revoked, not only deleted


def test_an_idle_session_expires(client: TestClient, engine: Engine) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    url = settings.resolved_database_url
    users = make_engine(url)
    with make_sessionmaker(users)() as session:
        user = session.query(User).filter_by(username="county_a").one()
        idle = datetime.now(UTC) - timedelta(minutes=settings.token_minutes + 1)
        token = issue_token(user, settings, now=idle)
    users.dispose()
    client.cookies.set(SESSION_COOKIE, token)
    answer = client.get("/persons", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/persons&expired=1"


def test_a_page_error_is_a_page_and_an_api_error_stays_json(client: TestClient) -> None:
    log_in(client)
    page = client.get("/persons/not-a-number")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "<h1>输入有误</h1>" in page.text
    api = client.get("/api/persons/not-a-number")
    assert api.status_code in (401, 422) and api.headers["content-type"] == "application/json"
