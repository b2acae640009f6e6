"""A small city served by the app, for API tests: one user per role, on any database.

``served_city(engine, folder)`` writes the test-scale city (built once per test session) into a
migrated database, adds the users below and returns a running ``TestClient`` (models not loaded
unless asked). ``headers(client, username)`` logs a user in. Counties: 东昌府区 371502
(``county_a``) and 临清市 371581 (``county_b``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matching.accounts import create_user
from matching.settings import Settings
from matching.storage import make_engine, make_sessionmaker
from matching.synth.city import SCALES, City, build_city
from matching.synth.writer import write_frames
from serving.app import create_app
from tests.conftest import POSTGRES_URL_VARIABLE
from tests.databases import copy_into

PASSWORD = "a-long-test-password"
COUNTY_A = "371502"
COUNTY_B = "371581"
USERS: tuple[tuple[str, str, str | None], ...] = (
    ("county_a", "counselor", COUNTY_A),
    ("county_b", "counselor", COUNTY_B),
    ("worker_a", "case_worker", COUNTY_A),
    ("organiser", "fair_organizer", None),
    ("analyst", "analyst", None),
    ("admin", "admin", None),
)


@cache
def test_city() -> City:
    """The test-scale city (1,500 persons), built once per test session."""
    return build_city(51, SCALES["test"], date(2026, 11, 1))


test_city.__test__ = False  # type: ignore[attr-defined]  # a fixture-like helper, not a test


def fill_database(url: str) -> None:
    """Make the database at ``url`` a migrated copy of the test city with the users (a copy of a
    template written once per test session; engines on ``url`` must have been disposed)."""
    base = os.environ.get(POSTGRES_URL_VARIABLE)
    copy_into(url, "city", base)


def write_city(url: str) -> None:
    """Write the test city and the users into the migrated database at ``url``."""
    engine = make_engine(url)
    try:
        write_frames(engine, test_city().frames, lambda *_: None)
        with make_sessionmaker(engine).begin() as session:
            for username, role, county in USERS:
                create_user(
                    session,
                    username=username,
                    display_name=username,
                    role=role,
                    county=county,
                    password=PASSWORD,
                    actor="test",
                )
    finally:
        engine.dispose()


@contextmanager
def served_city(engine: Engine, folder: Path, *, load_models: bool = False) -> Iterator[TestClient]:
    """A running app over ``engine``'s database (fresh and migrated, as the ``engine`` fixture
    gives) filled with the test city and the users."""
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    fill_database(url)
    settings = Settings(
        data_dir=folder, database_url=url, load_models=load_models, model_poll_seconds=3600
    )
    with TestClient(create_app(settings)) as client:
        yield client


def headers(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def persons_of(county: str) -> pl.DataFrame:
    """The test city's persons of ``county`` (id, county, ...)."""
    return test_city().frames["persons"].filter(pl.col("county") == county)
