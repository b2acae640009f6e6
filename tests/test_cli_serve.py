"""`jobmatch serve` runs on uvloop and httptools, not asyncio and h11."""

from __future__ import annotations

from fastapi import FastAPI

from serving.cli import server_config


def test_the_server_uses_uvloop_and_httptools() -> None:
    config = server_config(FastAPI(), "127.0.0.1", 8000)
    config.load()
    assert config.http_protocol_class.__module__ == "uvicorn.protocols.http.httptools_impl"
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
