"""The nightly batch (issue 21 §1): blocks, the same lists on this process and on Dask, resuming
a stopped night, and a night that loses a worker."""

from __future__ import annotations

import importlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from serving.batch.blocks import person_blocks
from serving.batch.ranking import BatchSource, night_state, rank_block, serving_state
from serving.batch.run import night_folder, read_night, run_night
from serving.services.recommend import recommend_jobs
from serving.services.recommend_courses import recommend_courses
from tests import api_city
from tests.api_models import served_settings

AT = datetime(2026, 11, 28, 2, tzinfo=UTC)


def test_blocks_go_county_by_county_and_keep_the_limit() -> None:
    persons = pl.DataFrame({"id": [5, 1, 4, 2, 3], "county": ["B", "A", "B", "A", "A"]})
    blocks = person_blocks(persons, 2)
    assert [(b.county, b.person_ids) for b in blocks] == [
        ("A", (1, 2)),
        ("A", (3,)),
        ("B", (4, 5)),
    ]
    assert [b.index for b in blocks] == [0, 1, 2] and blocks[2].name == "part-00002.parquet"
    assert [b.person_ids for b in person_blocks(persons, 10, limit=4)] == [(1, 2, 3), (4,)]
    with pytest.raises(ValueError):
        person_blocks(persons, 0)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BatchSource]:
    folder = tmp_path_factory.mktemp("batch-city")
    settings = served_settings(folder)
    yield BatchSource(
        database_url=settings.resolved_database_url,
        tracking_uri=settings.resolved_mlflow_tracking_uri,
        data_dir=str(folder),
        at=AT,
    )


def _blocks(size: int, limit: int) -> list:  # type: ignore[type-arg]
    persons = api_city.test_city().frames["persons"].select("id", "county")
    return person_blocks(persons, size, limit)


def test_a_block_holds_each_persons_jobs_and_courses(source: BatchSource) -> None:
    block = _blocks(5, 5)[0]
    rows = rank_block(source, block)
    assert set(rows["person_id"].to_list()) <= set(block.person_ids)
    jobs = rows.filter(pl.col("kind") == "jobs")
    assert jobs.height > 0 and jobs["model_version"].unique().to_list() == ["champion:1"]
    for _person, lines in jobs.group_by("person_id"):
        assert lines["rank"].sort().to_list() == list(range(1, lines.height + 1))
        assert lines.height <= source.jobs_k
    assert rows.filter(pl.col("kind") == "courses").height > 0


def test_a_block_gives_each_person_the_lists_of_their_own_request(source: BatchSource) -> None:
    block = _blocks(12, 12)[0]
    rows = rank_block(source, block)
    state = serving_state(source)
    snapshot, jobs_model, courses_model = state.snapshot, state.jobs, state.courses
    assert snapshot is not None and jobs_model is not None and courses_model is not None
    # the night scores with compiled trees, the lists below with LightGBM's own
    night = night_state(source)
    assert night.jobs.forest is not None and night.courses.forest is not None
    assert jobs_model.loaded.forest is None
    for person_id in block.person_ids:
        mine = rows.filter(pl.col("person_id") == person_id)
        jobs = recommend_jobs(snapshot, jobs_model.loaded, person_id, source.at, source.jobs_k)
        courses = recommend_courses(
            snapshot, courses_model.loaded, person_id, source.at, source.courses_k
        )
        for kind, lines, ids in (
            ("jobs", jobs.lines, [line.vacancy_id for line in jobs.lines]),
            ("courses", courses.lines, [line.course_id for line in courses.lines]),
        ):
            got = mine.filter(pl.col("kind") == kind)
            assert got["item_id"].to_list() == ids, (person_id, kind)
            assert got["score"].to_list() == [line.score for line in lines]
            assert got["reasons"].to_list() == [line.reasons for line in lines]
            assert got["note"].to_list() == [line.congestion for line in lines]
    assert rows.filter(pl.col("kind") == "courses")["person_id"].n_unique() == len(block.person_ids)


def test_a_stopped_night_is_resumed_block_by_block(source: BatchSource, tmp_path: Path) -> None:
    blocks = _blocks(10, 40)
    first = run_night(source, blocks, tmp_path)
    assert (first.blocks, first.ranked) == (4, 4)
    whole = read_night(first.folder)
    (first.folder / blocks[2].name).unlink()
    again = run_night(source, blocks, tmp_path)
    assert again.ranked == 1
    assert read_night(again.folder).equals(whole)
    assert run_night(source, blocks, tmp_path).ranked == 0


@pytest.mark.slow  # starts a Dask LocalCluster whose two workers each read the city
def test_dask_gives_the_local_lists(source: BatchSource, tmp_path: Path) -> None:
    blocks = _blocks(15, 60)
    local = run_night(source, blocks, tmp_path / "local")
    dask = run_night(source, blocks, tmp_path / "dask", engine="dask")
    assert dask.ranked == len(blocks)
    assert read_night(dask.folder).equals(read_night(local.folder))


@pytest.mark.slow  # a LocalCluster, one of whose workers is killed while the night runs
def test_a_night_that_loses_a_worker_gives_the_same_lists(
    source: BatchSource, tmp_path: Path
) -> None:
    distributed: Any = importlib.import_module("distributed")
    blocks = _blocks(5, 80)
    expected = read_night(run_night(source, blocks, tmp_path / "local").folder)
    folder = night_folder(tmp_path / "dask", source)
    killed: list[int] = []

    def kill_one_once_a_part_is_written(pid: int) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(folder.glob("part-*.parquet")):
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)  # the worker process dies mid-night; its nanny restarts it
        killed.append(pid)

    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        distributed.Client(cluster) as client,
    ):
        pid = next(iter(client.run(os.getpid).values()))
        killer = threading.Thread(target=kill_one_once_a_part_is_written, args=(pid,))
        killer.start()
        night = run_night(
            source, blocks, tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address
        )
        killer.join()
        assert pid not in client.run(os.getpid).values()  # it really died
    assert killed and night.blocks == len(blocks)
    assert read_night(night.folder).equals(expected)
