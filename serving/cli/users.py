"""``jobmatch user add|password|logout|deactivate|activate|demo``: accounts from the command line.

Changing a password, logging a user out and (de)activating revoke every token of the user at
once (``users.token_version``).
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NamedTuple

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.accounts import create_user, revoke_tokens, set_active, set_password
from matching.codes import COUNTIES, USER_ROLES
from matching.errors import ConflictError, NotFoundError, ValidationError
from matching.settings import Settings
from matching.storage import User, make_engine, make_sessionmaker, upgrade_database
from serving.cli.settings import load_settings

__all__ = ["DEMO_FILE", "DEMO_USERS", "DemoUser", "users_app"]

DEMO_FILE = "demo_users.txt"
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)


class DemoUser(NamedTuple):
    username: str
    display_name: str
    role: str
    county: str | None


DEMO_USERS = (
    DemoUser("demo_counselor", "演示辅导员（东昌府区）", "counselor", "371502"),
    DemoUser("demo_counselor_lq", "演示辅导员（临清市）", "counselor", "371581"),
    DemoUser("demo_case_worker", "演示个案专员（东昌府区）", "case_worker", "371502"),
    DemoUser("demo_analyst", "演示数据分析员", "analyst", None),
    DemoUser("demo_fair_organizer", "演示招聘会组织者", "fair_organizer", None),
    DemoUser("demo_admin", "演示系统管理员", "admin", None),
)


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """One committed transaction on a migrated database."""
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade_database(engine)
        with make_sessionmaker(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        typer.secho(
            "error: no terminal to ask for the password; pipe it in with --password-stdin",
            err=True,
            fg="red",
        )
        raise typer.Exit(2)
    password: str = typer.prompt(
        "密码 / password", hide_input=True, confirmation_prompt="再输入一次 / repeat"
    )
    return password


def _where(county: str | None) -> str:
    return COUNTIES.label(county) if county else "全市"


@users_app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="3-50 letters, digits, '_', '.' or '-'.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(USER_ROLES.codes)}.")],
    county: Annotated[
        str | None,
        typer.Option(help="County code or name; required for counselor and case_worker."),
    ] = None,
    display_name: Annotated[str, typer.Option(help="Name shown in pages.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password as one line of stdin.")
    ] = False,
    actor: Annotated[str, typer.Option(help="Who adds the user, for the audit log.")] = "cli",
) -> None:
    """Add a user; the password is asked twice (or read from stdin with --password-stdin)."""
    settings = load_settings()
    password = _read_password(password_stdin)
    try:
        with _session(settings) as session:
            user = create_user(
                session,
                username=username,
                display_name=display_name,
                role=role,
                county=county,
                password=password,
                actor=actor,
            )
    except ValidationError as error:
        typer.secho(f"创建失败：{error.message_zh}", err=True, fg="red")
        typer.secho(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except ConflictError as error:
        typer.secho(f"创建失败：用户名 {username} 已存在", err=True, fg="red")
        typer.secho(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"已创建用户 {user.username}（{USER_ROLES.label(user.role)}，{_where(user.county)}）"
    )


@users_app.command("password")
def password_command(
    username: Annotated[str, typer.Argument(help="The user whose password changes.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password as one line of stdin.")
    ] = False,
    actor: Annotated[str, typer.Option(help="Who changes it, for the audit log.")] = "cli",
) -> None:
    """Set a new password; the user's tokens stop working at once."""
    settings = load_settings()
    password = _read_password(password_stdin)
    _change(
        settings, username, lambda session: set_password(session, username, password, actor=actor)
    )
    typer.echo(f"已更改用户 {username} 的密码，其现有登录已全部失效")


@users_app.command("logout")
def logout_command(
    username: Annotated[str, typer.Argument(help="The user to log out everywhere.")],
    actor: Annotated[str, typer.Option(help="Who does it, for the audit log.")] = "cli",
) -> None:
    """Revoke every token of a user (e.g. a lost laptop); they log in again with the password."""
    _change(
        load_settings(), username, lambda session: revoke_tokens(session, username, actor=actor)
    )
    typer.echo(f"用户 {username} 的现有登录已全部失效")


