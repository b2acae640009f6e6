"""Sessions: short tokens renewed by refresh up to the maximum age, and revocation (logout,
password change, deactivation) through ``users.token_version``, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from matching.accounts import authenticate, create_user, revoke_tokens, set_active, set_password
from matching.errors import AuthError, NotFoundError
from matching.settings import Settings
from matching.storage import AuditEntry, User, make_engine, make_sessionmaker
from serving.api.tokens import decode_token, issue_token
from serving.app import create_app
from serving.cli import app as cli

PASSWORD = "a-long-test-password"
SETTINGS = Settings(secret_key="s" * 40)


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    with make_sessionmaker(engine).begin() as session:
        create_user(
            session, username="li.counselor", display_name="", role="counselor",
            county="371502", password=PASSWORD, actor="test",
        )  # fmt: skip
    url = engine.url.render_as_string(hide_password=False)
    settings = SETTINGS.model_copy(
        update={"data_dir": tmp_path, "database_url": url, "load_models": False}
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def login(client: TestClient, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": "li.counselor", "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def user(engine: Engine) -> User:
    with make_sessionmaker(engine)() as session:
        return session.scalars(select(User).where(User.username == "li.counselor")).one()


def test_logout_revokes_every_token_of_the_user(client: TestClient, engine: Engine) -> None:
    laptop, phone = login(client), login(client)
    assert client.get("/api/auth/me", headers=laptop).status_code == 200
    assert client.post("/api/auth/logout", headers=laptop).status_code == 204
    for headers in (laptop, phone):
        refused = client.get("/api/auth/me", headers=headers)
        assert refused.status_code == 401
        assert refused.json()["message_zh"] == "登录已失效（已退出登录或密码已更改），请重新登录"
        assert client.post("/api/auth/refresh", headers=headers).status_code == 401
    assert client.post("/api/auth/logout").status_code == 401
    assert client.get("/api/auth/me", headers=login(client)).status_code == 200
    with make_sessionmaker(engine)() as session:
        audited = session.execute(
            select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.id)
        ).all()
    # the first revoked token of the minute has a row, the next three are only counted
    assert [tuple(row) for row in audited[-3:]] == [
        ("user_logout", "li.counselor"),
        ("auth_failed", "li.counselor"),
        ("auth_failed", "anonymous"),
    ]


def test_refresh_renews_until_the_maximum_session_age(client: TestClient, engine: Engine) -> None:
    now = datetime.now(UTC)
    fresh = client.post("/api/auth/refresh", headers=login(client))
    assert fresh.status_code == 200 and fresh.json()["expires_in"] == 30 * 60
    late = issue_token(user(engine), SETTINGS, now=now, auth_time=now - timedelta(minutes=470))
    renewed = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {late}"})
    body = renewed.json()
    assert renewed.status_code == 200 and 9 * 60 <= body["expires_in"] <= 10 * 60
    claims = decode_token(body["access_token"], SETTINGS)
    assert claims.auth_time == decode_token(late, SETTINGS).auth_time  # the login time stays
    with pytest.raises(AuthError, match="older than 480 minutes"):
        issue_token(user(engine), SETTINGS, auth_time=now - timedelta(minutes=481))


def test_password_change_and_deactivation_revoke(client: TestClient, engine: Engine) -> None:
    sessions = make_sessionmaker(engine)
    before = login(client)
    with sessions.begin() as session:
        set_password(session, "li.counselor", "another-password-2", actor="admin")
    assert client.get("/api/auth/me", headers=before).status_code == 401
    with sessions() as session:
        assert authenticate(session, "li.counselor", PASSWORD) is None
    current = login(client, "another-password-2")
    with sessions.begin() as session:
        set_active(session, "li.counselor", False, actor="admin")
    with sessions.begin() as session:
        set_active(session, "li.counselor", True, actor="admin")
    assert client.get("/api/auth/me", headers=current).status_code == 401  # not revived
    with sessions.begin() as session:
        revoke_tokens(session, "li.counselor", actor="admin")
        with pytest.raises(NotFoundError, match="nobody"):
            revoke_tokens(session, "nobody", actor="admin")
    assert user(engine).token_version == 4


def test_a_token_without_a_version_is_refused(client: TestClient, engine: Engine) -> None:
    row = user(engine)
    old_style = jwt.encode(
        {"sub": row.username, "uid": row.id, "role": row.role, "county": row.county,
         "iat": datetime.now(UTC), "exp": datetime.now(UTC) + timedelta(hours=8)},
        "s" * 40, algorithm="HS256",
    )  # fmt: skip
    answer = client.get("/api/auth/me", headers={"Authorization": f"Bearer {old_style}"})
    assert answer.status_code == 401


def test_cli_password_logout_and_deactivate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JOBMATCH_DATABASE_URL", raising=False)
    runner = CliRunner()
    added = runner.invoke(
        cli, ["user", "add", "wang", "--role", "analyst", "--password-stdin"], input=PASSWORD
    )
    assert added.exit_code == 0, added.output
    changed = runner.invoke(
        cli, ["user", "password", "wang", "--password-stdin"], input="new-password-123\n"
    )
    assert changed.exit_code == 0 and "现有登录已全部失效" in changed.output
    assert runner.invoke(cli, ["user", "logout", "wang"]).exit_code == 0
    assert runner.invoke(cli, ["user", "deactivate", "wang"]).exit_code == 0
    short = runner.invoke(cli, ["user", "password", "wang", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "密码长度" in short.output
    missing = runner.invoke(cli, ["user", "logout", "nobody"])
    assert missing.exit_code == 1 and "不存在" in missing.output
    engine = make_engine(f"sqlite:///{tmp_path / 'jobmatch.db'}")
    with make_sessionmaker(engine)() as session:
        wang = session.scalars(select(User).where(User.username == "wang")).one()
        assert (wang.active, wang.token_version) == (False, 3)
        runner.invoke(cli, ["user", "activate", "wang"])
        session.expire_all()
        assert authenticate(session, "wang", "new-password-123") is not None
    engine.dispose()
