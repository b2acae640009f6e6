"""Compiled trees (``serving.runtime.forest``) score exactly as LightGBM: the test city's champions
on every person's candidate rows, and a deep forest with missing values; a forest that would
differ is not used."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np
import pytest

from features.arrays import matrix
from features.request import job_matrix
from features.schema import COURSE_FEATURE_SET
from features.training_frames import course_training_frame
from serving.runtime import forest as forest_module
from serving.runtime.forest import CompiledForest, compile_forest
from serving.runtime.models import ServedModel
from tests.api_models import champion_store, city_context
from tests.request_frames import frames_of
from training.registry import model_name
from training.tracking import Tracking

AT = datetime(2026, 11, 28, 2, tzinfo=UTC)


def _champion(kind: str, tmp_path: Path) -> Any:
    return Tracking(champion_store(), tmp_path).load_booster(model_name(kind), "1")


def _same_bits(left: Any, right: Any) -> bool:
    left, right = np.asarray(left), np.asarray(right)
    return bool(left.dtype == right.dtype and left.tobytes() == right.tobytes())


def test_the_jobs_champion_compiled_scores_every_candidate_as_lightgbm(tmp_path: Path) -> None:
    booster = _champion("jobs", tmp_path)
    context = city_context()
    frames = frames_of(context)
    matrices = [job_matrix(frames, person, AT) for person in context.persons["id"].to_list()]
    features = [found[1] for found in matrices if found is not None and found[1].shape[0] > 0]
    assert len(features) > 100
    forest = compile_forest(booster, features[0])
    assert forest is not None
    for rows in features:
        assert _same_bits(forest.scores(rows), booster.predict(rows, num_threads=1))
    served = ServedModel("jobs", "champion", "1", booster, forest)
    assert _same_bits(served.scores(features[1]), booster.predict(features[1]))


def test_the_courses_champion_compiled_scores_as_lightgbm(tmp_path: Path) -> None:
    booster = _champion("courses", tmp_path)
    rows = matrix(course_training_frame(city_context()).collect(), COURSE_FEATURE_SET.names)
    forest = compile_forest(booster, rows[:50])
    assert forest is not None
    assert _same_bits(forest.scores(rows), booster.predict(rows, num_threads=1))
    # rows picked out of a matrix (not contiguous in memory) score the same
    assert _same_bits(forest.scores(rows[::3]), booster.predict(rows[::3], num_threads=1))


def test_a_deep_forest_with_missing_values_scores_as_lightgbm() -> None:
    random = np.random.default_rng(5)
    features = random.normal(size=(3000, 12))
    features[random.random(features.shape) < 0.15] = np.nan
    labels = (np.nan_to_num(features[:, 0]) + random.normal(size=3000) > 0.5).astype(int)
    labels += np.nan_to_num(features[:, 1]) > 1.0
    data = lightgbm.Dataset(features, labels, group=[30] * 100)
    params = {"objective": "lambdarank", "num_leaves": 31, "verbose": -1, "num_threads": 1}
    booster = lightgbm.train(params, data, num_boost_round=100)
    fresh = random.normal(scale=3.0, size=(5000, 12))
    fresh[random.random(fresh.shape) < 0.2] = np.nan
    fresh[::7, 3] = 0.0
    forest = compile_forest(booster, fresh[:100])
    assert forest is not None
    assert _same_bits(forest.scores(fresh), booster.predict(fresh, num_threads=1))


def test_a_forest_that_differs_on_the_probe_or_has_none_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    booster = _champion("courses", tmp_path)
    rows = matrix(course_training_frame(city_context()).collect(), COURSE_FEATURE_SET.names)
    assert compile_forest(booster, rows[:0]) is None  # nothing to check it on
    scores = CompiledForest.scores
    monkeypatch.setattr(
        CompiledForest, "scores", lambda self, features: np.nextafter(scores(self, features), 9)
    )
    assert compile_forest(booster, rows[:50]) is None


def test_trees_lleaves_cannot_compile_leave_lightgbm_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    booster = _champion("courses", tmp_path)
    rows = matrix(course_training_frame(city_context()).collect(), COURSE_FEATURE_SET.names)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("unsupported")

    monkeypatch.setattr(forest_module, "_compiled", broken)
    assert compile_forest(booster, rows[:50]) is None
    model = ServedModel("courses", "champion", "1", booster)
    assert _same_bits(model.scores(rows), booster.predict(rows, num_threads=1))
