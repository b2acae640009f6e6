"""Every error body carries a Chinese message, and no request body can turn into a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from matching.storage import make_engine
from serving.api.errors import request_problem
from serving.api.schemas.common import IdText, IdValue
from tests.api_city import headers, served_city


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("errors")
    engine = make_engine(f"sqlite:///{folder / 'jobmatch.db'}")
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


NOT_JSON_ZH = "请求内容不是有效的JSON（须为UTF-8编码的JSON，且嵌套不能过深），请检查后重试"
DEEP = b"[" * 100_000 + b"]" * 100_000


def _problem(answer: Response, status: int) -> dict[str, Any]:
    """The answer is the error shape with a Chinese message (and says so for every status)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert isinstance(body, dict)
    assert {"error", "message", "message_zh"} <= body.keys(), body
    assert body["message_zh"] and not body["message_zh"].isascii()
    return body


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b'{"person_id": ', 422),  # not JSON: FastAPI's json_invalid
        (b'{"note": "\xff\xfe"}', 400),  # not UTF-8
        (DEEP, 400),  # json.loads gives up (RecursionError), never a 500
        (b"[" * 2000 + b"]" * 2000, 400),
    ],
)
def test_a_body_that_is_not_json_says_so_in_chinese(
    client: TestClient, content: bytes, status: int
) -> None:
    answer = client.post(
        "/api/referrals",
        content=content,
        headers=headers(client, "admin") | {"Content-Type": "application/json"},
    )
    body = _problem(answer, status)
    assert body["message_zh"].startswith(NOT_JSON_ZH)


def test_a_deep_value_inside_a_field_is_refused_without_echoing_it_to_death(
    client: TestClient,
) -> None:
    """900 levels parse and are answered like any wrong value."""
    deep = "[" * 900 + "]" * 900
    answer = client.post(
        "/api/referrals",
        content=f'{{"person_id": {deep}, "source": "self", "vacancy_id": 1}}'.encode(),
        headers=headers(client, "admin") | {"Content-Type": "application/json"},
    )
    body = _problem(answer, 422)
    assert body["code"] == "request_invalid" and body["field"].endswith("person_id")


def test_an_input_too_deep_to_echo_is_left_out_of_the_answer() -> None:
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    problem = request_problem(
        [{"type": "int_type", "loc": ("body", "x"), "msg": "m", "input": deep}]
    )
    assert problem["detail"] == [{"type": "int_type", "loc": ["body", "x"], "msg": "m"}]
    assert (problem["field"], problem["message_zh"]) == ("x", "请求内容不符合要求，请检查：x")


def test_unknown_routes_and_wrong_methods_speak_chinese(client: TestClient) -> None:
    assert _problem(client.get("/api/nothing"), 404)["message_zh"] == "请求的地址不存在，请检查网址"
    wrong = client.delete("/api/referrals", headers=headers(client, "admin"))
    assert _problem(wrong, 405)["message_zh"] == "该地址不支持此请求方法"
    assert "allow" in wrong.headers


@pytest.mark.parametrize(
    ("files", "content", "content_type"),
    [
        ({"x" * 200_000: ("a.csv", b"a,b\n", "text/csv")}, None, None),  # a huge field name
        (None, b"abc", "multipart/form-data"),  # no boundary
        (None, b'--xx\r\nContent-Disposition: form-data; name="file"\r\n', None),
    ],
)
def test_a_broken_upload_form_says_so_in_chinese(
    client: TestClient,
    files: dict[str, Any] | None,
    content: bytes | None,
    content_type: str | None,
) -> None:
    sent = headers(client, "admin")
    if content is not None:
        sent |= {"Content-Type": content_type or "multipart/form-data; boundary=xx"}
    answer = client.post("/api/imports/persons", files=files, content=content, headers=sent)
    body = _problem(answer, answer.status_code)
    assert answer.status_code in {400, 422}
    if answer.status_code == 400:
        assert body["message_zh"].startswith("上传的表单无法解析")


# --- strict ids ---------------------------------------------------------------------------------

# Every spelling of an id but the one the API writes: decimal, exponent, leading zero, space,
# sign, zero, underscore, a full-width digit (int() would read it), past the 32-bit range.
OTHER_SPELLINGS = [
    "1.0",
    "01",
    "1e0",
    "%201",
    "1%20",
    "+1",
    "-1",
    "0",
    "1_0",
    "%EF%BC%91",
    "2147483648",
]


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [(method, path, op) for path, ops in paths.items() for method, op in ops.items()]


def _id_params(operation: dict[str, Any]) -> list[str]:
    return [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "path" and p["schema"].get("type") == "integer"
    ]


def _url(path: str, operation: dict[str, Any], value: str) -> str:
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            filled = value if param["schema"].get("type") == "integer" else "persons"
            path = path.replace("{" + param["name"] + "}", filled)
    return path


