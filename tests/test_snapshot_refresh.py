"""The feature snapshot follows the database: persons created after start-up are answered (not
404), one refresh serves any number of waiting requests, an unchanged database is not re-read,
a failed read keeps the old snapshot, and a service started on an empty database comes up by
itself once data arrives."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pydantic
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

import serving.runtime.state
from features.moment import micros_of
from features.sources import Snapshot
from matching.accounts import create_user
from matching.settings import Settings
from matching.storage import Vacancy, make_engine, make_sessionmaker, upgrade_database
from matching.synth.writer import write_frames
from serving.app import create_app
from serving.runtime import snapshot_reader
from serving.runtime.state import ServiceState
from tests import api_city
from tests.api_city import COUNTY_A, COUNTY_B, PASSWORD, fill_database, headers
from tests.api_models import champion_store
from tests.api_persons import add_person

WAIT_SECONDS = 60.0


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def settings_for(url: str, folder: Path, refresh_seconds: float = 3600) -> Settings:
    return Settings(
        data_dir=folder,
        database_url=url,
        mlflow_tracking_uri=champion_store(),
        model_poll_seconds=3600,
        snapshot_refresh_seconds=refresh_seconds,
    )


@contextmanager
def served(url: str, folder: Path, refresh_seconds: float = 3600) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(url, folder, refresh_seconds))) as client:
        yield client


def service(client: TestClient) -> ServiceState:
    state = client.app.state.service  # type: ignore[attr-defined]
    assert isinstance(state, ServiceState)
    return state


def jobs(client: TestClient, person_id: int, user: str = "county_a") -> int:
    route = f"/api/persons/{person_id}/recommendations/jobs?k=3"
    return int(client.get(route, headers=headers(client, user)).status_code)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[ServiceState, Engine]:
    """A service state loaded from the test city in SQLite (no app), for refresh mechanics."""
    folder = tmp_path_factory.mktemp("refresh")
    url = f"sqlite:///{folder / 'jobmatch.db'}"
    upgrade_database(make_engine(url))
    fill_database(url)
    engine = make_engine(url)
    state = ServiceState()
    state.load(engine, champion_store(), folder)
    assert state.snapshot is not None and state.refreshes == 1
    return state, engine


# --- through the API, on SQLite and PostgreSQL ----------------------------------------------------


def test_a_person_created_after_start_up_is_answered_after_one_refresh(
    engine: Engine, tmp_path: Path
) -> None:
    url = url_of(engine)
    fill_database(url)
    with served(url, tmp_path) as client:
        state = service(client)
        started = state.refreshes
        newcomer = add_person(engine, COUNTY_A)
        assert jobs(client, newcomer, "county_b") == 404  # another county: no refresh for it
        assert jobs(client, 999_999) == 404  # not in the database: no refresh either
        assert state.refreshes == started
        assert jobs(client, newcomer) == 200
        assert state.refreshes == started + 1
        assert jobs(client, newcomer) == 200 and state.refreshes == started + 1
        answer = client.get(
            f"/api/persons/{newcomer}/recommendations/courses", headers=headers(client, "county_a")
        )
        assert answer.status_code == 200 and answer.json()["items"]
        assert jobs(client, add_person(engine, COUNTY_B), "county_a") == 404


def test_a_service_started_on_an_empty_database_comes_up_by_itself(
    engine: Engine, tmp_path: Path
) -> None:
    with make_sessionmaker(engine).begin() as session:
        create_user(
            session,
            username="county_a",
            display_name="A",
            role="counselor",
            county=COUNTY_A,
            password=PASSWORD,
            actor="test",
        )
    with served(url_of(engine), tmp_path, refresh_seconds=1) as client:
        state = service(client)
        assert jobs(client, 1) == 503
        assert state.snapshot is None and state.jobs is None
        write_frames(engine, api_city.test_city().frames, lambda *_: None)
        written = time.monotonic()
        deadline = written + WAIT_SECONDS
        while (state.snapshot is None or state.read_started < written) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.2)  # no request: the background refresh alone must find the data
        assert state.snapshot is not None and state.read_started >= written
        assert state.jobs is not None and state.jobs.current.label == "champion:1"
        person = int(api_city.test_city().frames["persons"].filter(county=COUNTY_A)["id"][0])
        answer = client.get(
            f"/api/persons/{person}/recommendations/jobs", headers=headers(client, "county_a")
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["model_version"] == "champion:1"


# --- the refresh mechanics (SQLite) ---------------------------------------------------------------


def test_requests_waiting_for_a_new_person_share_one_refresh(
    loaded: tuple[ServiceState, Engine],
) -> None:
    state, engine = loaded
    newcomers = [add_person(engine, COUNTY_A) for _ in range(3)]
    missed_at = time.monotonic()
    before = state.refreshes
    barrier = threading.Barrier(8)
    answers: list[bool] = []

    def ask(person_id: int) -> None:
        barrier.wait()
        answers.append(state.refresh_for(person_id, missed_at))

    threads = [threading.Thread(target=ask, args=(newcomers[i % 3],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert answers == [True] * 8
    assert state.refreshes == before + 1
    assert state.snapshot is not None
    assert all(state.snapshot.holds(person_id) for person_id in newcomers)


def test_an_unchanged_database_is_not_read_again_and_a_change_is_swapped_in_whole(
    loaded: tuple[ServiceState, Engine],
) -> None:
    state, engine = loaded
    state.refresh_snapshot(force=True)
    old, before = state.snapshot, state.refreshes
    assert state.refresh_snapshot() and state.refreshes == before and state.snapshot is old
    with make_sessionmaker(engine).begin() as session:
        session.execute(update(Vacancy).where(Vacancy.id == 1).values(title="新岗位名称"))
    assert state.refresh_snapshot() and state.refreshes == before + 1
    new = state.snapshot
    assert new is not None and new is not old and old is not None
    assert new.context is not old.context and new.lookups is not old.lookups
    assert new.frames is not old.frames and new.frames.context is new.context
    assert new.lookups.vacancies[1].title == "新岗位名称"
    assert new.context.snapshot.vacancies.filter(id=1)["title"].to_list() == ["新岗位名称"]
    assert old.lookups.vacancies[1].title != "新岗位名称"  # a request holding the old one
    assert old.context.snapshot.vacancies.filter(id=1)["title"].to_list() != ["新岗位名称"]


def test_a_refresh_prepares_todays_request_frames(loaded: tuple[ServiceState, Engine]) -> None:
    state, _engine = loaded
    state.refresh_snapshot(force=True)
    snapshot = state.snapshot
    assert snapshot is not None
    assert snapshot.frames.covering(micros_of(datetime.now(UTC))) is not None
    snapshot.frames.kept = []  # as if the day had turned: an unchanged database
    assert state.refresh_snapshot() and state.snapshot is snapshot
    assert snapshot.frames.covering(micros_of(datetime.now(UTC))) is not None


def test_a_failed_refresh_keeps_the_old_snapshot_and_the_loop_goes_on(
    loaded: tuple[ServiceState, Engine], tmp_path: Path
) -> None:
    state, engine = loaded
    old = state.snapshot
    state.engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    stop = state.stop
    try:
        assert state.refresh_snapshot(force=True) is False
        assert state.refresh_for(add_person(engine, COUNTY_A), time.monotonic()) is False
        assert state.snapshot is old
        state.stop = threading.Event()
        thread = state.watch(0.01)
        time.sleep(0.2)
        assert thread.is_alive()
        state.stop.set()
        thread.join(5)
    finally:
        state.engine, state.stop = engine, stop


def test_a_request_answers_503_while_the_snapshot_cannot_be_refreshed(
    loaded: tuple[ServiceState, Engine], tmp_path: Path
) -> None:
    _, engine = loaded
    url = url_of(engine)
    with served(url, tmp_path) as client:
        state = service(client)
        newcomer = add_person(engine, COUNTY_A)
        working, state.engine = state.engine, make_engine(f"sqlite:///{tmp_path / 'x' / 'y.db'}")
        answer = client.get(
            f"/api/persons/{newcomer}/recommendations/jobs", headers=headers(client, "county_a")
        )
        assert answer.status_code == 503
        assert answer.json()["message_zh"] == "推荐数据正在更新，请稍后重试"
        assert answer.headers["Retry-After"]
        state.engine = working
        assert jobs(client, newcomer) == 200


# --- settings -------------------------------------------------------------------------------------


def test_the_refresh_interval_is_validated() -> None:
    assert Settings.model_fields["snapshot_refresh_seconds"].default == 300
    for bad in (0, -5, 0.5, 86_401):
        with pytest.raises(pydantic.ValidationError, match="snapshot_refresh_seconds"):
            Settings(snapshot_refresh_seconds=bad)


def test_a_background_refresh_reads_in_a_child_process_the_same_snapshot(
    loaded: tuple[ServiceState, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watch loop's re-read runs in a spawned process (it holds the interpreter lock for
    seconds otherwise) and yields the very frames an in-process read gives."""
    state, engine = loaded
    state.refresh_snapshot(force=True)
    here = state.snapshot
    readers: list[int] = []

    def recorded(url: str) -> tuple[int, Snapshot]:
        child, snapshot = snapshot_reader.read_snapshot_elsewhere(url)
        readers.append(child)
        return child, snapshot

    monkeypatch.setattr(serving.runtime.state, "read_snapshot_elsewhere", recorded)
    stop = threading.Event()
    monkeypatch.setattr(state, "stop", stop)
    with make_sessionmaker(engine).begin() as session:  # a change for the loop to read
        session.execute(update(Vacancy).where(Vacancy.id == 2).values(title="换了名称的岗位"))
    thread = state.watch(0.01)  # the background loop reads elsewhere
    deadline = time.monotonic() + 120
    while not readers and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(30)
    assert readers and readers[0] != os.getpid()
    elsewhere = state.snapshot
    state.refresh_snapshot(force=True)
    assert elsewhere is not None and state.snapshot is not None and elsewhere is not here
    tables = elsewhere.context.snapshot
    assert tables.vacancies.filter(id=2)["title"].to_list() == ["换了名称的岗位"]
    for name in ("persons", "assessments", "vacancies", "referrals", "events"):
        read_here = getattr(state.snapshot.context.snapshot, name)
        assert getattr(tables, name).equals(read_here), name
