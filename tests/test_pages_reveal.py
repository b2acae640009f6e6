"""The person page's reveal form: the full numbers once, on the POST answer, for a reason;
audited as the API's reveal; masked everywhere else; refused to other roles, hidden beyond the
county (no browser: ``TestClient``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from matching.storage import Person, make_sessionmaker
from matching.validators import mask_resident_id
from tests.api_city import COUNTY_A, COUNTY_B
from tests.referral_city import KINDS, City, city_of_kind
from tests.test_pages_session import log_in, page_csrf

REASON = "核对身份以办理社保补贴"


@pytest.fixture(
    scope="module", params=[KINDS[0], pytest.param(KINDS[1], marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    with city_of_kind(request.param, tmp_path_factory.mktemp("reveal-page")) as served:
        yield served


def stored(city: City, person_id: int) -> Person:
    with make_sessionmaker(city.engine)() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person


def post_reveal(
    client: TestClient, person_id: int, reason: str, csrf: str | None = None
) -> Response:
    form = {"reason": reason, "csrf_token": page_csrf(client) if csrf is None else csrf}
    answer: Response = client.post(
        f"/persons/{person_id}/reveal", data=form, follow_redirects=False
    )
    return answer


def test_the_full_numbers_once_on_the_answer_audited_and_masked_everywhere_else(
    city: City,
) -> None:
    client = city.client
    log_in(client, "county_a")
    person_id = city.person(COUNTY_A)
    person = stored(city, person_id)
    page = client.get(f"/persons/{person_id}")
    assert "查看完整证件号" in page.text and f'action="/persons/{person_id}/reveal"' in page.text
    assert person.id_number not in page.text

    answer = post_reveal(client, person_id, REASON)
    assert answer.status_code == 200
    assert person.id_number in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert person.id_number not in str(answer.url)
    row = city.audit_rows("reveal")[-1]
    assert (row.actor, row.entity_id, row.detail["reason"]) == ("county_a", str(person_id), REASON)
    assert person.id_number not in str(row.detail)

    again = client.get(f"/persons/{person_id}").text
    assert person.id_number not in again and mask_resident_id(person.id_number) in again
    found = client.get("/persons", params={"q": person.name}).text
    assert person.id_number not in found
    by_number = client.post(
        "/persons", data={"q": person.id_number, "csrf_token": page_csrf(client)}
    )
    assert person.id_number not in by_number.text and person.name in by_number.text


def test_a_reason_is_required_and_said_next_to_the_field(city: City) -> None:
    log_in(city.client, "county_a")
    person_id = city.person(COUNTY_A)
    before = len(city.audit_rows("reveal"))
    answer = post_reveal(city.client, person_id, " 核 对 ")
    assert answer.status_code == 422
    text = answer.text
    assert 'id="f-reason-error"' in text and 'aria-invalid="true"' in text
    assert stored(city, person_id).id_number not in text
    assert len(city.audit_rows("reveal")) == before


def test_another_countys_person_is_not_found_and_not_audited(city: City) -> None:
    log_in(city.client, "county_b")
    before = len(city.audit_rows("reveal"))
    answer = post_reveal(city.client, city.person(COUNTY_A), REASON)
    assert answer.status_code == 404
    assert "未找到" in answer.text
    assert len(city.audit_rows("reveal")) == before


def test_a_role_that_may_not_reveal_gets_no_form_and_a_403_page(city: City) -> None:
    log_in(city.client, "analyst")
    person_id = city.person(COUNTY_B)
    page = city.client.get(f"/persons/{person_id}")  # analysts read no person at all
    assert page.status_code == 403 and "查看完整证件号" not in page.text
    answer = post_reveal(city.client, person_id, REASON)
    assert answer.status_code == 403
    assert "<h1>无权访问</h1>" in answer.text
    assert stored(city, person_id).id_number not in answer.text
    assert city.audit_rows("forbidden")[-1].detail["path"].endswith("/reveal")


def test_the_form_is_refused_without_its_csrf_token(city: City) -> None:
    log_in(city.client, "admin")
    person_id = city.person(COUNTY_B)
    before = len(city.audit_rows("reveal"))
    answer = post_reveal(city.client, person_id, REASON, csrf="forged")
    assert answer.status_code == 403
    assert stored(city, person_id).id_number not in answer.text
    assert len(city.audit_rows("reveal")) == before


def test_a_case_worker_reveals_a_graduate_but_no_one_else(city: City) -> None:
    log_in(city.client, "worker_a")
    graduate = city.person(COUNTY_A, graduate=True)
    page = city.client.get(f"/persons/{graduate}")
    assert "查看完整证件号" in page.text
    assert post_reveal(city.client, graduate, REASON).status_code == 200
    other = city.person(COUNTY_A, graduate=False)
    assert post_reveal(city.client, other, REASON).status_code == 404
