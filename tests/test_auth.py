"""Accounts, tokens, the login routes, role checks and the ``jobmatch user`` commands."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pydantic
import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from matching.access import Caller
from matching.accounts import authenticate, create_user, hash_password, verify_password
from matching.errors import AuthError, ConflictError, ValidationError
from matching.settings import Settings
from matching.storage import AuditEntry, User, make_engine, make_sessionmaker, upgrade_database
from serving.api.security import caller_from_token, issue_token, require_roles
from serving.app import create_app
from serving.cli import app as cli
from serving.cli.users import DEMO_USERS

PASSWORD = "correct-horse-1"
KEY = "k" * 40


def add(session: Session, username: str, role: str, county: str | None = None) -> User:
    return create_user(
        session,
        username=username,
        display_name="",
        role=role,
        county=county,
        password=PASSWORD,
        actor="test",
    )


def test_hash_round_trip_and_wrong_password() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "x")
    assert not verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize(
    ("changes", "field", "allowed_zh"),
    [
        ({"username": "ab"}, "username", "3至50个字符"),
        ({"username": "张三三"}, "username", "英文字母"),
        ({"role": "boss"}, "role", "就业辅导员"),
        ({"county": None}, "county", "东昌府区"),
        ({"county": "北京"}, "county", "临清市"),
        ({"password": "short"}, "password", "10"),
        ({"role": "case_worker", "county": ""}, "county", "东昌府区"),
    ],
)
def test_create_user_names_what_is_allowed(
    sessions: sessionmaker[Session], changes: dict[str, str | None], field: str, allowed_zh: str
) -> None:
    values: dict[str, str | None] = {
        "username": "li.counselor",
        "role": "counselor",
        "county": "371502",
        "password": PASSWORD,
    }
    values |= changes
    with sessions() as session, pytest.raises(ValidationError) as caught:
        create_user(
            session,
            username=str(values["username"]),
            display_name="李辅导员",
            role=str(values["role"]),
            county=values["county"],
            password=str(values["password"]),
            actor="test",
        )
    assert caught.value.field == field
    assert allowed_zh in caught.value.message_zh


def test_create_user_parses_codes_audits_and_refuses_duplicates(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        user = add(session, "lisi", "辅导员", "东昌府")
        city = add(session, "ana", "analyst")
    assert (user.role, user.county, user.display_name) == ("counselor", "371502", "lisi")
    assert city.county is None
    with sessions() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == "lisi")).one()
        assert (audit.actor, audit.action, audit.entity) == ("test", "user_add", "user")
        with pytest.raises(ConflictError, match="already taken"):
            add(session, "lisi", "admin")
        found = authenticate(session, "lisi", PASSWORD)
        assert found is not None and found.id == user.id
        assert authenticate(session, "lisi", "wrong-password") is None
        assert authenticate(session, "nobody", PASSWORD) is None
    with sessions.begin() as session:
        session.get_one(User, user.id).active = False
    with sessions() as session:
        assert authenticate(session, "lisi", PASSWORD) is None


def test_county_scope() -> None:
    counselor = Caller(1, "lisi", "counselor", "371502")
    analyst = Caller(2, "ana", "analyst", None)
    stray = Caller(3, "odd", "case_worker", None)
    assert counselor.sees_county("371502") and not counselor.sees_county("371581")
    assert analyst.sees_county("371581") and not analyst.is_admin
    assert not stray.sees_county("371502") and not stray.sees_county(None)


def _user(county: str | None = "371502") -> User:
    return User(id=7, username="lisi", role="counselor", county=county)


def test_token_round_trip_and_refusals() -> None:
    settings = Settings(secret_key=KEY)
    token = issue_token(_user(), settings)
    assert caller_from_token(token, settings) == Caller(7, "lisi", "counselor", "371502")
    old = issue_token(_user(), settings, now=datetime.now(UTC) - timedelta(days=1))
    with pytest.raises(AuthError, match="expired"):
        caller_from_token(old, settings)
    head, _body, signature = token.split(".")
    tampered = jwt.encode({"sub": "lisi", "uid": 7, "role": "admin"}, "x" * 40).split(".")[1]
    for bad in (f"{head}.{tampered}.{signature}", "garbage", token[:-2]):
        with pytest.raises(AuthError, match="invalid token"):
            caller_from_token(bad, settings)
    with pytest.raises(AuthError):
        caller_from_token(token, Settings(secret_key="z" * 40))


def test_secret_key_rules(tmp_path: Path) -> None:
    with pytest.raises(pydantic.ValidationError, match="at least 32 characters"):
        Settings(secret_key="too-short")
    settings = Settings(data_dir=tmp_path / "data", secret_key="")
    first = settings.signing_key()
    path = tmp_path / "data" / "secret_key"
    assert len(first) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "data", secret_key="").signing_key() == first
    assert Settings(data_dir=tmp_path / "data", secret_key=KEY).signing_key() == KEY


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, secret_key="")
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    with make_sessionmaker(engine).begin() as session:
        add(session, "lisi", "counselor", "371502")
        add(session, "ana", "analyst")
    engine.dispose()
    app = create_app(settings)

    @app.get("/api/test/admins", dependencies=[Depends(require_roles("admin"))])
    def admins_only() -> dict[str, bool]:
        return {"ok": True}

    with TestClient(app) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_login_and_me(client: TestClient) -> None:
    answer = client.post("/api/auth/token", data={"username": "lisi", "password": PASSWORD})
    body = answer.json()
    assert (body["token_type"], body["role"], body["county"]) == ("bearer", "counselor", "371502")
    assert body["expires_in"] == 30 * 60
    me = client.get("/api/auth/me", headers=login(client, "lisi")).json()
    assert (me["username"], me["county_zh"], me["role_zh"]) == ("lisi", "东昌府区", "就业辅导员")
    wrong = client.post("/api/auth/token", data={"username": "lisi", "password": "nope-nope-1"})
    assert wrong.status_code == 401 and wrong.json()["message_zh"] == "用户名或密码错误"
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_routes_deny_without_a_valid_token(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer garbage"}):
        answer = client.get("/api/auth/me", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["message_zh"]
        assert answer.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/health").status_code == 200


def test_require_roles(client: TestClient) -> None:
    refused = client.get("/api/test/admins", headers=login(client, "ana"))
    assert refused.status_code == 403
    assert "系统管理员" in refused.json()["message_zh"]
    assert client.get("/api/test/admins").status_code == 401


def test_a_deactivated_user_is_refused_at_once(client: TestClient) -> None:
    headers = login(client, "lisi")
    sessions: sessionmaker[Session] = client.app.state.sessions  # type: ignore[attr-defined]
    with sessions.begin() as session:
        session.scalars(select(User).where(User.username == "lisi")).one().active = False
    assert client.get("/api/auth/me", headers=headers).status_code == 401


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JOBMATCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOBMATCH_SECRET_KEY", raising=False)
    return tmp_path


def _sessions(data_dir: Path) -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(f"sqlite:///{data_dir / 'jobmatch.db'}"))


def test_cli_user_add(data_dir: Path) -> None:
    runner = CliRunner()
    argv = ["user", "add", "wang", "--role", "counselor", "--county", "临清", "--password-stdin"]
    added = runner.invoke(cli, argv, input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "已创建用户 wang（就业辅导员，临清市）" in added.output
    with _sessions(data_dir)() as session:
        assert authenticate(session, "wang", PASSWORD) is not None
    again = runner.invoke(cli, argv, input=PASSWORD + "\n")
    assert again.exit_code == 1 and "已存在" in again.output
    no_county = runner.invoke(
        cli,
        ["user", "add", "zhao", "--role", "counselor", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert no_county.exit_code == 1 and "必须指定所属县" in no_county.output


def test_cli_user_demo_is_idempotent(data_dir: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["user", "demo"])
    assert first.exit_code == 0, first.output
    path = data_dir / "demo_users.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = [line.split("\t") for line in path.read_text().splitlines()[1:]]
    assert [line[0] for line in lines] == [demo.username for demo in DEMO_USERS]
    assert all(password in first.output for _, password, *_ in lines)
    assert "页面：用浏览器打开 http://127.0.0.1:8000/" in first.output
    with _sessions(data_dir)() as session:
        for username, password, *_ in lines:
            assert authenticate(session, username, password) is not None
        roles = set(session.scalars(select(User.role)))
    assert roles == {"admin", "counselor", "fair_organizer", "analyst", "case_worker"}
    second = runner.invoke(cli, ["user", "demo"])
    assert second.exit_code == 0, second.output
    assert "已存在" in second.output
    assert all(password not in second.output for _, password, *_ in lines)
    assert len(path.read_text().splitlines()) == len(DEMO_USERS) + 1
