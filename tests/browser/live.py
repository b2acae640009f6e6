"""A live jobmatch server for browser tests: the test city (SQLite copy of the session's
template) with the users of ``tests.api_city`` and the shared champions, served by uvicorn on a
free localhost port in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from matching.settings import Settings
from serving.app import create_app
from tests.api_city import fill_database
from tests.api_models import champion_store


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(
    folder: Path,
    *,
    load_models: bool = True,
    tracking_uri: Callable[[str], str] | None = None,
) -> Iterator[LiveServer]:
    """``tracking_uri``: builds a registry of the test's own from the database URL (default:
    the shared ``champion_store()``, whose aliases no test may move)."""
    url = f"sqlite:///{folder / 'pages.db'}"
    fill_database(url)
    store = champion_store() if tracking_uri is None else tracking_uri(url)
    settings = Settings(
        data_dir=folder,
        database_url=url,
        mlflow_tracking_uri=store if load_models else "",
        load_models=load_models,
        model_poll_seconds=3600,
        snapshot_refresh_seconds=3600,
    )
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
