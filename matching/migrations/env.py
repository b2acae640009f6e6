"""Alembic environment: runs against the engine handed over in ``config.attributes``.

On SQLite, foreign keys are off while migrations run (and checked before the commit): a batch
migration rebuilds a table by copying it, dropping the original and renaming the copy, and with
foreign keys on, dropping ``persons`` would delete its assessments (``ON DELETE CASCADE``) or be
refused for its referrals. The pragma only takes effect outside a transaction, hence its place.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

import matching.storage as storage

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through matching.storage.upgrade_database(engine)")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=storage.Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()


if engine.dialect.name == "sqlite":
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                run(connection)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
else:
    with engine.begin() as connection:
        run(connection)
