"""The lambdarank wrapper: LightGBM's reference figures, native round trip, SHAP, position bias and
the query bookkeeping."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from sklearn.base import clone
from sklearn.datasets import load_svmlight_file

from training.metrics import per_query_metrics, ranking_report
from training.ranker import LambdaRanker, query_order

EXAMPLE = Path(__file__).parent / "data" / "ltr-lightgbm-example"
Array = npt.NDArray[Any]


@cache
def example(part: str) -> tuple[Array, Array, Array, Array]:
    """Features, labels, query ids and group sizes of rank.train or rank.test."""
    X, y = load_svmlight_file(str(EXAMPLE / f"rank.{part}"), n_features=300)
    sizes = np.loadtxt(EXAMPLE / f"rank.{part}.query", dtype=np.int64)
    return X.toarray(), y, np.repeat(np.arange(sizes.size), sizes), sizes


def learning_rate_schedule() -> Any:
    """The schedule LightGBM's test_lambdarank uses beside early stopping."""
    return lgb.reset_parameter(learning_rate=lambda i: max(0.01, 0.1 - 0.01 * i))


@cache
def reference_ranker() -> LambdaRanker:
    """LGBMRanker(n_estimators=50) defaults, eval_at [1, 3], early stopping after 10 rounds.

    One thread throughout: on a busy 2-core machine OpenMP's busy-wait makes two threads slower.
    """
    X, y, queries, _ = example("train")
    X_test, y_test, test_queries, _ = example("test")
    ranker = LambdaRanker(n_estimators=50, eval_at=(1, 3), early_stopping_rounds=10, num_threads=1)
    return ranker.fit(
        X,
        y,
        queries,
        eval_set=(X_test, y_test),
        eval_query_ids=test_queries,
        callbacks=[learning_rate_schedule()],
    )


def test_reproduces_lightgbm_reference_figures() -> None:
    # README: LightGBM's own test wants best iteration ≤ 24, NDCG@1 > 0.5674, NDCG@3 > 0.578 on
    # rank.test; the README reproduced best iteration 7, NDCG@1 0.613, NDCG@3 0.607.
    ranker = reference_ranker()
    X_test, y_test, test_queries, _ = example("test")
    report = ranking_report(ranker.predict(X_test), y_test, test_queries, (1, 3))
    assert ranker.best_iteration_ <= 24
    assert report["ndcg@1"] > 0.5674 and report["ndcg@3"] > 0.578
    assert report["ndcg@1"] == pytest.approx(0.613, abs=0.005)
    assert report["ndcg@3"] == pytest.approx(0.607, abs=0.005)
    # our NDCG equals LightGBM's own eval metric (rank.test has no query without relevant items)
    assert report["ndcg@1"] == pytest.approx(ranker.best_score_["valid"]["ndcg@1"], abs=1e-12)
    assert report["ndcg@3"] == pytest.approx(ranker.best_score_["valid"]["ndcg@3"], abs=1e-12)


def test_scores_equal_plain_lgbmranker() -> None:
    X, y, _, sizes = example("train")
    X_test, y_test, _, test_sizes = example("test")
    plain = lgb.LGBMRanker(n_estimators=50, n_jobs=1, verbose=-1)
    with warnings.catch_warnings():  # LightGBM 4.7 deprecates eval_set in favour of eval_X/eval_y
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        plain.fit(
            X,
            y,
            group=sizes,
            eval_set=[(X_test, y_test)],
            eval_group=[test_sizes],
            eval_at=[1, 3],
            callbacks=[lgb.early_stopping(10, verbose=False), learning_rate_schedule()],
        )
    ranker = reference_ranker()
    assert ranker.best_iteration_ == plain.best_iteration_
    np.testing.assert_array_equal(ranker.predict(X_test), plain.predict(X_test))


def test_metrics_match_lightgbm_on_tied_scores() -> None:
    # two-leaf stumps score many rows alike; both break ties by row order
    X, y, queries, _ = example("train")
    X_test, y_test, test_queries, _ = example("test")
    ranker = LambdaRanker(n_estimators=2, num_leaves=2, eval_at=(1, 3, 5), num_threads=1)
    ranker.fit(X, y, queries, eval_set=(X_test, y_test), eval_query_ids=test_queries)
    scores = ranker.predict(X_test)
    assert np.unique(scores).size < scores.size / 10
    ours = per_query_metrics(scores, y_test, test_queries, (1, 3, 5), no_relevant_value=1.0)
    for k in (1, 3, 5):
        lightgbm_value = ranker.evals_result_["valid"][f"ndcg@{k}"][-1]
        assert ours.means()[f"ndcg@{k}"] == pytest.approx(lightgbm_value, abs=1e-12)


def small_ranker() -> LambdaRanker:
    return LambdaRanker(n_estimators=20, num_leaves=15, random_state=3, num_threads=1)


