"""User accounts: argon2 password hashes, validated creation and login checks (no web code).

Who may see what follows from two fields of a user: ``role`` (``codes.USER_ROLES``) and
``county``. Counselors and case workers always belong to one county; admins, analysts and fair
organisers may be city-wide (``county`` empty). What each may see is ``matching.access``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matching.access import COUNTY_ROLES
from matching.codes import COUNTIES, USER_ROLES
from matching.errors import ConflictError, NotFoundError, UnknownCodeError, ValidationError
from matching.storage import User, append_audit

__all__ = [
    "COUNTY_ROLES",
    "PASSWORD_MIN_LENGTH",
    "LoginCheck",
    "authenticate",
    "check_login",
    "create_user",
    "hash_password",
    "revoke_tokens",
    "set_active",
    "set_password",
    "verify_password",
]

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 1024
DISPLAY_NAME_MAX_LENGTH = 50
_USERNAME = re.compile(r"[A-Za-z0-9_.\-]{3,50}")
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash (salt and parameters included) of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a malformed hash never matches."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


class LoginCheck(NamedTuple):
    """``user``: the active user when the password is right. ``known``: whether the username
    names an account at all (for the audit log only; never tell the caller)."""

    user: User | None
    known: bool


def check_login(session: Session, username: str, password: str) -> LoginCheck:
    """Check a username and password.

    An unknown or inactive user costs one hash verification too, so timing does not tell which
    usernames exist.
    """
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None or user.password_hash is None:
        verify_password(_dummy_hash(), password)
        return LoginCheck(None, user is not None)
    if not verify_password(user.password_hash, password) or not user.active:
        return LoginCheck(None, True)
    return LoginCheck(user, True)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else ``None``."""
    return check_login(session, username, password).user


def set_password(session: Session, username: str, password: str, *, actor: str) -> None:
    """Give ``username`` a new password and revoke their tokens (audited ``user_password``)."""
    _check_password(password)
    _change(session, username, actor, "user_password", password_hash=hash_password(password))


def set_active(session: Session, username: str, active: bool, *, actor: str) -> None:
    """(De)activate ``username``, revoking their tokens either way: a reactivated user logs in
    afresh rather than reviving old tokens (audited ``user_activate`` / ``user_deactivate``)."""
    _change(
        session, username, actor, "user_activate" if active else "user_deactivate", active=active
    )


def revoke_tokens(session: Session, username: str, *, actor: str) -> None:
    """End every session of ``username``: all tokens issued so far stop working at once
    (audited ``user_logout``)."""
    _change(session, username, actor, "user_logout")


def _change(session: Session, username: str, actor: str, action: str, **values: object) -> None:
    """Update the user's row, raising ``token_version``, and audit ``action``."""
    changed = session.execute(
        update(User)
        .where(User.username == username)
        .values(token_version=User.token_version + 1, **values)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFoundError(f"no user named {username!r}", f"用户 {username} 不存在")
    append_audit(session, actor=actor, action=action, entity="user", entity_id=username)


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str,
    county: str | None,
    password: str,
    actor: str,
) -> User:
    """Validate and add a user (flushed, not committed) and record ``user_add`` in the audit log.

    ``role`` and ``county`` accept any spelling of ``codes.USER_ROLES`` / ``codes.COUNTIES``;
    an empty ``display_name`` becomes the username. Raises ``ValidationError`` for a bad value and
    ``ConflictError`` when the username is taken.
    """
    username = _check_username(username)
    role_code = _parse(USER_ROLES.parse, role, "role")
    county_code = _check_county(role_code, county)
    name = display_name.strip() or username
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            "display_name_length",
            f"display name must be at most {DISPLAY_NAME_MAX_LENGTH} characters, got {len(name)}",
            f"显示名称最多{DISPLAY_NAME_MAX_LENGTH}个字符（当前{len(name)}个）",
            field="display_name",
        )
    _check_password(password)
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise _taken(username)
    user = User(
        username=username,
        display_name=name,
        role=role_code,
        county=county_code,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # a concurrent insert won; the caller's transaction must roll back
        raise _taken(username) from None
    append_audit(
        session,
        actor=actor,
        action="user_add",
        entity="user",
        entity_id=username,
        detail={"role": role_code, "county": county_code},
    )
    return user


def _check_username(username: str) -> str:
    username = username.strip()
    if not _USERNAME.fullmatch(username):
        raise ValidationError(
            "username_format",
            f"username must be 3-50 characters of letters A-Z a-z, digits, '_', '.' or '-', "
            f"got {username!r}",
            "用户名须为3至50个字符，只能包含英文字母、数字、下划线（_）、点（.）和连字符（-）",
            field="username",
        )
    return username


def _check_county(role: str, county: str | None) -> str | None:
    if county is None or not county.strip():
        if role in COUNTY_ROLES:
            allowed_zh = "、".join(item.zh for item in COUNTIES)
            raise ValidationError(
                "county_required",
                f"role {role!r} needs a county; allowed counties: {', '.join(COUNTIES.codes)}",
                f"{USER_ROLES.label(role)}必须指定所属县（市、区），可选：{allowed_zh}",
                field="county",
            )
        return None
    return _parse(COUNTIES.parse, county, "county")


def _check_password(password: str) -> None:
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise ValidationError(
            "password_length",
            f"password must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, "
            f"got {len(password)}",
            f"密码长度须为{PASSWORD_MIN_LENGTH}至{PASSWORD_MAX_LENGTH}个字符（当前{len(password)}个）",
            field="password",
        )


def _parse(parse: Callable[[str], str], text: str, field: str) -> str:
    try:
        return parse(text)
    except UnknownCodeError as error:
        error.field = field
        raise


def _taken(username: str) -> ConflictError:
    return ConflictError(f"username {username!r} is already taken; choose another username")
