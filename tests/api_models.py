"""Champions for API tests: both rankers trained on the test city (``api_city.test_city``) and
promoted in one MLflow store, built once per test session (recording to MLflow costs seconds).

Point ``Settings.mlflow_tracking_uri`` at ``champion_store()`` and the service loads
``champion:1`` of each kind. Tests must not move the aliases of this shared store.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import polars as pl

from features.context import FeatureContext
from features.schema import COURSE_FEATURE_SET, JOB_FEATURE_SET, FeatureSet
from features.sources import snapshot_from_frames
from features.training_frames import course_training_frame, job_training_frame
from matching.settings import Settings
from serving.runtime.snapshot import ServingSnapshot
from tests.api_city import fill_database, test_city
from training.config import TrainConfig
from training.kinds import Kind
from training.pipeline import train
from training.promotion import gate, promote
from training.registry import model_name, record
from training.tracking import Tracking

PROBE_ROWS = 50


@cache
def city_context() -> FeatureContext:
    """The feature context of the test city, as the served database holds it."""
    return FeatureContext.from_snapshot(snapshot_from_frames(test_city().frames))


@cache
def city_snapshot() -> ServingSnapshot:
    """The serving snapshot of ``city_context()``, as the service would hold it."""
    return ServingSnapshot.of(city_context())


@cache
def champion_store() -> str:
    """The tracking URI of a store whose ``champion`` of jobs and of courses is version 1."""
    folder = Path(tempfile.mkdtemp(prefix="jobmatch-champions-"))
    atexit.register(shutil.rmtree, folder, True)
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    tracking = Tracking(uri, folder / "mlartifacts")
    context = city_context()
    config = TrainConfig(n_estimators=30, num_threads=1)
    kinds: tuple[tuple[Kind, FeatureSet, Callable[[FeatureContext], pl.LazyFrame]], ...] = (
        ("jobs", JOB_FEATURE_SET, job_training_frame),
        ("courses", COURSE_FEATURE_SET, course_training_frame),
    )
    for kind, feature_set, frame in kinds:
        record(tracking, train(kind, context, config), config)
        probe = frame(context).tail(PROBE_ROWS).collect()
        result = gate(tracking, model_name(kind), feature_set, probe, tolerance=1.0)
        assert result.passed, result.checks
        promote(tracking, result)
    return uri


def copy_store(folder: Path) -> str:
    """A private copy of the shared champion store (aliases may move in it; runs recorded in it
    keep their artifacts beside the shared store's, each under its own run id)."""
    folder.mkdir(parents=True)
    source = sqlite3.connect(champion_store().removeprefix("sqlite:///"))
    target = sqlite3.connect(folder / "mlflow.db")
    with target:
        source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{folder / 'mlflow.db'}"


def served_settings(folder: Path, url: str | None = None) -> Settings:
    """Settings of a service over a copy of the test city (``url``, default a SQLite file in
    ``folder``) that loads the shared champions."""
    database = url or f"sqlite:///{folder / 'jobmatch.db'}"
    fill_database(database)
    return Settings(
        data_dir=folder,
        database_url=database,
        mlflow_tracking_uri=champion_store(),
        model_poll_seconds=3600,
    )
