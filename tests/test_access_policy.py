"""Every person-scoped operation answers every role as ``matching.access`` says, on SQLite and
PostgreSQL.

For each operation of the OpenAPI whose path names a person-scoped record (and the operations
that take a person in their body), each demo role calls it on three kinds of person: a
university graduate of county A, a non-graduate of county A, and a graduate of county B. The
expected answer comes from the policy's two tables, not from the routes: a role without the act
gets 403, a person the caller does not reach gets 404 (exactly like a missing one), and anything
else gets through the policy (2xx, or a 409 of the stored state such as a referral already
closed). The case worker on their own county's non-graduates is the case the routes once missed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from matching.access import Act, Caller
from matching.storage import Person
from tests.api_city import COUNTY_A, COUNTY_B, USERS, headers, served_city
from tests.test_county_scope import BODIES, PERSON_SCOPED, QUERIES, openapi_paths, operations

__all__ = ["openapi_paths"]  # a module fixture the tests here use too

# What each person-scoped operation does to its person (the policy's act).
ACTS: dict[tuple[str, str], Act] = {
    ("get", "/api/persons/{person_id}/recommendations/jobs"): Act.READ,
    ("get", "/api/persons/{person_id}/recommendations/courses"): Act.READ,
    ("get", "/api/persons/{person_id}/recommendations/jobs/why"): Act.READ,
    ("get", "/api/persons/{person_id}"): Act.READ,
    ("patch", "/api/persons/{person_id}"): Act.EDIT,
    ("get", "/api/persons/{person_id}/assessments"): Act.READ,
    ("post", "/api/persons/{person_id}/assessments"): Act.EDIT,
    ("get", "/api/assessments/{assessment_id}"): Act.READ,
    ("patch", "/api/assessments/{assessment_id}"): Act.EDIT,
    ("get", "/api/ledgers/{ledger_id}"): Act.LEDGER,
    ("patch", "/api/ledgers/{ledger_id}"): Act.LEDGER,
    ("post", "/api/ledgers/{ledger_id}/actions"): Act.LEDGER,
    ("patch", "/api/ledgers/{ledger_id}/actions/{action_id}"): Act.LEDGER,
    ("post", "/api/ledgers/{ledger_id}/follow-ups"): Act.LEDGER,
    ("post", "/api/ledgers/{ledger_id}/status"): Act.LEDGER,
    ("get", "/api/ledgers/{ledger_id}/export.xlsx"): Act.LEDGER,
    ("get", "/api/referrals/{referral_id}"): Act.READ,
    ("post", "/api/referrals/{referral_id}/stage"): Act.REFER,
    ("get", "/api/persons/{person_id}/referrals"): Act.READ,
    ("post", "/api/persons/{person_id}/reveal"): Act.REVEAL,
}
# The kinds of person every operation is tried on: (county, university graduate); the
# non-graduates are not students either.
KINDS = {
    "a_graduate": (COUNTY_A, True),
    "a_other": (COUNTY_A, False),
    "b_graduate": (COUNTY_B, True),
}
PASSED = {200, 201, 409}  # through the policy; a 409 is the stored state's answer


class Target:
    """A person of one kind and their records, as database ids."""

    def __init__(self, engine: Engine, county: str, graduate: bool) -> None:
        where = "p.county = :county AND p.is_graduate = :graduate"
        if not graduate:
            where += " AND p.employment_status <> 'studying'"
        values = {"county": county, "graduate": graduate}
        queries = {
            "person_id": f"SELECT p.id FROM persons p WHERE {where} AND EXISTS "
            "(SELECT 1 FROM assessments a WHERE a.person_id = p.id) ORDER BY p.id",
            "assessment_id": "SELECT a.id FROM assessments a JOIN persons p ON p.id = a.person_id "
            f"WHERE {where} ORDER BY a.id",
            "referral_id": "SELECT r.id FROM referrals r JOIN persons p ON p.id = r.person_id "
            f"WHERE {where} AND r.vacancy_id IS NOT NULL ORDER BY r.id",
            "ledger_id": "SELECT l.id FROM graduate_ledgers l JOIN persons p ON p.id = l.person_id "
            f"WHERE {where} ORDER BY l.id",
        }
        self.county, self.is_graduate = county, graduate
        self.employment_status = "seeking"  # a student would be in a case worker's remit
        self.ids: dict[str, int] = {}
        with engine.connect() as connection:
            for name, query in queries.items():
                found = connection.execute(text(query), values).scalar()
                if found is not None:
                    self.ids[name] = int(found)
            if "ledger_id" in self.ids:
                action = connection.execute(
                    text("SELECT id FROM ledger_actions WHERE ledger_id = :l ORDER BY id"),
                    {"l": self.ids["ledger_id"]},
                ).scalar()
                if action is not None:
                    self.ids["action_id"] = int(action)


def expected(caller: Caller, act: Act, target: Target) -> str:
    if not caller.may_act(act):
        return "403"
    return "passed" if caller.reaches(target) else "404"


def outcome(status: int) -> str:
    if status in PASSED:
        return "passed"
    return str(status)


@pytest.fixture
def policy_client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    with served_city(engine, tmp_path, load_models=True) as client:
        yield client


def callers() -> list[Caller]:
    return [Caller(None, username, role, county) for username, role, county in USERS]


def test_every_person_scoped_operation_follows_the_policy_for_every_role(
    policy_client: TestClient, engine: Engine, openapi_paths: dict[str, Any]
) -> None:
    client = policy_client
    targets = {kind: Target(engine, *where) for kind, where in KINDS.items()}
    scoped = [
        (method, path, names)
        for method, path, names in operations(openapi_paths)
        if any(name in PERSON_SCOPED for name in names)
    ]
    unclassified = {(method, path) for method, path, _ in scoped} - set(ACTS)
    assert not unclassified, f"give these operations an act in ACTS: {unclassified}"
    wrong: list[str] = []
    tried = 0
    for caller in callers():
        auth = headers(client, caller.username)
        for kind, target in targets.items():
            for method, path, names in scoped:
                if any(name not in target.ids for name in names):
                    # ledgers are kept for graduates only: no ledger of a non-graduate exists
                    assert kind == "a_other" and "ledger_id" in names, (kind, path)
                    continue
                url = path.format(**{name: target.ids[name] for name in names})
                answer = client.request(
                    method.upper(),
                    url,
                    headers=auth,
                    json=BODIES.get((method, path)),
                    params=QUERIES.get((method, path)),
                )
                want = expected(caller, ACTS[(method, path)], target)
                if outcome(answer.status_code) != want:
                    wrong.append(
                        f"{caller.role} {kind} {method.upper()} {path}: "
                        f"{answer.status_code}, the policy says {want}"
                    )
                tried += 1
    assert not wrong, "\n".join(wrong)
    assert tried >= len(callers()) * (3 * len(ACTS) - 7)


@pytest.mark.parametrize("source", ["counselor", "fair"])
def test_a_person_in_the_body_follows_the_policy(
    policy_client: TestClient, engine: Engine, source: str
) -> None:
    """POST /api/referrals (a referral, or a contact made at a fair) and POST /api/ledgers."""
    client = policy_client
    with engine.connect() as connection:
        booth = connection.execute(
            text(
                "SELECT fv.fair_id, fv.vacancy_id FROM fair_vacancies fv "
                "JOIN fairs f ON f.id = fv.fair_id WHERE f.county = :a "
                "ORDER BY fv.fair_id, fv.vacancy_id"
            ),
            {"a": COUNTY_A},
        ).first()
        assert booth is not None, "the test city has a fair in county A with a booth"
        fair, vacancy = booth
        connection.execute(
            text(
                "UPDATE vacancies SET status = 'open', deadline = NULL, age_min = NULL, "
                "age_max = NULL WHERE id = :v"
            ),
            {"v": vacancy},
        )
        connection.commit()
    act = Act.FAIR if source == "fair" else Act.REFER
    wrong: list[str] = []
    for kind, where in KINDS.items():
        target = Target(engine, *where)
        person = target.ids["person_id"]
        for caller in callers():
            auth = headers(client, caller.username)
            body: dict[str, Any] = {"person_id": person, "source": source, "vacancy_id": vacancy}
            if source == "fair":
                body["fair_id"] = fair
            answer = client.post("/api/referrals", headers=auth, json=body)
            if outcome(answer.status_code) != expected(caller, act, target):
                wrong.append(f"{caller.role} {kind} referral ({source}): {answer.text}")
            opened = client.post("/api/ledgers", headers=auth, json={"person_id": person})
            if outcome(opened.status_code) != expected(caller, Act.LEDGER, target):
                wrong.append(f"{caller.role} {kind} ledger: {opened.status_code}")
    assert not wrong, "\n".join(wrong)


def test_fair_registration_and_person_lists_follow_the_policy(
    policy_client: TestClient, engine: Engine
) -> None:
    """A person the caller does not reach is rejected from a fair as if missing; person lists
    count only the persons the caller reaches."""
    client = policy_client
    with engine.connect() as connection:
        fair = connection.execute(
            text("SELECT id FROM fairs WHERE county = :a ORDER BY id"), {"a": COUNTY_A}
        ).scalar()
        reached = {
            caller.username: connection.execute(
                select(func.count()).select_from(Person).where(caller.person_condition())
            ).scalar_one()
            for caller in callers()
        }
        everyone = connection.execute(text("SELECT count(*) FROM persons")).scalar_one()
    assert everyone > reached["county_a"] > reached["worker_a"] > 0
    for caller in callers():
        auth = headers(client, caller.username)
        listed = client.get("/api/persons", headers=auth)
        if not caller.may_act(Act.READ):
            assert listed.status_code == 403, caller.role
        else:
            assert listed.json()["total"] == reached[caller.username], caller.username
        for kind, where in KINDS.items():
            target = Target(engine, *where)
            answer = client.post(
                f"/api/fairs/{fair}/candidates",
                headers=auth,
                json={"person_ids": [target.ids["person_id"]]},
            )
            want = expected(caller, Act.FAIR, target)
            if want == "403":
                assert answer.status_code == 403, (caller.role, kind)
                continue
            if not caller.sees_county(COUNTY_A):  # county A's fair is not theirs to see
                assert answer.status_code == 404, (caller.username, kind)
                continue
            assert answer.status_code == 200, (caller.role, kind, answer.text)
            rejects = [reject["code"] for reject in answer.json()["rejects"]]
            if want == "404":
                assert rejects == ["person_not_found"], (caller.role, kind)
            else:
                assert rejects == [], (caller.role, kind, rejects)
