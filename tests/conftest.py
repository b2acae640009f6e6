"""Shared fixtures: a migrated database on SQLite and, when configured, on PostgreSQL.

PostgreSQL tests read ``JOBMATCH_TEST_POSTGRES_URL`` (``make postgres`` prints one). Locally they
skip without it; under CI (``CI=true``) a missing server is a failure, never a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from matching.storage import make_engine, make_sessionmaker
from tests.databases import copy_sqlite, drop_postgres, new_postgres_name, postgres_copy

POSTGRES_URL_VARIABLE = "JOBMATCH_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set under CI: .ci/run must start PostgreSQL")
    pytest.skip(f"{POSTGRES_URL_VARIABLE} not set (run `make postgres` to get one)")


@contextmanager
def database_of_kind(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a database of ``kind`` (``sqlite`` or ``postgresql``) of the caller's own, not
    created yet (``api_city.fill_database`` copies a template there): a file in ``folder``, or a
    database beside the configured one, dropped afterwards. Never the configured database
    itself: parallel test workers share that server."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'jobmatch.db'}"
        return
    base = postgres_url()
    url = make_url(base).set(database=new_postgres_name(base)).render_as_string(False)
    try:
        yield url
    finally:
        drop_postgres(base, url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A freshly migrated, empty database of each kind (a copy of a template migrated once)."""
    if request.param == "sqlite":
        path = tmp_path / "jobmatch.db"
        copy_sqlite("empty", path)
        created = make_engine(f"sqlite:///{path}")
        yield created
        created.dispose()
        return
    base = postgres_url()
    url = postgres_copy(base, "empty")
    created = make_engine(url)
    yield created
    created.dispose()
    drop_postgres(base, url)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)
