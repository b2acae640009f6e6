"""A served test city shared by one test module, on SQLite and PostgreSQL, for referral tests.

``tests/api_city.served_city`` needs a fresh migrated database; the ``engine`` fixture gives one
per test, which would rebuild the city for every test. These helpers give one per module and
kind instead, plus fresh persons (no referral history) and a vacancy that is open whatever the
date the tests run on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from matching.storage import AuditEntry, Vacancy, make_engine, make_sessionmaker
from tests.api_city import served_city, test_city
from tests.conftest import database_of_kind

KINDS = ("sqlite", "postgresql")


@dataclass
class City:
    client: TestClient
    engine: Engine
    fresh: dict[str, Iterator[int]] = field(default_factory=dict)

    def person(self, county: str, *, graduate: bool | None = None) -> int:
        """A person of ``county`` with no referrals yet, a new one at every call; ``graduate``
        True or False picks a university graduate or a non-graduate."""
        key = f"{county}:{graduate}"
        if key not in self.fresh:
            frames = test_city().frames
            referred = frames["referrals"].select("person_id").unique()
            people = frames["persons"].filter(pl.col("county") == county)
            if graduate is not None:
                people = people.filter(pl.col("is_graduate") == graduate)
            untouched = people.join(referred, left_on="id", right_on="person_id", how="anti")
            self.fresh[key] = iter(untouched["id"].sort().to_list())
        return next(self.fresh[key])

    def open_vacancy(self, vacancy_id: int) -> int:
        """Make ``vacancy_id`` open to anyone from 2020 on, with no deadline or age limits."""
        with make_sessionmaker(self.engine).begin() as session:
            session.execute(
                update(Vacancy)
                .where(Vacancy.id == vacancy_id)
                .values(status="open", deadline=None, age_min=None, age_max=None)
            )
        return vacancy_id

    def audit_count(self) -> int:
        with make_sessionmaker(self.engine)() as session:
            return len(session.scalars(select(AuditEntry.id)).all())

    def audit_rows(self, action: str) -> list[AuditEntry]:
        with make_sessionmaker(self.engine)() as session:
            return list(
                session.scalars(
                    select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
                )
            )


@contextmanager
def city_of_kind(kind: str, folder: Path) -> Iterator[City]:
    """The served test city in a fresh database of ``kind`` (``sqlite`` or ``postgresql``)."""
    with database_of_kind(kind, folder) as url:
        engine = make_engine(url)
        try:
            with served_city(engine, folder) as client:
                yield City(client, engine)
        finally:
            engine.dispose()
