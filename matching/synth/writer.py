"""Write a generated city into the database: bulk inserts in foreign-key order, then sequences.

Rows carry their ids so that referrals can point at persons and vacancies; on PostgreSQL the id
sequences are moved past them afterwards so later inserts do not collide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl
from sqlalchemy import Engine, Table, delete, func, insert, select, text

from matching.storage import Base

CHUNK = 5000
# Tables a city consists of, parents first. users and audit_log are not part of a city.
CITY_TABLES = (
    "persons",
    "assessments",
    "employers",
    "vacancies",
    "training_bases",
    "courses",
    "fairs",
    "fair_vacancies",
    "fair_candidates",
    "referrals",
    "referral_events",
    "graduate_ledgers",
    "ledger_follow_ups",
    "ledger_actions",
    "ledger_status_changes",
)


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def rows(frame: pl.DataFrame) -> Iterator[list[dict[str, object]]]:
    for start in range(0, frame.height, CHUNK):
        yield frame.slice(start, CHUNK).to_dicts()


def city_row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table(name))) or 0
            for name in CITY_TABLES
        }


def clear_city(engine: Engine) -> None:
    with engine.begin() as connection:
        for name in reversed(CITY_TABLES):
            connection.execute(delete(table(name)))


def write_frames(
    engine: Engine, frames: dict[str, pl.DataFrame], progress: Callable[[str, int], None]
) -> None:
    """Insert each frame into the table of its name (columns must match), in one transaction."""
    with engine.begin() as connection:
        for name in CITY_TABLES:
            frame = frames.get(name)
            if frame is None or frame.height == 0:
                continue
            columns = set(table(name).columns.keys())
            extra = set(frame.columns) - columns
            if extra:
                raise ValueError(f"{name}: columns not in the table: {sorted(extra)}")
            for batch in rows(frame):
                connection.execute(insert(table(name)), batch)
                progress(name, len(batch))
        if connection.dialect.name == "postgresql":
            for name in CITY_TABLES:
                if "id" in table(name).columns:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                        )
                    )
