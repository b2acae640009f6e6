"""Tools of the fault tests: a port nobody listens on,
a loop of requests on its own thread, and a database that can be taken down and brought back
(PostgreSQL behind a ``TcpProxy``; SQLite, which has no server, by moving its folder away and
dropping the pooled connections, as when the volume holding it goes away)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api_city import COUNTY_A, fill_database, headers, persons_of
from tests.tcp_proxy import TcpProxy

JOBS = "/api/persons/{}/recommendations/jobs"
Outage = tuple[str, Callable[[TestClient], None], Callable[[], None]]


def jobs_route() -> str:
    """Job recommendations of the first person of county A."""
    return JOBS.format(int(persons_of(COUNTY_A)["id"][0]))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_for(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``condition`` held; fails after ``seconds``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "condition not met in time"
        time.sleep(0.02)
    return time.monotonic() - started


class Requests:
    """Asks for recommendations in a loop on its own thread, noting each answer."""

    def __init__(self, client: TestClient) -> None:
        self.client, self.auth = client, headers(client, "county_a")
        self.route = jobs_route() + "?k=3"
        self.answers: list[tuple[float, int, str]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            answer = self.client.get(self.route, headers=self.auth)
            version = answer.json().get("model_version", "") if answer.status_code == 200 else ""
            self.answers.append((time.monotonic(), answer.status_code, version))

    def latest(self) -> str:
        return self.answers[-1][2] if self.answers else ""

    def since(self, moment: float) -> set[str]:
        return {version for at, _, version in self.answers if at > moment}

    def finish(self) -> list[tuple[float, int, str]]:
        self.stop.set()
        self.thread.join(timeout=30)
        return self.answers


@contextmanager
def outage(engine: Engine, folder: Path) -> Iterator[Outage]:
    """The test city in a database like ``engine``'s: the URL the service should use, how to
    take that database down (given the running client) and how to bring it back."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        fill_database(url)
        with TcpProxy(engine.url.host or "127.0.0.1", engine.url.port or 5432) as proxy:
            through = engine.url.set(host="127.0.0.1", port=proxy.port)
            yield (
                through.render_as_string(hide_password=False),
                lambda _client: proxy.cut(),
                proxy.restore,
            )
        return
    home, away = folder / "database", folder / "database-away"
    home.mkdir()
    url = f"sqlite:///{home / 'jobmatch.db'}"
    fill_database(url)

    def cut(client: TestClient) -> None:
        home.rename(away)
        client.app.state.engine.dispose()  # type: ignore[attr-defined]

    def restore() -> None:
        away.rename(home)

    yield url, cut, restore
