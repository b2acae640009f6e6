"""Test databases copied from templates: migrate once, write the test city once, copy per test.

Running Alembic and writing the 1,500-person test city for every test cost most of the suite's
database time. A template of each content (``empty``: migrated; ``city``: migrated, the test city
and the users) is built once per test session; a test gets a copy: a file copy on SQLite, ``CREATE
DATABASE … TEMPLATE`` on PostgreSQL (a database per test, dropped at the end).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from matching.storage import make_engine, upgrade_database

Content = Literal["empty", "city"]
_SIDE_FILES = ("-wal", "-shm", "-journal")
_numbers = itertools.count()


@cache
def _template_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="jobmatch-templates-"))


def _fill(content: Content) -> Callable[[str], None]:
    """What writes ``content`` into a migrated database at a URL."""
    if content == "empty":
        return lambda _url: None
    from tests.api_city import write_city  # the city module imports this one

    return write_city


@cache
def sqlite_template(content: Content) -> Path:
    """The template file of ``content``, built on first use (no WAL left beside it)."""
    path = _template_folder() / f"{content}.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade_database(engine)
        _fill(content)(f"sqlite:///{path}")
        with engine.begin() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            connection.execute(text("PRAGMA journal_mode=DELETE"))
    finally:
        engine.dispose()
    return path


def copy_sqlite(content: Content, path: Path) -> None:
    """Make the SQLite file at ``path`` a copy of the template (replacing any database there;
    engines on it must have been disposed)."""
    for suffix in _SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".copy")
    shutil.copyfile(sqlite_template(content), staged)
    os.replace(staged, path)


def _admin(url: URL) -> Engine:
    """An autocommit engine on the server's maintenance database, for CREATE/DROP DATABASE (so
    that even the configured database itself can be made a copy)."""
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _drop(admin: Engine, name: str) -> None:
    """Drop ``name``, ending our own sessions on it; an autovacuum worker (which FORCE may not end
    without superuser rights) is waited out."""
    for attempt in range(50):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == 49:
                raise
            time.sleep(0.1)


def _recreate(admin: Engine, name: str, template: str | None = None) -> None:
    _drop(admin, name)
    suffix = f' TEMPLATE "{template}"' if template else ""
    for attempt in range(50):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
            return
        except DBAPIError:  # the template is still being vacuumed
            if attempt == 49:
                raise
            time.sleep(0.1)


@cache
def postgres_template(base_url: str, content: Content) -> str:
    """The name of the template database of ``content`` beside ``base_url``'s database."""
    base = make_url(base_url)
    # one template per pytest-xdist worker: two workers must not recreate the same one at once
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{base.database}_template_{content}" + (f"_{worker}" if worker else "")
    admin = _admin(base)
    try:
        _recreate(admin, name)
    finally:
        admin.dispose()
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        _fill(content)(url)
    finally:
        engine.dispose()
    return name


def postgres_copy(base_url: str, content: Content, name: str | None = None) -> str:
    """A new database copied from the template (or ``name`` made one again); its URL."""
    base = make_url(base_url)
    template = postgres_template(base_url, content)
    name = name or new_postgres_name(base_url)
    admin = _admin(base)
    try:
        _recreate(admin, name, template)
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def new_postgres_name(base_url: str) -> str:
    """A database name beside ``base_url``'s that no other test (nor worker process) uses."""
    return f"{make_url(base_url).database}_t{os.getpid()}_{next(_numbers)}"


def drop_postgres(base_url: str, url: str) -> None:
    admin = _admin(make_url(base_url))
    try:
        _drop(admin, str(make_url(url).database))
    finally:
        admin.dispose()


def copy_into(url: str, content: Content, base_url: str | None) -> None:
    """Make the database at ``url`` (a copy made here) hold ``content``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database, url
        copy_sqlite(content, Path(parsed.database))
        return
    assert base_url is not None, "a PostgreSQL copy needs the configured server URL"
    postgres_copy(base_url, content, name=parsed.database)