@users_app.command("deactivate")
def deactivate_command(
    username: Annotated[str, typer.Argument(help="The user who may no longer log in.")],
    actor: Annotated[str, typer.Option(help="Who does it, for the audit log.")] = "cli",
) -> None:
    """Stop a user logging in; their tokens stop working at once."""
    _change(
        load_settings(), username, lambda session: set_active(session, username, False, actor=actor)
    )
    typer.echo(f"已停用用户 {username}")


@users_app.command("activate")
def activate_command(
    username: Annotated[str, typer.Argument(help="The user who may log in again.")],
    actor: Annotated[str, typer.Option(help="Who does it, for the audit log.")] = "cli",
) -> None:
    """Let a deactivated user log in again (with the password; old tokens stay revoked)."""
    _change(
        load_settings(), username, lambda session: set_active(session, username, True, actor=actor)
    )
    typer.echo(f"已启用用户 {username}")


def _change(settings: Settings, username: str, change: Callable[[Session], None]) -> None:
    try:
        with _session(settings) as session:
            change(session)
    except ValidationError as error:
        typer.secho(f"修改失败：{error.message_zh}", err=True, fg="red")
        typer.secho(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except NotFoundError as error:
        typer.secho(f"修改失败：用户 {username} 不存在", err=True, fg="red")
        typer.secho(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@users_app.command("demo")
def demo_command(
    url: Annotated[str, typer.Option(help="Where the service listens, for the login hint.")] = (
        "http://127.0.0.1:8000"
    ),
) -> None:
    """Create one demo user per role (idempotent); new passwords go to <data_dir>/demo_users.txt."""
    settings = load_settings()
    created: list[tuple[DemoUser, str]] = []
    with _session(settings) as session:
        existing = set(session.scalars(select(User.username)))
        for demo in DEMO_USERS:
            if demo.username in existing:
                continue
            password = secrets.token_urlsafe(12)
            create_user(
                session,
                username=demo.username,
                display_name=demo.display_name,
                role=demo.role,
                county=demo.county,
                password=password,
                actor="demo",
            )
            created.append((demo, password))
    path = settings.data_dir / DEMO_FILE
    if created:
        _append_private(path, [_line(demo, password) for demo, password in created])
    new_names = {demo.username for demo, _ in created}
    kept = [demo.username for demo in DEMO_USERS if demo.username not in new_names]
    if kept:
        typer.echo(f"演示用户已存在，未改动：{', '.join(kept)}（密码见 {path}）")
    if created:
        typer.echo("已创建演示用户（用户名、密码、角色、范围）：")
        for demo, password in created:
            typer.echo(f"  {_line(demo, password)}")
        typer.echo(f"新演示用户的密码只显示这一次，另存于 {path}（仅本人可读）")
    first = created[0][0].username if created else DEMO_USERS[0].username
    typer.echo(f"页面：用浏览器打开 {url}/ ，用上面的演示用户名和密码登录")
    typer.echo(
        f"接口：打开 {url}/docs 点 Authorize 输入用户名和密码，或\n"
        f"  curl -s -X POST {url}/api/auth/token -d username={first} -d password=<密码>\n"
        f"  再带上请求头 Authorization: Bearer <access_token>"
    )


def _line(demo: DemoUser, password: str) -> str:
    return f"{demo.username}\t{password}\t{USER_ROLES.label(demo.role)}\t{_where(demo.county)}"


def _append_private(path: Path, lines: list[str]) -> None:
    """Append to ``path``, creating it readable by the owner only (and tightening it if not)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        if file.tell() == 0:
            file.write("# username\tpassword\trole\tcounty (jobmatch demo users)\n")
        file.writelines(line + "\n" for line in lines)
