"""Refused requests are audited: failed logins, bad or missing tokens (401), roles refused (403).

The rows name the path and the username when known, never the token or the password, and an
audit log that cannot be written leaves the answer as it was (401, not 500).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from matching.accounts import create_user
from matching.settings import Settings
from matching.storage import AuditEntry, User, make_sessionmaker
from serving.api.audit_limit import OVERFLOW_ADDRESS, RefusalKey, RefusalLimiter
from serving.api.security import issue_token
from serving.app import create_app

PASSWORD = "a-long-test-password"
SECRET = "s" * 40


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    with make_sessionmaker(engine).begin() as session:
        for username, role, county in (
            ("ana.analyst", "analyst", None),
            ("li.counselor", "counselor", "371502"),
        ):
            create_user(
                session, username=username, display_name="", role=role, county=county,
                password=PASSWORD, actor="test",
            )  # fmt: skip
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(data_dir=tmp_path, database_url=url, load_models=False, secret_key=SECRET)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def rows(engine: Engine) -> list[AuditEntry]:
    with make_sessionmaker(engine)() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action != "user_add").order_by(AuditEntry.id)
            )
        )


def token_for(engine: Engine, username: str, *, now: datetime | None = None) -> str:
    with make_sessionmaker(engine)() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
    return issue_token(user, Settings(secret_key=SECRET), now=now)


def test_token_failures_are_audited_with_path_and_known_username(
    client: TestClient, engine: Engine
) -> None:
    expired = token_for(engine, "li.counselor", now=datetime.now(UTC) - timedelta(days=30))
    forged = issue_token(
        User(id=1, username="li.counselor", role="admin"), Settings(secret_key="x" * 40)
    )
    assert client.get("/api/auth/me").status_code == 401
    for token in (expired, forged, "not-a-token"):
        answer = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401
    audited = rows(engine)
    assert [(row.action, row.actor, row.detail["kind"]) for row in audited] == [
        ("auth_failed", "anonymous", "no_token"),
        # expired, but correctly signed: we know who it was
        ("auth_failed", "li.counselor", "expired_token"),
        ("auth_failed", "anonymous", "invalid_token"),  # a forged token names nobody
        # "not-a-token" is another invalid token from the same address this minute: counted only
    ]
    assert {(row.detail["path"], row.detail["status"]) for row in audited} == {
        ("/api/auth/me", 401)
    }
    assert {row.detail["client"] for row in audited} == {"testclient"}
    assert "expired" in audited[1].detail["reason"]
    text = " ".join(str(row.detail) for row in audited)
    assert expired not in text and forged not in text and "not-a-token" not in text


def test_a_deactivated_users_token_is_audited(client: TestClient, engine: Engine) -> None:
    token = token_for(engine, "li.counselor")
    with make_sessionmaker(engine).begin() as session:
        session.execute(update(User).where(User.username == "li.counselor").values(active=False))
    answer = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert [(row.action, row.actor) for row in rows(engine)] == [("auth_failed", "li.counselor")]


def test_failed_logins_are_audited_without_the_password(client: TestClient, engine: Engine) -> None:
    wrong = "wrong-password-9876"
    for username in ("li.counselor", "x\x00" + "y" * 300, "nobody", "li.counselor"):
        answer = client.post("/api/auth/token", data={"username": username, "password": wrong})
        assert answer.status_code == 401
    audited = rows(engine)
    # A real username: one row per attempt (the login throttle bounds them). Invented ones: the
    # first from this address this minute, the rest counted for a summary row.
    assert [(row.action, row.actor) for row in audited] == [
        ("login_failed", "li.counselor"),
        ("login_failed", "anonymous"),
        ("login_failed", "li.counselor"),
    ]
    reason = audited[1].detail["reason"]
    assert audited[1].detail["kind"] == "unknown_user" and "yyyy" in reason
    assert "\x00" not in reason and len(reason) < 100
    assert all(wrong not in str(row.detail) for row in audited)
    good = client.post("/api/auth/token", data={"username": "li.counselor", "password": PASSWORD})
    assert good.status_code == 200 and len(rows(engine)) == 3


def test_a_refused_role_is_audited_and_an_allowed_call_is_not(
    client: TestClient, engine: Engine
) -> None:
    analyst = {"Authorization": f"Bearer {token_for(engine, 'ana.analyst')}"}
    refused = client.post("/api/persons/1/reveal", json={"reason": "核对身份信息"}, headers=analyst)
    assert refused.status_code == 403
    assert client.get("/api/auth/me", headers=analyst).status_code == 200
    [row] = rows(engine)
    assert (row.action, row.actor, row.detail["status"]) == ("forbidden", "ana.analyst", 403)
    assert row.detail["path"] == "/api/persons/1/reveal" and row.detail["method"] == "POST"
    assert "analyst" in row.detail["reason"]


def test_an_audit_log_that_cannot_be_written_leaves_the_401(
    client: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    broken: sessionmaker[Session] = sessionmaker(create_engine(f"sqlite:///{blocker}/audit.db"))
    client.app.state.sessions = broken  # type: ignore[attr-defined]
    with caplog.at_level(logging.WARNING, logger="serving.api.auth_audit"):
        answer = client.get("/api/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401 and answer.json()["error"] == "AuthError"
    assert "could not audit auth_failed" in caplog.text and "not-a-token" not in caplog.text


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_an_anonymous_flood_adds_a_bounded_number_of_rows(
    client: TestClient, engine: Engine
) -> None:
    clock = Clock()
    client.app.state.refusal_limiter = RefusalLimiter(clock=clock)  # type: ignore[attr-defined]
    for number in range(500):
        headers = {"Authorization": f"Bearer junk{number}"} if number % 2 else {}
        assert client.get("/api/persons/1", headers=headers).status_code == 401
    audited = rows(engine)
    assert sorted(row.detail["kind"] for row in audited) == ["invalid_token", "no_token"]
    clock.now += 61  # the next minute's first refusal writes the summaries of the last one
    assert client.get("/api/auth/me").status_code == 401
    summaries = {row.detail["kind"]: row.detail for row in rows(engine) if "summary" in row.detail}
    assert {kind: detail["count"] for kind, detail in summaries.items()} == {
        "no_token": 249,
        "invalid_token": 249,
    }
    assert summaries["no_token"]["client"] == "testclient"
    assert summaries["no_token"]["since"] == "2023-11-14T22:13:20+00:00"
    assert len(rows(engine)) == 5


def test_many_addresses_share_one_overflow_key() -> None:
    clock = Clock()
    limiter = RefusalLimiter(keys_per_window=10, clock=clock)
    written = [
        limiter.admit(RefusalKey("auth_failed", f"10.0.{n // 200}.{n % 200}", "no_token", None))[0]
        for n in range(1000)
    ]
    kept = [key for key in written if key is not None]
    assert len(kept) == 11 and kept[-1].address == OVERFLOW_ADDRESS
    clock.now += 60
    _, due = limiter.admit(RefusalKey("auth_failed", "10.9.9.9", "no_token", None))
    assert [(summary.key.address, summary.count) for summary in due] == [(OVERFLOW_ADDRESS, 989)]
    assert limiter.flush() == []
