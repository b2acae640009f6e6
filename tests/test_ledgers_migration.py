"""Migration 0002 on SQLite and PostgreSQL: it fills the degree of existing ledgers where the
person's education makes it certain, and it can be undone and redone."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from matching.storage import upgrade_database
from matching.storage.db import alembic_config

PERSON = (
    "INSERT INTO persons (id, id_number, name, sex, birth_date, county, hukou, "
    "disability_category, disability_level, education, employment_status, registered_on, "
    "is_graduate, preferred_work_modes, created_at, updated_at) VALUES "
    "(:id, :number, '张三', 'M', '2002-01-01', '371502', 'urban', '4', '3', :education, "
    "'seeking', '2024-03-01', true, '[]', '2024-03-01', '2024-03-01')"
)
LEDGER = (
    "INSERT INTO graduate_ledgers (id, person_id, county, school, major, graduation_year, "
    "intended_services, status, created_at, updated_at) VALUES "
    "(:id, :id, '371502', '聊城大学', '法学', 2025, '[]', 'unemployed', "
    "'2024-03-01', '2024-03-01')"
)


def test_existing_ledgers_get_the_degree_their_education_implies(engine: Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0001")
    with engine.begin() as connection:
        for person_id, education in enumerate(("college", "bachelor", "postgraduate"), start=1):
            number = f"37150220020101{person_id:03d}X"[:18]
            connection.execute(
                text(PERSON), {"id": person_id, "number": number, "education": education}
            )
            connection.execute(text(LEDGER), {"id": person_id})
    upgrade_database(engine)
    with engine.connect() as connection:
        degrees = connection.execute(
            text("SELECT person_id, degree FROM graduate_ledgers ORDER BY person_id")
        ).all()
        assert [tuple(row) for row in degrees] == [(1, "college"), (2, "bachelor"), (3, None)]
        assert connection.execute(text("SELECT count(*) FROM ledger_actions")).scalar() == 0
    command.downgrade(config, "0001")
    upgrade_database(engine)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert revision == ScriptDirectory.from_config(config).get_current_head()
