"""A counselor of county A can read or change nothing of county B, on SQLite and PostgreSQL.

Every operation of the OpenAPI whose path names a person-scoped record (``PERSON_SCOPED``) is
called by county A's counselor with county B's records and must answer 404 — exactly as for a
record that does not exist — with nothing of B in the answer; operations that take a B person in
their body or query are in ``BODY_SCOPED``. Afterwards the database, apart from the audit log, is
byte-for-byte what it was. Lists count only county A's records. A path parameter that is in
neither table fails ``test_every_path_parameter_is_classified``, so a new route cannot slip by.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, select, text

from matching.codes import ASSESSMENT_DIMENSIONS
from matching.settings import Settings
from serving.app import create_app
from tests.api_city import COUNTY_A, COUNTY_B, headers, served_city, test_city

# Path parameters naming records that belong to a person (and so to the person's county).
PERSON_SCOPED = {"person_id", "assessment_id", "referral_id", "ledger_id", "action_id"}
# Path parameters naming records that are not person data (readable city-wide by staff), or
# that only city-wide roles reach at all (``conflict_id``: the admins' cross-county queue, 403
# for everyone else, tests/test_person_conflicts_api.py), or scoped by a policy of their own
# (``job_id``: a background job, followed per ``matching.background_jobs``, whose county test is
# tests/test_background_jobs.py and tests/test_api_jobs.py).
NOT_PERSON_SCOPED = {
    "vacancy_id", "employer_id", "course_id", "fair_id", "entity", "kind", "conflict_id", "job_id",
}  # fmt: skip
# Valid bodies for operations with a person-scoped path, so that only the scope can refuse them.
ASSESSMENT = {
    "assessed_on": "2026-10-01",
    "sustainable_hours": 6,
    **dict.fromkeys((code.code for code in ASSESSMENT_DIMENSIONS), 3),
}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/referrals/{referral_id}/stage"): {"stage": "refused", "refusal_reason": "pay"},
    ("post", "/api/persons/{person_id}/reveal"): {"reason": "核实身份以办理推荐手续"},
    ("patch", "/api/persons/{person_id}"): {"employment_status": "已就业"},
    ("post", "/api/persons/{person_id}/assessments"): ASSESSMENT,
    ("patch", "/api/assessments/{assessment_id}"): {"notes": "复评"},
    ("patch", "/api/ledgers/{ledger_id}"): {"major": "数学"},
    ("post", "/api/ledgers/{ledger_id}/actions"): {
        "service": "job_referral",
        "target_date": "2026-12-01",
    },
    ("patch", "/api/ledgers/{ledger_id}/actions/{action_id}"): {"note": "已联系"},
    ("post", "/api/ledgers/{ledger_id}/follow-ups"): {
        "contacted_on": "2026-11-01",
        "channel": "phone",
        "action": "电话回访",
    },
    ("post", "/api/ledgers/{ledger_id}/status"): {"status": "employed"},
}
# Query parameters an operation requires, so that only the scope can refuse it.
QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("get", "/api/persons/{person_id}/recommendations/jobs/why"): {
        "vacancy": str(test_city().frames["vacancies"]["code"][0])
    },
}
# Operations that take a county-B person in their body: (method, path, body) → expected status.
BODY_SCOPED: list[tuple[str, str, Callable[[dict[str, int]], dict[str, Any]], int]] = [
    (
        "post",
        "/api/referrals",
        lambda ids: {
            "person_id": ids["person_id"],
            "source": "counselor",
            "vacancy_id": ids["vacancy_id"],
        },
        404,
    ),
    ("post", "/api/ledgers", lambda ids: {"person_id": ids["person_id"]}, 404),
]
# Lists a counselor of county A reads: (path, SQL counting county A's rows).
LISTS = [
    ("/api/persons", "SELECT count(*) FROM persons WHERE county = :a"),
    ("/api/persons?county=" + COUNTY_B, "SELECT 0"),
    ("/api/ledgers", "SELECT count(*) FROM graduate_ledgers WHERE county = :a"),
]
UNCHANGED_EXCEPT = {"audit_log", "alembic_version"}


def operations(app_paths: dict[str, Any]) -> Iterator[tuple[str, str, list[str]]]:
    """(method, path, path parameter names) of every operation under /api."""
    for path, item in app_paths.items():
        for method, operation in item.items():
            names = [
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "path"
            ]
            yield method, path, names


@pytest.fixture(scope="module")
def openapi_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("schema")))
    paths: dict[str, Any] = app.openapi()["paths"]
    return paths


def test_every_path_parameter_is_classified(openapi_paths: dict[str, Any]) -> None:
    unknown = {
        (method.upper(), path, name)
        for method, path, names in operations(openapi_paths)
        for name in names
        if name not in PERSON_SCOPED | NOT_PERSON_SCOPED
    }
    assert not unknown, f"classify these path parameters in tests/test_county_scope.py: {unknown}"


def b_records(engine: Engine) -> dict[str, int]:
    """One record of county B for each person-scoped parameter, with its person's details."""
    queries = {
        "person_id": "SELECT p.id FROM persons p WHERE p.county = :b "
        "AND EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = p.id) ORDER BY p.id",
        "assessment_id": "SELECT a.id FROM assessments a JOIN persons p ON p.id = a.person_id "
        "WHERE p.county = :b ORDER BY a.id",
        "referral_id": "SELECT r.id FROM referrals r JOIN persons p ON p.id = r.person_id "
        "WHERE p.county = :b AND r.vacancy_id IS NOT NULL AND r.stage = 'referred' ORDER BY r.id",
        "ledger_id": "SELECT l.id FROM graduate_ledgers l WHERE l.county = :b ORDER BY l.id",
        "vacancy_id": "SELECT v.id FROM vacancies v WHERE v.status = 'open' ORDER BY v.id",
    }
    found: dict[str, int] = {}
    with engine.connect() as connection:
        for name, query in queries.items():
            value = connection.execute(text(query), {"b": COUNTY_B}).scalar()
            if value is not None:
                found[name] = int(value)
        if "ledger_id" in found:
            action = connection.execute(
                text("SELECT id FROM ledger_actions WHERE ledger_id = :l ORDER BY id"),
                {"l": found["ledger_id"]},
            ).scalar()
            if action is not None:
                found["action_id"] = int(action)
    return found