def test_native_round_trip_keeps_predictions_and_names(tmp_path: Path) -> None:
    X, y, queries, _ = example("train")
    frame = pl.DataFrame(X[:, :40], schema=[f"feature_{i}" for i in range(40)])
    ranker = small_ranker().fit(frame, y, queries)
    ranker.save_native(tmp_path / "model.txt")
    loaded = LambdaRanker.load_native(tmp_path / "model.txt")
    assert loaded.feature_names_ == ranker.feature_names_ == list(frame.columns)
    np.testing.assert_array_equal(loaded.predict(frame), ranker.predict(frame))
    # columns are matched by name, so order in the request frame does not matter
    shuffled = frame.select(frame.columns[::-1])
    np.testing.assert_array_equal(loaded.predict(shuffled), ranker.predict(frame))
    with pytest.raises(ValueError, match="lacks the model's features"):
        loaded.predict(frame.drop("feature_7"))


def test_early_stopped_model_saves_only_best_trees(tmp_path: Path) -> None:
    ranker = reference_ranker()
    ranker.save_native(tmp_path / "model.txt")
    loaded = LambdaRanker.load_native(tmp_path / "model.txt")
    X_test = example("test")[0]
    assert loaded.best_iteration_ == ranker.best_iteration_
    np.testing.assert_array_equal(loaded.predict(X_test), ranker.predict(X_test))


def test_contributions_sum_to_predictions() -> None:
    X, y, queries, _ = example("train")
    ranker = small_ranker().fit(X, y, queries)
    X_test = example("test")[0]
    contributions = ranker.predict_contributions(X_test)
    assert contributions.shape == (X_test.shape[0], X_test.shape[1] + 1)
    np.testing.assert_allclose(contributions.sum(axis=1), ranker.predict(X_test), atol=1e-9)


def test_interleaved_queries_give_the_same_model() -> None:
    # rows of different queries mixed at random, each query's rows still in their own order
    X, y, queries, _ = example("train")
    rng = np.random.default_rng(5)
    slots = queries[rng.permutation(queries.size)]
    mixed = np.empty(queries.size, dtype=np.intp)
    mixed[np.argsort(slots, kind="stable")] = np.arange(queries.size)
    assert not np.array_equal(mixed, np.arange(queries.size))
    sorted_model = small_ranker().fit(X, y, queries)
    mixed_model = small_ranker().fit(X[mixed], y[mixed], queries[mixed])
    X_test = example("test")[0]
    np.testing.assert_array_equal(mixed_model.predict(X_test), sorted_model.predict(X_test))


def test_sample_weights_follow_their_rows() -> None:
    X, y, queries, _ = example("train")
    rng = np.random.default_rng(6)
    weights = rng.uniform(0.1, 2.0, queries.size)
    slots = queries[rng.permutation(queries.size)]
    mixed = np.empty(queries.size, dtype=np.intp)
    mixed[np.argsort(slots, kind="stable")] = np.arange(queries.size)
    weighted = small_ranker().fit(X, y, queries, sample_weight=weights)
    mixed_model = small_ranker().fit(
        X[mixed], y[mixed], queries[mixed], sample_weight=weights[mixed]
    )
    unweighted = small_ranker().fit(X, y, queries)
    X_test = example("test")[0]
    np.testing.assert_array_equal(mixed_model.predict(X_test), weighted.predict(X_test))
    assert not np.array_equal(weighted.predict(X_test), unweighted.predict(X_test))
    with pytest.raises(ValueError, match="sample_weight has 3 entries"):
        small_ranker().fit(X, y, queries, sample_weight=weights[:3])


def test_query_order_groups_rows_and_keeps_their_order() -> None:
    order, sizes = query_order(["b", "a", "b", "c", "a"])
    assert list(order) == [1, 4, 0, 2, 3]
    assert list(sizes) == [2, 2, 1]


def clicks_with_position_bias(
    rng: np.random.Generator, queries: int = 400, per_query: int = 10
) -> tuple[Array, Array, Array, Array, Array]:
    """Features, true grades, clicks, query ids and 1-based display positions.

    Feature 0 drives relevance; feature 1 is the old ranker's score, which set the display order;
    clicks need examination (1 / position) and attraction (grows with grade).
    """
    n = queries * per_query
    query = np.repeat(np.arange(queries), per_query)
    true_signal = rng.normal(size=n)
    old_score = 0.5 * true_signal + rng.normal(size=n)
    grade = (true_signal > 0.5).astype(np.float64) + (true_signal > 1.5)
    ranks = np.argsort(np.argsort(-old_score.reshape(queries, per_query), axis=1), axis=1)
    position = ranks.ravel() + 1
    click = (rng.random(n) < (0.1 + 0.45 * grade) / position).astype(np.float64)
    X = np.column_stack([true_signal, old_score, rng.normal(size=n)])
    return X, grade, click, query, position


