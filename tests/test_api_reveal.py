"""POST /api/persons/{id}/reveal: full numbers for a reason, audited, county-scoped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from matching.storage import Person, make_sessionmaker
from matching.validators import mask_resident_id
from tests.api_city import COUNTY_A, COUNTY_B, headers
from tests.referral_city import KINDS, City, city_of_kind

REASON = "核对身份以办理社保补贴"


@pytest.fixture(
    scope="module",
    params=[KINDS[0], pytest.param(KINDS[1], marks=pytest.mark.postgres)],
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    with city_of_kind(request.param, tmp_path_factory.mktemp("reveal")) as served:
        yield served


def reveal(city: City, username: str, person_id: int | str, body: Any) -> Any:
    return city.client.post(
        f"/api/persons/{person_id}/reveal", json=body, headers=headers(city.client, username)
    )


def stored(city: City, person_id: int) -> Person:
    with make_sessionmaker(city.engine)() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person


def test_a_counselor_sees_the_full_numbers_and_the_reveal_is_audited(city: City) -> None:
    person_id = city.person(COUNTY_A)
    person = stored(city, person_id)
    answer = reveal(city, "county_a", person_id, {"reason": REASON})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "person_id": person_id,
        "id_number": person.id_number,
        "certificate_number": person.certificate_number,
    }
    assert answer.headers["cache-control"] == "no-store"
    row = city.audit_rows("reveal")[-1]
    assert (row.actor, row.entity, row.entity_id) == ("county_a", "person", str(person_id))
    assert row.detail["reason"] == REASON
    text = str(row.detail)
    assert person.id_number not in text
    assert person.certificate_number is None or person.certificate_number not in text


def test_a_number_typed_into_the_reason_is_masked_in_the_audit_log(city: City) -> None:
    person_id = city.person(COUNTY_A, graduate=True)
    number = stored(city, person_id).id_number
    answer = reveal(city, "worker_a", person_id, {"reason": f"核对 {number} 是否一致"})
    assert answer.status_code == 200
    reason = city.audit_rows("reveal")[-1].detail["reason"]
    assert number not in reason and mask_resident_id(number) in reason


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "核对"},
        {"reason": "  a b c d  "},
        {"reason": "     \u3000    "},
        {"reason": "核对身份\x00信息"},
        {"reason": "核对身份\n信息"},
        {"reason": "x" * 201},
        {"reason": REASON, "fields": ["id_number"]},
        {"reason": 12345},
    ],
)
def test_a_reveal_needs_a_real_reason(city: City, body: Any) -> None:
    before = city.audit_count()
    answer = reveal(city, "county_a", city.person(COUNTY_A), body)
    assert answer.status_code == 422, answer.text
    assert city.audit_count() == before


def test_five_visible_characters_are_enough(city: City) -> None:
    assert (
        reveal(city, "admin", city.person(COUNTY_B), {"reason": " 核 对 身 份 证 "}).status_code
        == 200
    )


@pytest.mark.parametrize("username", ["analyst", "organiser"])
def test_other_roles_are_refused_and_audited(city: City, username: str) -> None:
    before = len(city.audit_rows("forbidden"))
    answer = reveal(city, username, city.person(COUNTY_A), {"reason": REASON})
    assert answer.status_code == 403
    assert "仅限" in answer.json()["message_zh"] and "id_number" not in answer.text
    rows = city.audit_rows("forbidden")
    assert len(rows) == before + 1 and rows[-1].actor == username
    assert rows[-1].detail["path"].endswith("/reveal")


def test_another_countys_person_looks_missing_and_is_not_audited(city: City) -> None:
    person_id = city.person(COUNTY_A)
    before = city.audit_count()
    hidden = reveal(city, "county_b", person_id, {"reason": REASON})
    absent = reveal(city, "county_b", 2**31 - 1, {"reason": REASON})
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["message"] == absent.json()["message"].replace(
        str(2**31 - 1), str(person_id)
    )
    assert city.audit_count() == before


@pytest.mark.parametrize("person_id", [0, -5, 2**31, 10**30, "abc"])
def test_ids_out_of_range_are_422(city: City, person_id: int | str) -> None:
    assert reveal(city, "admin", person_id, {"reason": REASON}).status_code == 422
