"""The serving model ladder (champion → last good on disk → rule) and the recommendation lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from features.context import FeatureContext
from features.schema import JOB_FEATURE_SET
from features.training_frames import job_training_frame
from serving.runtime.models import ModelHolder
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend import recommend_jobs
from tests.api_models import city_context, copy_store
from training.config import TrainConfig
from training.pipeline import train
from training.promotion import gate, promote, rollback
from training.registry import model_name, record
from training.tracking import Tracking

NOW = datetime(2026, 11, 1, tzinfo=UTC)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def context() -> FeatureContext:
    return city_context()


@pytest.fixture(scope="module")
def registry(context: FeatureContext, tmp_path_factory: pytest.TempPathFactory) -> Tracking:
    """A private copy of the shared champion store (jobs champion: version 1) with a version 2
    trained and promoted here (one training, not two: recording to MLflow costs seconds)."""
    folder = tmp_path_factory.mktemp("mlflow")
    tracking = Tracking(copy_store(folder / "store"), folder / "artifacts")
    champion = tracking.client.get_model_version_by_alias(model_name("jobs"), "champion")
    assert str(champion.version) == "1"
    config = TrainConfig(n_estimators=40, num_threads=1)
    record(tracking, train("jobs", context, config), config)
    promote(
        tracking, gate(tracking, model_name("jobs"), JOB_FEATURE_SET, probe(context), tolerance=1.0)
    )
    return tracking


@pytest.fixture(scope="module")
def snapshot(context: FeatureContext) -> ServingSnapshot:
    return ServingSnapshot.of(context)


def probe(context: FeatureContext) -> pl.DataFrame:
    return job_training_frame(context).tail(100).collect()


def holder(context: FeatureContext, cache: Path, tracking: object) -> ModelHolder:
    def factory() -> Tracking:
        if isinstance(tracking, Exception):
            raise tracking
        assert isinstance(tracking, Tracking)
        return tracking

    return ModelHolder("jobs", model_name("jobs"), JOB_FEATURE_SET, probe(context), cache, factory)


def test_the_champion_serves_lines_with_chinese_reasons(
    context: FeatureContext, snapshot: ServingSnapshot, registry: Tracking, tmp_path: Path
) -> None:
    served = holder(context, tmp_path, registry).refresh()
    assert (served.source, served.degraded, served.version) == ("champion", False, "2")
    answer = recommend_jobs(snapshot, served, 1, NOW, k=10)
    assert len(answer.lines) == 10
    assert [line.score for line in answer.lines] == sorted(
        (line.score for line in answer.lines), reverse=True
    )
    assert answer.feature_set == JOB_FEATURE_SET.version and answer.model == "champion:2"
    assert any(line.reasons for line in answer.lines)
    for line in answer.lines:
        assert 1 <= len(line.reasons) + len(line.cautions) <= 3
        assert (
            sum("公里" in text for text in line.reasons + line.cautions) <= 1
        )  # one distance phrase
        assert all(
            CHINESE.search(text) for text in [*line.reasons, *line.cautions, *line.statements]
        )


def test_registry_down_falls_back_to_the_last_good_model_then_the_rule(
    context: FeatureContext, snapshot: ServingSnapshot, registry: Tracking, tmp_path: Path
) -> None:
    holder(context, tmp_path, registry).refresh()  # leaves the champion on disk
    down = ConnectionError("registry unreachable")
    served = holder(context, tmp_path, down).refresh()
    assert (served.source, served.version, served.degraded) == ("last-good", "2", True)
    assert recommend_jobs(snapshot, served, 1, NOW).lines

    (tmp_path / "jobs.txt").write_text("not a model")
    ruled = holder(context, tmp_path, down).refresh()
    assert (ruled.source, ruled.degraded) == ("rule", True)
    answer = recommend_jobs(snapshot, ruled, 1, NOW)
    assert answer.degraded and answer.lines and answer.model == "rule"


def test_a_loaded_champion_stays_while_the_registry_is_away_and_rollback_is_followed(
    context: FeatureContext, registry: Tracking, tmp_path: Path
) -> None:
    state: dict[str, object] = {"tracking": registry}

    def factory() -> Tracking:
        current = state["tracking"]
        if isinstance(current, Exception):
            raise current
        assert isinstance(current, Tracking)
        return current

    models = ModelHolder(
        "jobs", model_name("jobs"), JOB_FEATURE_SET, probe(context), tmp_path, factory
    )
    assert models.refresh().version == "2"
    state["tracking"] = ConnectionError("gone")
    assert models.refresh().source == "champion"
    state["tracking"] = registry
    rollback(registry, model_name("jobs"))
    try:
        assert models.refresh().version == "1"
    finally:
        rollback(registry, model_name("jobs"))