def test_position_bias_correction_changes_and_improves_the_model() -> None:
    rng = np.random.default_rng(0)
    X, _, click, query, position = clicks_with_position_bias(rng)
    X_new, grade_new, _, query_new, _ = clicks_with_position_bias(rng)
    params: dict[str, Any] = {"n_estimators": 50, "num_leaves": 7, "random_state": 0}
    plain = LambdaRanker(**params, num_threads=1).fit(X, click, query)
    debiased = LambdaRanker(**params, num_threads=1, position_bias=True)
    debiased.fit(X, click, query, positions=position)
    assert not np.array_equal(debiased.predict(X_new), plain.predict(X_new))
    plain_ndcg = ranking_report(plain.predict(X_new), grade_new, query_new)["ndcg@5"]
    debiased_ndcg = ranking_report(debiased.predict(X_new), grade_new, query_new)["ndcg@5"]
    assert debiased_ndcg > plain_ndcg + 0.01  # 0.951 vs 0.889 at this seed
    # positions are labels to LightGBM: a 0-based coding trains the same model
    zero_based = LambdaRanker(**params, num_threads=1, position_bias=True)
    zero_based.fit(X, click, query, positions=position - 1)
    np.testing.assert_array_equal(zero_based.predict(X_new), debiased.predict(X_new))
    # one position for all: a shared bias factor shifts whole queries and changes nothing
    flat = LambdaRanker(**params, num_threads=1, position_bias=True)
    flat.fit(X, click, query, positions=np.ones_like(position))
    np.testing.assert_array_equal(flat.predict(X_new), plain.predict(X_new))
    # positions are ignored while the option is off
    ignored = LambdaRanker(**params, num_threads=1).fit(X, click, query, positions=position)
    np.testing.assert_array_equal(ignored.predict(X_new), plain.predict(X_new))


def test_estimator_contract() -> None:
    ranker = LambdaRanker(n_estimators=7, random_state=1)
    assert clone(ranker).get_params() == ranker.get_params()
    assert not hasattr(ranker, "booster_")
    X, y, queries, _ = example("train")
    with pytest.raises(ValueError, match="needs an eval_set"):
        LambdaRanker(early_stopping_rounds=5).fit(X, y, queries)
    with pytest.raises(ValueError, match="needs positions"):
        LambdaRanker(position_bias=True).fit(X, y, queries)
    with pytest.raises(ValueError, match="one entry per row"):
        LambdaRanker().fit(X, y[:-1], queries)


def listwise_data(
    rng: np.random.Generator, queries: int = 300
) -> tuple[pl.DataFrame, Array, Array]:
    """Lists of 8 where the grade rises with 'fit' and, in this sample, with 'commute' too."""
    n = queries * 8
    fit, commute, noise = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    signal = fit + 0.8 * commute + 0.3 * rng.normal(size=n)
    grade = np.digitize(signal, [0.5, 1.5, 2.5]).astype(np.float64)
    frame = pl.DataFrame({"fit": fit, "commute": commute, "noise": noise})
    return frame, grade, np.repeat(np.arange(queries), 8)


def test_xendcg_ranks_and_monotone_constraints_hold() -> None:
    frame, grade, query = listwise_data(np.random.default_rng(4))
    params: dict[str, Any] = {"objective": "rank_xendcg", "n_estimators": 60, "num_threads": 1}
    free = LambdaRanker(**params, random_state=0).fit(frame, grade, query)
    held = LambdaRanker(**params, random_state=0, monotone_constraints={"commute": -1})
    held.fit(frame, grade, query)
    assert free.booster_.params["objective"] == "rank_xendcg"
    test, test_grade, test_query = listwise_data(np.random.default_rng(5))
    assert ranking_report(free.predict(test), test_grade, test_query)["ndcg@5"] > 0.8
    # along a sweep of 'commute' with the rest fixed: free to rise, held never rises
    sweep = pl.DataFrame(
        {"fit": [0.2] * 41, "commute": np.linspace(-3, 3, 41), "noise": [0.0] * 41}
    )
    assert np.diff(free.predict(sweep)).max() > 0
    assert np.diff(held.predict(sweep)).max() <= 1e-12
    # held to fall with commute, the model can only rank by fit: worse on this sample
    assert (
        ranking_report(held.predict(test), test_grade, test_query)["ndcg@5"]
        < ranking_report(free.predict(test), test_grade, test_query)["ndcg@5"]
    )


def test_objective_and_constraints_are_checked() -> None:
    frame, grade, query = listwise_data(np.random.default_rng(6), queries=20)
    with pytest.raises(ValueError, match="not one of"):
        LambdaRanker(objective="pairwise").fit(frame, grade, query)
    with pytest.raises(ValueError, match="lambdarank' only"):
        LambdaRanker(objective="rank_xendcg", position_bias=True).fit(
            frame, grade, query, positions=np.tile(np.arange(1, 9), 20)
        )
    with pytest.raises(ValueError, match=r"unknown \['distance'\]"):
        LambdaRanker(monotone_constraints={"distance": -1}).fit(frame, grade, query)
    with pytest.raises(ValueError, match=r"bad directions \{'fit': 2\}"):
        LambdaRanker(monotone_constraints={"fit": 2}).fit(frame, grade, query)
    with pytest.raises(ValueError, match="polars frame"):
        LambdaRanker(monotone_constraints={"fit": 1}).fit(frame.to_numpy(), grade, query)
