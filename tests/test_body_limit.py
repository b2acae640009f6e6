"""A body past its limit is refused with 413 before it is read, declared or chunked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from matching.settings import Settings
from serving.api.body_limit import MULTIPART_LIMIT, OTHER_LIMIT
from serving.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("body"), load_models=False)
    with TestClient(create_app(settings)) as served:
        yield served


PART = (
    b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\n"
)


def chunks(total: int, size: int = 1024 * 1024, head: bytes = b"") -> Iterator[bytes]:
    yield head
    sent = len(head)
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"x" * piece


def assert_refused(answer: object) -> None:
    assert getattr(answer, "status_code", None) == 413
    body = answer.json()  # type: ignore[attr-defined]
    assert body["error"] == "RequestTooLarge" and "过大" in body["message_zh"]


def test_a_declared_length_past_the_limit_is_refused_unread(client: TestClient) -> None:
    headers = {"content-type": "multipart/form-data; boundary=x", "content-length": "999999999"}
    answer = client.post("/api/imports/persons", content=b"", headers=headers)
    assert_refused(answer)
    json_headers = {"content-type": "application/json", "content-length": str(OTHER_LIMIT + 1)}
    assert_refused(client.post("/api/auth/token", content=b"", headers=json_headers))


def test_a_chunked_body_is_cut_off_at_the_limit(client: TestClient) -> None:
    headers = {"content-type": "multipart/form-data; boundary=x"}
    answer = client.post(
        "/api/imports/persons", content=chunks(MULTIPART_LIMIT + 1, head=PART), headers=headers
    )
    assert_refused(answer)
    answer = client.post(
        "/api/referrals",
        content=chunks(OTHER_LIMIT + 1),
        headers={"content-type": "application/json"},
    )
    assert_refused(answer)


def test_bodies_within_the_limit_reach_the_routes(client: TestClient) -> None:
    answer = client.post("/api/referrals", content=chunks(OTHER_LIMIT, head=b"["))
    assert answer.status_code == 401  # read whole, then refused for want of a token


def test_a_page_form_past_the_limit_gets_a_page(client: TestClient) -> None:
    headers = {"content-type": "multipart/form-data; boundary=x", "content-length": "999999999"}
    answer = client.post("/imports", content=b"", headers=headers)
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "<h1>内容过大</h1>" in answer.text and "拆分后分批导入" in answer.text
    assert "content-security-policy" in answer.headers
