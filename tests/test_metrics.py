"""Ranking, fairness and exposure metrics: hand-computed cases, sklearn agreement, properties."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import ndcg_score

from training.metrics import (
    average_precision_at_k,
    dcg_at_k,
    exposure_counts,
    exposure_gini,
    group_report,
    mean_over_queries,
    ndcg_at_k,
    oracle_ratio,
    per_query_metrics,
    ranking_report,
    recall_at_k,
    reciprocal_rank,
    share_never_recommended,
)

LOG2_3, LOG2_5 = math.log2(3), math.log2(5)
grade_lists = st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=30)


# --- hand-computed cases --------------------------------------------------------------------------


def test_dcg_by_hand() -> None:
    # grades 3, 2, 0, 1 → gains 7, 3, 0, 1; discounts 1/log2(2), 1/log2(3), 1/log2(4), 1/log2(5)
    # DCG@3 = 7/1 + 3/log2(3) + 0/2 = 7 + 1.8928 = 8.8928
    assert dcg_at_k([3, 2, 0, 1], 3) == pytest.approx(7 + 3 / LOG2_3)
    # DCG@10 adds the fourth: + 1/log2(5) = 8.8928 + 0.4307
    assert dcg_at_k([3, 2, 0, 1], 10) == pytest.approx(7 + 3 / LOG2_3 + 1 / LOG2_5)


def test_ndcg_by_hand() -> None:
    # ranked grades 0, 2, 1: DCG@2 = 0/1 + 3/log2(3) = 1.8928
    # ideal order 2, 1, 0:   IDCG@2 = 3/1 + 1/log2(3) = 3.6309 → NDCG@2 = 0.52130
    assert ndcg_at_k([0, 2, 1], 2) == pytest.approx((3 / LOG2_3) / (3 + 1 / LOG2_3))
    # the ideal sees the whole list: grade 2 at rank 3 still counts in IDCG@1 = 3, DCG@1 = 1
    assert ndcg_at_k([1, 0, 2], 1) == pytest.approx(1 / 3)


def test_ndcg_of_a_query_without_relevant_items() -> None:
    # IDCG = 0: sklearn's ndcg_score says 0, LightGBM's eval metric says 1
    assert ndcg_at_k([0, 0, 0], 3) == 0.0
    assert ndcg_at_k([0, 0, 0], 3, no_relevant_value=1.0) == 1.0
    assert ndcg_score([[0.0, 0.0, 0.0]], [[0.3, 0.2, 0.1]], k=3) == 0.0


def test_average_precision_by_hand() -> None:
    # relevant (grade ≥ 1) at ranks 2 and 4, two relevant in all:
    # P@2 = 1/2, P@4 = 2/4 → AP@10 = (0.5 + 0.5) / min(2, 10) = 0.5
    assert average_precision_at_k([0, 1, 0, 3, 0], 10) == pytest.approx(0.5)
    # AP@3 sees only rank 2: 0.5 / min(2, 3) = 0.25
    assert average_precision_at_k([0, 1, 0, 3, 0], 3) == pytest.approx(0.25)
    # threshold 2: only rank 4 is relevant: P@4 = 1/4 → AP@10 = 0.25 / 1
    assert average_precision_at_k([0, 1, 0, 3, 0], 10, threshold=2) == pytest.approx(0.25)
    # three relevant, k = 2, both top slots relevant: (1 + 1) / min(3, 2) = 1
    assert average_precision_at_k([1, 1, 1, 0], 2) == pytest.approx(1.0)
    assert average_precision_at_k([0, 0], 2) == 0.0


def test_recall_by_hand() -> None:
    # relevant at ranks 1, 3, 5 (three in all); top 3 holds two → 2/3
    assert recall_at_k([2, 0, 1, 0, 1], 3) == pytest.approx(2 / 3)
    # threshold 2: one relevant item, at rank 1 → 1
    assert recall_at_k([2, 0, 1, 0, 1], 3, threshold=2) == pytest.approx(1.0)
    assert recall_at_k([0, 0, 0], 3) == 0.0


def test_reciprocal_rank_by_hand() -> None:
    # first relevant item at rank 3 → 1/3; with k = 2 it is out of reach → 0
    assert reciprocal_rank([0, 0, 1, 1]) == pytest.approx(1 / 3)
    assert reciprocal_rank([0, 0, 1, 1], 2) == 0.0
    assert reciprocal_rank([0, 0, 0]) == 0.0


def test_vectorised_metrics_by_hand() -> None:
    # query "a": scores rank rows as grades 0, 2, 1; query "b": no relevant item
    scores = [0.9, 0.5, 0.7, 0.3, 0.1]
    grades = [0, 1, 2, 0, 0]
    queries = ["a", "a", "a", "b", "b"]
    result = per_query_metrics(scores, grades, queries, (2,))
    assert list(result.query_ids) == ["a", "b"]
    # "a": NDCG@2 = (3/log2 3) / (3 + 1/log2 3), see test_ndcg_by_hand; "b": 0
    assert result.values["ndcg@2"] == pytest.approx([(3 / LOG2_3) / (3 + 1 / LOG2_3), 0.0])
    # "a": relevant at ranks 2 and 3; AP@2 = (1/2) / min(2, 2) = 0.25; recall@2 = 1/2; RR = 1/2
    assert result.values["map@2"] == pytest.approx([0.25, 0.0])
    assert result.values["recall@2"] == pytest.approx([0.5, 0.0])
    assert result.values["mrr"] == pytest.approx([0.5, 0.0])
    assert ranking_report(scores, grades, queries, (2,))["mrr"] == pytest.approx(0.25)


def test_ties_are_broken_by_row_order() -> None:
    # all scores tie: the ranking is the input order, as in LightGBM's metric
    assert per_query_metrics([1.0, 1.0], [0, 1], [7, 7], (1,)).values["ndcg@1"][0] == 0.0
    assert per_query_metrics([1.0, 1.0], [1, 0], [7, 7], (1,)).values["ndcg@1"][0] == 1.0


def test_oracle_ratio() -> None:
    assert oracle_ratio(0.45, 0.9) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="positive"):
        oracle_ratio(0.2, 0.0)


def test_group_report_by_hand() -> None:
    # group x: queries 1, 2 → mean (0.2 + 0.4) / 2 = 0.3; group y: query 3 → 0.6; ratio 0.5
    report = group_report({1: 0.2, 2: 0.4, 3: 0.6}, {1: "x", 2: "x", 3: "y"})
    assert report.means == pytest.approx({"x": 0.3, "y": 0.6})
    assert report.counts == {"x": 2, "y": 1}
    assert (report.worst_group, report.best_group) == ("x", "y")
    assert report.worst_to_best == pytest.approx(0.5)
    aligned = group_report(np.array([0.2, 0.4, 0.6]), np.array(["x", "x", "y"]))
    assert aligned.worst_to_best == pytest.approx(0.5)
    assert group_report([0.0, 0.0], ["x", "y"]).worst_to_best == 1.0
    with pytest.raises(ValueError, match="no group"):
        group_report({1: 0.2, 2: 0.4}, {1: "x"})


def test_exposure_by_hand() -> None:
    catalogue = ["v1", "v2", "v3", "v4"]
    shown = ["v1", "v1", "v2", "v1"]  # counts 3, 1, 0, 0
    assert list(exposure_counts(shown, catalogue)) == [3, 1, 0, 0]
    assert share_never_recommended(shown, catalogue) == pytest.approx(0.5)
    # sorted counts 0, 0, 1, 3; total 4, n 4:
    # G = 2·(1·0 + 2·0 + 3·1 + 4·3) / (4·4) − 5/4 = 30/16 − 20/16 = 0.625
    assert exposure_gini(shown, catalogue) == pytest.approx(0.625)
    with pytest.raises(ValueError, match="not in all_item_ids"):
        exposure_gini(["v9"], catalogue)
    with pytest.raises(ValueError, match="undefined"):
        exposure_gini([], catalogue)


def test_gini_extremes() -> None:
    items = np.arange(1000)
    assert exposure_gini(np.tile(items, 5), items) == pytest.approx(0.0, abs=1e-12)
    # one item takes every slot: (n − 1)/n → 1
    assert exposure_gini(np.zeros(5000, dtype=int), items) == pytest.approx(0.999)


# --- agreement with sklearn.metrics.ndcg_score ----------------------------------------------------


def _random_query(
    rng: np.random.Generator, ties: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    size = int(rng.integers(2, 30))
    grades = rng.integers(0, 5, size) * (rng.random(size) < rng.random())
    if ties:  # scores tie only within equal grades, where sklearn's tie-averaging changes nothing
        scores = (grades + rng.integers(0, 2, size) * 10).astype(np.float64)
    else:
        scores = rng.permutation(size).astype(np.float64)
    return scores, grades


@pytest.mark.parametrize("ties", [False, True])
def test_ndcg_agrees_with_sklearn(ties: bool) -> None:
    rng = np.random.default_rng(20240611 + ties)
    for _ in range(300):
        scores, grades = _random_query(rng, ties)
        k = int(rng.integers(1, 12))
        expected = ndcg_score([2.0**grades - 1], [scores], k=k)
        ranked = grades[np.argsort(-scores, kind="stable")]
        assert ndcg_at_k(ranked, k) == pytest.approx(expected, abs=1e-12)
        vectorised = per_query_metrics(scores, grades, np.zeros(scores.size), (k,))
        assert vectorised.values[f"ndcg@{k}"][0] == pytest.approx(expected, abs=1e-12)


def test_mean_of_many_queries_agrees_with_sklearn() -> None:
    # 400 queries of 12 items each: sklearn's mean over rows equals our mean over queries
    rng = np.random.default_rng(7)
    grades = rng.integers(0, 4, (400, 12)) * (rng.random((400, 12)) < 0.4)
    scores = rng.random((400, 12))
    queries = np.repeat(np.arange(400), 12)
    for k in (1, 5, 10):
        expected = ndcg_score(2.0**grades - 1, scores, k=k)
        report = ranking_report(scores.ravel(), grades.ravel(), queries, (k,))
        assert report[f"ndcg@{k}"] == pytest.approx(expected, abs=1e-12)


def test_vectorised_equals_one_query_functions() -> None:
    rng = np.random.default_rng(3)
    n = 5000
    queries = rng.integers(0, 600, n)
    scores = rng.random(n).round(2)  # rounding makes ties
    grades = rng.integers(0, 4, n) * (rng.random(n) < 0.3)
    report = ranking_report(scores, grades, queries, (5, 10), threshold=2)
    for k in (5, 10):
        checks = {
            f"ndcg@{k}": ndcg_at_k,
            f"map@{k}": lambda r, k: average_precision_at_k(r, k, threshold=2),
            f"recall@{k}": lambda r, k: recall_at_k(r, k, threshold=2),
        }
        for name, metric in checks.items():
            slow = mean_over_queries(metric, scores, grades, queries, k)
            assert report[name] == pytest.approx(slow, abs=1e-12), name
    mrr = mean_over_queries(
        lambda r, _k: reciprocal_rank(r, threshold=2), scores, grades, queries, 1
    )
    assert report["mrr"] == pytest.approx(mrr, abs=1e-12)


# --- properties -----------------------------------------------------------------------------------


@given(grade_lists, st.integers(min_value=1, max_value=40))
def test_ndcg_is_between_zero_and_one(grades: list[int], k: int) -> None:
    assert 0.0 <= ndcg_at_k(grades, k) <= 1.0 + 1e-12


@given(grade_lists, st.integers(min_value=1, max_value=40))
def test_perfect_ranking_scores_one_and_reversing_it_scores_less(grades: list[int], k: int) -> None:
    perfect = sorted(grades, reverse=True)
    if max(grades) == 0:
        assert ndcg_at_k(perfect, k) == 0.0
        return
    assert ndcg_at_k(perfect, k) == pytest.approx(1.0)
    assert average_precision_at_k(perfect, k) == pytest.approx(1.0)
    assert reciprocal_rank(perfect, k) == 1.0
    if len(set(grades)) > 1:
        assert ndcg_at_k(perfect[::-1], k) < ndcg_at_k(perfect, k)


@given(grade_lists, st.integers(min_value=1, max_value=40))
def test_set_metrics_are_shares(grades: list[int], k: int) -> None:
    for value in (
        average_precision_at_k(grades, k),
        recall_at_k(grades, k),
        reciprocal_rank(grades),
    ):
        assert 0.0 <= value <= 1.0


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=200))
def test_gini_is_a_share(shown: list[int]) -> None:
    assert 0.0 <= exposure_gini(shown, np.arange(21)) < 1.0


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="positive"):
        dcg_at_k([1, 0], 0)
    with pytest.raises(ValueError, match="one entry per row"):
        ranking_report([0.1, 0.2], [1], [1, 1])


def test_large_report_runs_vectorised() -> None:
    # speed sanity, not a timed assertion: 200k rows in 30k queries take ~0.1 s here
    rng = np.random.default_rng(11)
    n = 200_000
    queries = rng.integers(0, 30_000, n)
    report = ranking_report(rng.random(n), rng.integers(0, 3, n), queries)
    assert set(report) >= {"ndcg@5", "ndcg@10", "map@10", "recall@10", "mrr"}
    assert all(0.0 <= value <= 1.0 for value in report.values())