def test_the_schema_describes_every_path_id_as_an_integer_from_1(client: TestClient) -> None:
    schemas = [
        param["schema"]
        for _m, _p, operation in _operations(client)
        for param in operation.get("parameters", [])
        if param["name"].endswith("_id")
    ]
    assert len(schemas) > 30
    for schema in schemas:
        integer = next((s for s in schema.get("anyOf", [schema]) if "type" in s), schema)
        assert (integer["type"], integer["minimum"], integer["maximum"]) == (
            "integer",
            1,
            2**31 - 1,
        )


@pytest.mark.parametrize("spelling", OTHER_SPELLINGS)
def test_every_path_id_refuses_every_other_spelling(client: TestClient, spelling: str) -> None:
    admin = headers(client, "admin")
    checked = 0
    for method, path, operation in _operations(client):
        names = _id_params(operation)
        if not names:
            continue
        answer = client.request(method, _url(path, operation, spelling), headers=admin)
        body = _problem(answer, 422)
        assert any(name in body["message_zh"] for name in names), (method, path, body)
        checked += 1
    assert checked > 30


def test_the_plain_spelling_of_an_id_is_read(client: TestClient) -> None:
    admin = headers(client, "admin")
    assert client.get("/api/referrals/1", headers=admin).status_code == 200
    assert (
        client.get("/api/vacancies", params={"employer_id": "1"}, headers=admin).status_code == 200
    )
    refused = client.get("/api/vacancies", params={"employer_id": "01"}, headers=admin)
    assert _problem(refused, 422)["field"] == "employer_id"


@pytest.mark.parametrize("value", ["20001", "1", True, 1.5, 0, -1, 2**31, None, [1]])
def test_a_body_id_is_a_json_number(client: TestClient, value: object) -> None:
    answer = client.post(
        "/api/referrals",
        json={"person_id": value, "source": "self", "vacancy_id": 1},
        headers=headers(client, "admin"),
    )
    body = _problem(answer, 422)
    assert body["field"].endswith("person_id") and "person_id" in body["message_zh"]
    ledger = client.post(
        "/api/ledgers", json={"person_id": value}, headers=headers(client, "admin")
    )
    assert _problem(ledger, 422)["field"] == "person_id"


def test_a_whole_json_number_is_the_same_id(client: TestClient) -> None:
    """JSON Schema (and JavaScript) cannot tell 20001.0 from 20001: both are the number."""
    answers = [
        client.post(
            "/api/referrals",
            json={"person_id": number, "source": "self", "vacancy_id": 1},
            headers=headers(client, "admin"),
        )
        for number in (999_999, 999_999.0)
    ]
    assert [a.status_code for a in answers] == [404, 404]


@pytest.mark.parametrize("text", ["1", "01", " 1", "1.0", "+1", "1e0", "１"])
def test_id_types_directly(text: str) -> None:
    ids, texts = TypeAdapter(IdValue), TypeAdapter(IdText)
    assert texts.validate_python("1") == 1 and ids.validate_python(1) == 1
    with pytest.raises(PydanticValidationError):
        ids.validate_python(text)
    if text != "1":
        with pytest.raises(PydanticValidationError):
            texts.validate_python(text)


# --- every operation, malformed ------------------------------------------------------------------


def test_every_operation_answers_a_malformed_body_in_the_error_shape(client: TestClient) -> None:
    admin = headers(client, "admin")
    checked = set()
    for method, path, operation in _operations(client):
        content = operation.get("requestBody", {}).get("content", {})
        url = _url(path, operation, "1")
        if "application/json" in content:
            answer = client.request(
                method, url, content=b'{"x": ', headers=admin | {"Content-Type": "application/json"}
            )
            assert _problem(answer, 422)["code"] == "json_invalid", (method, path)
        elif "multipart/form-data" in content:
            answer = client.request(
                method, url, content=b"abc", headers=admin | {"Content-Type": "multipart/form-data"}
            )
            assert _problem(answer, 400)["message_zh"].startswith("上传的表单无法解析"), path
        elif content:  # the login form
            answer = client.request(
                method, url, content=b"\xff", headers={"Content-Type": next(iter(content))}
            )
            assert 400 <= answer.status_code < 500
            _problem(answer, answer.status_code)
        else:
            continue
        checked.add((method, path))
    assert len(checked) > 25


def test_every_operation_answers_a_missing_login_in_the_error_shape(client: TestClient) -> None:
    public = {"/healthz", "/readyz", "/metrics", "/api/health", "/api/auth/token"}
    for method, path, operation in _operations(client):
        if path in public:
            continue
        answer = client.request(method, _url(path, operation, "1"))
        _problem(answer, 401)