def database_image(engine: Engine) -> str:
    """Every row of every table but the audit log, as sorted JSON."""
    metadata = MetaData()
    metadata.reflect(engine)
    image: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            if name in UNCHANGED_EXCEPT:
                continue
            rows = connection.execute(select(table)).all()
            image[name] = sorted(json.dumps(list(row), default=str) for row in rows)
    return json.dumps(image)


def secrets_of(engine: Engine, person_id: int) -> list[str]:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT name, id_number, certificate_number FROM persons WHERE id = :id"),
            {"id": person_id},
        ).one()
    values = [row.name, row.id_number, row.id_number[-4:], row.certificate_number]
    return [value for value in values if value]


@pytest.fixture
def county_client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    with served_city(engine, tmp_path, load_models=True) as client:
        yield client


def test_county_a_reaches_nothing_of_county_b(
    county_client: TestClient, engine: Engine, openapi_paths: dict[str, Any]
) -> None:
    client = county_client
    ids = b_records(engine)
    person = ids["person_id"]
    hidden = [value for value in secrets_of(engine, person) if len(value) >= 2]
    before = database_image(engine)
    auth = headers(client, "county_a")
    tried: list[str] = []
    for method, path, names in operations(openapi_paths):
        scoped = [name for name in names if name in PERSON_SCOPED]
        if not scoped:
            continue
        missing = [name for name in scoped if name not in ids]
        assert not missing, f"the test city has no county-B record for {missing} ({path})"
        url = path.format(**{name: ids[name] for name in names})
        body = BODIES.get((method, path))
        if method in {"post", "put", "patch"}:
            assert body is not None, f"add a valid body for {method.upper()} {path} to BODIES"
        params = QUERIES.get((method, path))
        answer = client.request(method.upper(), url, headers=auth, json=body, params=params)
        assert answer.status_code == 404, f"{method.upper()} {url}: {answer.status_code}"
        assert not [value for value in hidden if value in answer.text], url
        tried.append(f"{method.upper()} {path}")
    for method, path, make_body, status in BODY_SCOPED:
        answer = client.request(method.upper(), path, headers=auth, json=make_body(ids))
        assert answer.status_code == status, f"{method.upper()} {path}: {answer.text}"
        assert not [value for value in hidden if value in answer.text], path
        tried.append(f"{method.upper()} {path}")
    assert database_image(engine) == before
    assert len(tried) >= len(BODIES) + len(BODY_SCOPED)


def test_lists_count_only_county_a(county_client: TestClient, engine: Engine) -> None:
    auth = headers(county_client, "county_a")
    with engine.connect() as connection:
        for path, count in LISTS:
            expected = connection.execute(text(count), {"a": COUNTY_A}).scalar()
            answer = county_client.get(path, headers=auth)
            assert answer.status_code == 200, answer.text
            assert answer.json()["total"] == expected, path
            assert COUNTY_B not in {item.get("county") for item in answer.json()["items"]}


def test_the_same_calls_reach_county_a_own_records(
    county_client: TestClient, engine: Engine
) -> None:
    """The 404s above come from the scope: county B's counselor reaches the same records."""
    ids = b_records(engine)
    answer = county_client.post(
        f"/api/persons/{ids['person_id']}/reveal",
        headers=headers(county_client, "county_b"),
        json=BODIES[("post", "/api/persons/{person_id}/reveal")],
    )
    assert answer.status_code == 200, answer.text
    assert COUNTY_A not in answer.text
