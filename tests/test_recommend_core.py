"""Scoring a request: the input matrix (training layout, row-major), LightGBM's threads, reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import numpy as np
import polars as pl

from features.arrays import matrix
from features.sources import UTC_MICROS
from serving.runtime.models import ServedModel, own_copy
from serving.runtime.scoring_threads import CONTRIBUTIONS, LIGHTGBM_THREADS
from serving.services.recommend_core import rank, reasons_of, top_rows


def test_the_matrix_is_the_frame_in_feature_order_row_major() -> None:
    rows = pl.DataFrame(
        {
            "b": pl.Series([1, None, 3], dtype=pl.Int8),
            "a": pl.Series([0.5, 1.5, None], dtype=pl.Float64),
            "c": pl.Series([7, 8, 9], dtype=pl.Int32),
            "unused": ["x", "y", "z"],
        }
    )
    got = matrix(rows, ["a", "b", "c"])
    assert got.dtype == np.float64
    assert got.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(got, [[0.5, 1.0, 7.0], [1.5, np.nan, 8.0], [np.nan, 3.0, 9.0]])
    expected = rows.select("a", "b", "c").cast(pl.Float64).to_numpy()
    np.testing.assert_array_equal(got, expected)
    assert matrix(rows.head(0), ["a", "b"]).shape == (0, 2)


def test_scores_and_contributions_do_not_depend_on_the_thread_count() -> None:
    rng = np.random.default_rng(1)
    features = rng.normal(size=(600, 12))
    labels = (features[:, 0] + rng.normal(size=600) > 0).astype(int)
    booster = lgb.train(
        {"objective": "binary", "num_leaves": 7, "verbose": -1},
        lgb.Dataset(features, labels),
        num_boost_round=50,
    )
    for kind in ({}, {"pred_contrib": True}):
        one = booster.predict(features, num_threads=1, **kind)
        two = booster.predict(features, num_threads=2, **kind)
        np.testing.assert_array_equal(one, two)


def test_one_line_per_topic_the_fit_after_accommodations_speaks_once() -> None:
    names = ["x_dimensions_short", "x_shortfall_accommodated", "x_toilet_missing"]
    row = {"x_dimensions_short": 2, "x_shortfall_accommodated": 1.5, "x_toilet_missing": 1}
    reasons, cautions = reasons_of(row, np.array([-0.3, -0.5, -0.2, 0.0]), names)
    assert reasons == []
    assert cautions == ["提供便利后能力差距合计1.5分", "单位未提供所需的无障碍卫生间"]


def test_top_rows_read_features_from_the_matrix_and_ids_from_the_frame() -> None:
    moment = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    rows = pl.DataFrame(
        {
            "vacancy_id": [7, 8, 9],
            "a": [1, None, 3],
            "at": [moment, moment, None],
            "b": [0.5, 1.5, None],
        },
        schema={"vacancy_id": pl.Int64, "a": pl.Int8, "at": UTC_MICROS, "b": pl.Float64},
    )
    features = matrix(rows, ["a", "b"])
    chosen = top_rows(rows, features, np.array([2, 1]), ["a", "b"])
    assert chosen == [
        {"vacancy_id": 9, "at": None, "a": 3.0, "b": None},
        {"vacancy_id": 8, "at": moment, "a": None, "b": 1.5},
    ]
    others = rows.select("vacancy_id", "at")[[2, 1]].to_dicts()  # what a frame gather gives
    assert [{key: row[key] for key in ("vacancy_id", "at")} for row in chosen] == others


def _small_booster() -> tuple[lgb.Booster, np.ndarray]:
    rng = np.random.default_rng(2)
    features = rng.normal(size=(300, 4))
    labels = (features[:, 0] > 0).astype(int)
    booster = lgb.train(
        {"objective": "binary", "num_leaves": 5, "verbose": -1},
        lgb.Dataset(features, labels),
        num_boost_round=10,
    )
    return booster, features


class _Watched:
    """A booster stand-in recording whether each contributions call held the lock."""

    def __init__(self, booster: lgb.Booster) -> None:
        self.booster = booster
        self.locked: list[bool] = []

    def predict(self, data: np.ndarray, **options: Any) -> np.ndarray:
        # one thread count for every call: LightGBM keeps it in process-wide state
        assert options.get("num_threads") == LIGHTGBM_THREADS == 1
        if options.get("pred_contrib"):
            self.locked.append(CONTRIBUTIONS.locked())
        return np.asarray(self.booster.predict(data, **options))


def test_scores_use_one_thread_and_contributions_the_lock() -> None:
    """LightGBM's pred_contrib corrupts memory when two threads call it on one Booster, and
    calls with different thread counts overrun each other's buffers."""
    booster, features = _small_booster()
    watched = _Watched(booster)
    model = ServedModel(kind="jobs", source="champion", version="1", booster=watched)
    names = [f"f{i}" for i in range(4)]
    rows = pl.DataFrame(features, schema=names, orient="row").with_columns(
        vacancy_id=pl.int_range(pl.len())
    )
    ranked = rank(model, rows, names, lambda frame: np.zeros(frame.height), 5, features=features)
    assert len(ranked.scores) == 5 and watched.locked == [True]


def test_a_heavy_job_gets_a_booster_of_its_own() -> None:
    booster, features = _small_booster()
    served = ServedModel(kind="jobs", source="champion", version="3", booster=booster)
    copy = own_copy(served)
    assert copy.booster is not None and copy.booster is not booster
    assert copy.label == served.label
    np.testing.assert_array_equal(
        copy.booster.predict(features, pred_contrib=True),
        booster.predict(features, pred_contrib=True),
    )
    rule = ServedModel(kind="jobs", source="rule", version=None, booster=None)
    assert own_copy(rule) is rule
