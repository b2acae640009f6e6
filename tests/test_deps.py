"""Routes get the app's parts through ``serving.api.deps``: no router, service or runtime module
reads ``app.state`` itself; the snapshot is read once per request; every dependency there runs
on the event loop (no hop to the thread pool)."""

from __future__ import annotations

import ast
import inspect
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from serving.api import deps
from serving.api.deps import NOT_READY_ZH, ServiceDep, SnapshotDep, SnapshotOrNoneDep
from serving.api.errors import install_error_handlers
from serving.runtime.snapshot import ServingSnapshot
from serving.runtime.state import ServiceState
from tests.api_models import city_context

ROOT = Path(__file__).resolve().parent.parent
# Where routes and the work behind them live: they say what they need in their signatures.
NO_APP_STATE = ("serving/api/routers", "serving/services", "serving/runtime", "serving/pages")


def app_state_reads(root: Path = ROOT, folders: tuple[str, ...] = NO_APP_STATE) -> list[str]:
    """``path:line`` of every ``<x>.app.state`` or ``app.state`` in ``folders``' modules."""
    found = []
    for folder in folders:
        for source in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr == "state":
                    owner = node.value
                    if (isinstance(owner, ast.Attribute) and owner.attr == "app") or (
                        isinstance(owner, ast.Name) and owner.id == "app"
                    ):
                        found.append(f"{source.relative_to(root).as_posix()}:{node.lineno}")
    return found


def test_no_router_service_or_runtime_module_reads_app_state() -> None:
    assert app_state_reads() == []


def test_the_check_catches_a_read_of_app_state(tmp_path: Path) -> None:
    (tmp_path / "serving" / "api" / "routers").mkdir(parents=True)
    (tmp_path / "serving" / "services").mkdir()
    (tmp_path / "serving" / "api" / "routers" / "bad.py").write_text(
        "def route(request):\n    return request.app.state.sessions\n"
    )
    (tmp_path / "serving" / "services" / "worse.py").write_text(
        "x = 1\ny = getattr(app.state, 'service', None)\n"
    )
    (tmp_path / "serving" / "services" / "fine.py").write_text("state = service.state\n")
    assert app_state_reads(tmp_path, ("serving/api/routers", "serving/services")) == [
        "serving/api/routers/bad.py:2",
        "serving/services/worse.py:2",
    ]


def dependencies_of_deps() -> dict[str, object]:
    """The callables behind every ``...Dep`` alias of ``serving.api.deps``."""
    found = {}
    for name in deps.__all__:
        alias = getattr(deps, name)
        if name.endswith("Dep"):
            marker = typing.get_args(alias)[1]
            found[name] = marker.dependency
    return found


def test_every_dependency_runs_on_the_event_loop() -> None:
    found = dependencies_of_deps()
    assert {"SettingsDep", "SessionsDep", "EngineDep", "ServiceDep", "SnapshotDep"} <= set(found)
    for name, dependency in found.items():
        assert inspect.iscoroutinefunction(dependency), name


@pytest.fixture
def app() -> Iterator[FastAPI]:
    """A bare app with the error handlers and a service state, no database."""
    app = FastAPI()
    install_error_handlers(app)
    app.state.service = ServiceState()
    yield app


def test_no_snapshot_answers_503_in_the_error_shape(app: FastAPI) -> None:
    @app.get("/needs")
    async def needs(snapshot: SnapshotDep) -> dict[str, int]:
        return {"persons": snapshot.context.persons.height}

    @app.get("/copes")
    async def copes(snapshot: SnapshotOrNoneDep) -> dict[str, bool]:
        return {"loaded": snapshot is not None}

    with TestClient(app) as client:
        answer = client.get("/needs")
        assert answer.status_code == 503 and answer.headers["Retry-After"]
        body = answer.json()
        assert body["error"] == "ServiceUnavailable" and body["message_zh"] == NOT_READY_ZH
        assert body["message"]
        assert client.get("/copes").json() == {"loaded": False}
        app.state.service.snapshot = ServingSnapshot.of(city_context())
        assert client.get("/needs").json() == {"persons": city_context().persons.height}
        assert client.get("/copes").json() == {"loaded": True}


async def refreshed_mid_request(snapshot: SnapshotDep, state: ServiceDep) -> ServingSnapshot:
    """Reads the snapshot, then swaps a new one in, as a refresh in another thread would."""
    state.snapshot = ServingSnapshot.of(snapshot.context)
    return snapshot


def test_a_request_keeps_the_snapshot_it_read_when_a_refresh_swaps_in_another(
    app: FastAPI,
) -> None:
    """Every part of a request that asks for the snapshot gets the one read first, even after
    the service swapped in a new one mid-request; the next request gets the new one."""
    state = app.state.service
    state.snapshot = first = ServingSnapshot.of(city_context())

    @app.get("/twice")
    def twice(
        before: Annotated[ServingSnapshot, Depends(refreshed_mid_request)],
        after: SnapshotDep,
        service: ServiceDep,
    ) -> dict[str, bool]:
        assert service.snapshot is not None
        return {"one snapshot": before is after, "swapped": after is not service.snapshot}

    with TestClient(app) as client:
        answers = []
        for _ in range(2):
            seen = state.snapshot
            assert client.get("/twice").json() == {"one snapshot": True, "swapped": True}
            answers.append(seen)
            assert state.snapshot is not seen
        assert answers[0] is first and answers[1] is not first
