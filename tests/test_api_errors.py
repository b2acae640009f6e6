"""Every error body carries a Chinese message, and no request body can turn into a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from matching.storage import make_engine, upgrade_database
from tests.api_city import headers, served_city


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("errors")
    engine = make_engine(f"sqlite:///{folder / 'jobmatch.db'}")
    upgrade_database(engine)
    with served_city(engine, folder) as served:
        yield served
    engine.dispose()


def test_a_lone_surrogate_in_a_body_is_a_422_not_a_500(client: TestClient) -> None:
    answer = client.post(
        "/api/referrals",
        content=b'{"person_id": "\\ud800", "source": "counselor", "vacancy_id": 1}',
        headers=headers(client, "admin") | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"][0]["input"] == "\ud800"
    assert "person_id" in body["message_zh"]


def test_not_found_speaks_chinese(client: TestClient) -> None:
    answer = client.get("/api/referrals/999999", headers=headers(client, "admin"))
    assert answer.status_code == 404
    assert answer.json()["message_zh"] == "未找到该记录，或该记录不在您的辖区内"
