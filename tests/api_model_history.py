"""A model registry with a history, for the models page: on the test city, the jobs ranker has
a previous champion (version 1), a champion (version 2, trained alike, so the gate let it
through) and a challenger that ranks backwards (version 3, which the gate must refuse); the
courses ranker has a champion. Small models (30 trees); each call builds its own store, so tests
may move its aliases (never those of ``api_models.champion_store``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from features.schema import JOB_FEATURE_SET
from features.training_frames import job_training_frame
from matching.storage import make_engine, make_sessionmaker
from serving.services.model_admin import promote_challenger
from tests.api_models import city_context
from training.config import TrainConfig
from training.kinds import Kind
from training.pipeline import TrainResult, train
from training.ranker import LambdaRanker
from training.registry import record
from training.tracking import Tracking

CONFIG = TrainConfig(n_estimators=30, num_threads=1)


def tracking_of(folder: Path) -> Tracking:
    """The store of ``model_history(folder)`` (artifacts where the app's settings put them)."""
    return Tracking(f"sqlite:///{folder / 'mlflow.db'}", folder / "mlartifacts")


def good(kind: Kind) -> TrainResult:
    return train(kind, city_context(), CONFIG)


def backwards(result: TrainResult) -> TrainResult:
    """The same run with a ranker that learned the grades upside down (figures logged as the
    good run's, so only a comparison on the same lists tells)."""
    rows = job_training_frame(city_context()).collect()
    ranker = LambdaRanker(objective="rank_xendcg", n_estimators=30, num_threads=1).fit(
        rows.select(JOB_FEATURE_SET.names),
        4 - rows["grade"].to_numpy(),
        rows["query_id"].to_numpy(),
    )
    return replace(result, ranker=ranker)


def register_good_challenger(folder: Path) -> str:
    """Another version of the jobs ranker trained as the champion was (the gate lets it pass)."""
    return record(tracking_of(folder), good("jobs"), CONFIG)[1]


def model_history(folder: Path, database_url: str) -> str:
    """Build the history in ``folder`` (audit lines into ``database_url``); its tracking URI."""
    tracking = tracking_of(folder)
    engine = make_engine(database_url)
    writing = make_sessionmaker(engine).begin
    try:
        jobs = good("jobs")
        for _ in range(2):
            record(tracking, jobs, CONFIG)
            passed = promote_challenger(tracking, "jobs", city_context(), writing, actor="test")
            assert passed.passed, passed.checks
        record(tracking, train("courses", city_context(), CONFIG), CONFIG)
        courses = promote_challenger(tracking, "courses", city_context(), writing, actor="test")
        assert courses.passed, courses.checks
        record(tracking, backwards(jobs), CONFIG)
    finally:
        engine.dispose()
    return tracking.tracking_uri
