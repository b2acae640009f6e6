"""Migration 0005 on SQLite and PostgreSQL: persons keep every dependent row (SQLite rebuilds
the table, and its assessments cascade on delete), the resident ID becomes unique per county,
and the migration can be undone and redone while no ID is stored twice."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from matching.storage import upgrade_database
from matching.storage.db import alembic_config

NUMBER = "37150220020101001X"
PERSON = (
    "INSERT INTO persons (id, id_number, certificate_number, name, sex, birth_date, county, "
    "hukou, disability_category, disability_level, education, employment_status, "
    "registered_on, is_graduate, preferred_work_modes, created_at, updated_at) VALUES "
    "(:id, :number, :certificate, '张三', 'M', '2002-01-01', :county, 'urban', '4', '3', "
    "'bachelor', 'seeking', '2024-03-01', true, '[]', '2024-03-01', '2024-03-01')"
)
ASSESSMENT = (
    "INSERT INTO assessments (id, person_id, assessed_on, vision, hearing, speech, "
    "reading_writing, fine_dexterity, lifting, standing, mobility, learning, attention, social, "
    "stress, computer, sustainable_hours, skills, certificates, accommodations_needed, "
    "preferred_forms, created_at, updated_at) VALUES (:id, :id, '2024-03-02', 3, 3, 3, 3, 3, 3, "
    "3, 3, 3, 3, 3, 3, 3, 6, '[]', '[]', '[]', '[]', '2024-03-02', '2024-03-02')"
)
LEDGER = (
    "INSERT INTO graduate_ledgers (id, person_id, county, school, major, graduation_year, "
    "intended_services, status, created_at, updated_at) VALUES "
    "(:id, :id, '371502', '聊城大学', '法学', 2025, '[]', 'unemployed', "
    "'2024-03-01', '2024-03-01')"
)
COUNTS = ("persons", "assessments", "graduate_ledgers")


def person(number: str, county: str, person_id: int) -> dict[str, object]:
    return {"id": person_id, "number": number, "certificate": number + "43", "county": county}


def counts(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in COUNTS
        ]


def test_persons_keep_their_rows_and_become_unique_per_county(engine: Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0004")
    with engine.begin() as connection:
        for person_id in (1, 2):
            number = f"3715022002010100{person_id}X"[:18]
            connection.execute(text(PERSON), person(number, "371502", person_id))
            connection.execute(text(ASSESSMENT), {"id": person_id})
            connection.execute(text(LEDGER), {"id": person_id})
    assert counts(engine) == [2, 2, 2]
    upgrade_database(engine)
    assert counts(engine) == [2, 2, 2]
    with engine.begin() as connection:  # the same ID in another county is a new row now
        connection.execute(text(PERSON), person("37150220020101001X", "371521", 3))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(PERSON), person("37150220020101001X", "371521", 4))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM persons WHERE id = 3"))
        connection.execute(
            text(
                "INSERT INTO person_conflicts (new_person_id, existing_person_id, kind, status, "
                "detected_at, detected_by) VALUES (2, 1, 'same_id_number', 'open', "
                "'2024-03-01', 'test')"
            )
        )
    command.downgrade(config, "0004")
    assert counts(engine) == [2, 2, 2]
    upgrade_database(engine)
    assert counts(engine) == [2, 2, 2]
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert connection.execute(text("SELECT count(*) FROM person_conflicts")).scalar() == 0
    assert revision == ScriptDirectory.from_config(config).get_current_head()


def test_foreign_keys_are_enforced_after_a_migration(engine: Engine) -> None:
    """The migration turns SQLite's foreign keys off while it runs, and back on."""
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(ASSESSMENT), {"id": 99})
