"""`jobmatch serve` runs on uvloop and httptools, not asyncio and h11, and its own 400s are JSON."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from serving.api.errors import install_error_handlers
from serving.cli import server_config


def test_the_server_uses_uvloop_and_httptools() -> None:
    config = server_config(FastAPI(), "127.0.0.1", 8000)
    config.load()
    assert isinstance(config.http_protocol_class, type)
    assert issubclass(config.http_protocol_class, HttpToolsProtocol)
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()


@pytest.fixture(scope="module")
def served_port() -> Iterator[int]:
    """A real server as ``serve`` configures it, on a free port, with the app's error handlers."""
    app = FastAPI()
    install_error_handlers(app)
    config = server_config(app, "127.0.0.1", 0)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(10)


def _exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        # The server may answer and close before it has read the rest.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.lower().split(": ", 1) for line in lines)
    return int(status_line.split()[1]), fields, body


@pytest.mark.parametrize("length", [70_000, 200_000])
def test_a_url_the_server_refuses_is_answered_in_the_error_shape(
    served_port: int, length: int
) -> None:
    request = b"GET /api/" + b"a" * length + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    status, fields, body = _exchange(served_port, request)
    assert (status, fields["content-type"]) == (400, "application/json")
    answer = json.loads(body)
    assert answer["error"] == "BadRequest" and answer["message_zh"].startswith("请求无效")


def test_a_long_url_the_server_lets_through_is_the_apps_json(served_port: int) -> None:
    request = b"GET /api/" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    status, fields, body = _exchange(served_port, request)
    assert (status, fields["content-type"]) == (404, "application/json")
    assert json.loads(body)["message_zh"] == "请求的地址不存在，请检查网址"


def test_header_lines_past_the_limit_are_refused_before_the_app(served_port: int) -> None:
    request = b"GET /api/x HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    status, fields, body = _exchange(served_port, request)
    assert (status, fields["content-type"]) == (431, "application/json")
    assert json.loads(body)["error"] == "HeadersTooLarge"
    fine = b"GET /api/x HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8_000
    status, _, _ = _exchange(served_port, fine + b"\r\nConnection: close\r\n\r\n")
    assert status == 404
