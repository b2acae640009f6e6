"""Ranking, fairness and exposure metrics as pure functions with an explicit ``k``.

Conventions (shared by the one-query functions and the vectorised :func:`per_query_metrics`):

- Gain is ``2**grade - 1`` and the discount of 0-based rank ``i`` is ``1 / log2(i + 2)``:
  LightGBM's default ``label_gain`` and the usual exponential-gain NDCG. sklearn's ``ndcg_score``
  uses the relevance as the gain, so it agrees with ours when given ``y_true = 2**grade - 1``.
- A query with no relevant item (ideal DCG 0) has NDCG 0, as in ``sklearn.metrics.ndcg_score``;
  LightGBM's own ``ndcg`` eval metric counts such a query as 1 (``no_relevant_value=1.0`` matches).
  AP, recall and reciprocal rank of such a query are 0 too, so every mean runs over all queries.
- Ties in scores are broken by input row order (a stable sort on descending score), exactly as
  LightGBM's NDCG metric does; sklearn averages over ties instead, so the two agree only where tied
  items share a grade. Do not feed rows pre-sorted by relevance to a model that emits many ties.
- An item is relevant when ``grade >= threshold`` (default 1) for AP, recall and reciprocal rank.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "GroupReport",
    "QueryMetrics",
    "average_precision_at_k",
    "dcg_at_k",
    "exposure_counts",
    "exposure_gini",
    "group_report",
    "mean_over_queries",
    "ndcg_at_k",
    "oracle_ratio",
    "per_query_metrics",
    "ranking_report",
    "recall_at_k",
    "reciprocal_rank",
    "share_never_recommended",
]

FloatArray = npt.NDArray[np.float64]
QueryMetric = Callable[[FloatArray, int], float]


def _grades(relevance: npt.ArrayLike) -> FloatArray:
    return np.asarray(relevance, dtype=np.float64).ravel()


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")


def _discounts(n: int) -> FloatArray:
    return 1.0 / np.log2(np.arange(n, dtype=np.float64) + 2.0)


def dcg_at_k(relevance_in_ranked_order: npt.ArrayLike, k: int) -> float:
    """DCG of the first ``k`` items: sum of (2**grade - 1) / log2(rank + 1), rank 1-based."""
    _check_k(k)
    top = _grades(relevance_in_ranked_order)[:k]
    return float(np.sum((2.0**top - 1.0) * _discounts(top.size)))


def ndcg_at_k(
    relevance_in_ranked_order: npt.ArrayLike, k: int, *, no_relevant_value: float = 0.0
) -> float:
    """DCG@k over the DCG@k of the same grades sorted best first.

    Pass the whole ranked list of the query, not only its top k: the ideal ordering must see the
    relevant items the ranking pushed below k.
    """
    grades = _grades(relevance_in_ranked_order)
    ideal = dcg_at_k(np.sort(grades)[::-1], k)
    return dcg_at_k(grades, k) / ideal if ideal > 0 else no_relevant_value


def average_precision_at_k(
    relevance_in_ranked_order: npt.ArrayLike, k: int, *, threshold: float = 1.0
) -> float:
    """Mean of precision@i over the relevant ranks i <= k, divided by min(#relevant, k).

    The min() makes a perfect ranking score 1 even when a query has more than k relevant items.
    """
    _check_k(k)
    relevant = _grades(relevance_in_ranked_order) >= threshold
    total = int(relevant.sum())
    if total == 0:
        return 0.0
    top = relevant[:k]
    precision = np.cumsum(top) / np.arange(1, top.size + 1)
    return float(np.sum(precision[top]) / min(total, k))


def recall_at_k(
    relevance_in_ranked_order: npt.ArrayLike, k: int, *, threshold: float = 1.0
) -> float:
    """Share of the query's relevant items that appear in the first ``k``."""
    _check_k(k)
    relevant = _grades(relevance_in_ranked_order) >= threshold
    total = int(relevant.sum())
    return float(relevant[:k].sum() / total) if total else 0.0


def reciprocal_rank(
    relevance_in_ranked_order: npt.ArrayLike, k: int | None = None, *, threshold: float = 1.0
) -> float:
    """1 / (1-based rank of the first relevant item), 0 if none within ``k`` (None: whole list)."""
    relevant = _grades(relevance_in_ranked_order) >= threshold
    if k is not None:
        _check_k(k)
        relevant = relevant[:k]
    hits = np.flatnonzero(relevant)
    return float(1.0 / (hits[0] + 1)) if hits.size else 0.0


def _rank_by_query(
    scores: npt.ArrayLike, grades: npt.ArrayLike, query_ids: npt.ArrayLike
) -> tuple[npt.NDArray[np.generic], FloatArray, npt.NDArray[np.intp]]:
    """Sort once on (query, -score), stably; return query keys, ranked grades and query starts."""
    score = np.asarray(scores, dtype=np.float64).ravel()
    grade = _grades(grades)
    query = np.asarray(query_ids).ravel()
    if not score.size == grade.size == query.size:
        raise ValueError(
            f"scores, grades and query_ids must have one entry per row, got lengths "
            f"{score.size}, {grade.size} and {query.size}"
        )
    if score.size == 0:
        raise ValueError("no rows to evaluate: scores, grades and query_ids are empty")
    keys, codes = np.unique(query, return_inverse=True)
    by_score = np.argsort(-score, kind="stable")
    order = by_score[np.argsort(codes[by_score], kind="stable")]
    starts = np.searchsorted(codes[order], np.arange(keys.size))
    return keys, grade[order], starts


def mean_over_queries(
    metric: QueryMetric,
    scores: npt.ArrayLike,
    grades: npt.ArrayLike,
    query_ids: npt.ArrayLike,
    k: int,
) -> float:
    """Mean over queries of any one-query ``metric(ranked_grades, k)``: a slow, general path."""
    _check_k(k)
    _, ranked, starts = _rank_by_query(scores, grades, query_ids)
    return float(np.mean([metric(part, k) for part in np.split(ranked, starts[1:])]))


@dataclass(frozen=True)
class QueryMetrics:
    """Per-query values: ``values[name][i]`` belongs to ``query_ids[i]`` (sorted query keys)."""

    query_ids: npt.NDArray[np.generic]
    values: dict[str, FloatArray]

    def means(self) -> dict[str, float]:
        return {name: float(column.mean()) for name, column in self.values.items()}


def per_query_metrics(
    scores: npt.ArrayLike,
    grades: npt.ArrayLike,
    query_ids: npt.ArrayLike,
    k_values: tuple[int, ...] = (5, 10),
    *,
    threshold: float = 1.0,
    no_relevant_value: float = 0.0,
) -> QueryMetrics:
    """NDCG@k, MAP@k, recall@k for each k and MRR (whole list) for every query, without a loop.

    One stable sort on (query, -score) and one on (query, -grade); sums per query by reduceat.
    """
    for k in k_values:
        _check_k(k)
    keys, ranked, starts = _rank_by_query(scores, grades, query_ids)
    _, ideal, _ = _rank_by_query(grades, grades, query_ids)
    sizes = np.diff(np.append(starts, ranked.size))
    rank = np.arange(ranked.size) - np.repeat(starts, sizes)  # 0-based rank inside the query
    discount = 1.0 / np.log2(rank + 2.0)
    gain, ideal_gain = (2.0**ranked - 1.0) * discount, (2.0**ideal - 1.0) * discount
    relevant = (ranked >= threshold).astype(np.float64)
    total = np.add.reduceat(relevant, starts)
    has_relevant = total > 0
    safe_total = np.where(has_relevant, total, 1.0)
    hits_so_far = np.cumsum(relevant)
    hits_so_far -= np.repeat(hits_so_far[starts] - relevant[starts], sizes)
    precision_at_hits = relevant * hits_so_far / (rank + 1.0)
    values: dict[str, FloatArray] = {}
    for k in k_values:
        within = rank < k
        dcg = np.add.reduceat(gain * within, starts)
        best = np.add.reduceat(ideal_gain * within, starts)
        values[f"ndcg@{k}"] = np.where(
            best > 0, dcg / np.where(best > 0, best, 1.0), no_relevant_value
        )
        ap = np.add.reduceat(precision_at_hits * within, starts) / np.minimum(safe_total, k)
        values[f"map@{k}"] = np.where(has_relevant, ap, 0.0)
        values[f"recall@{k}"] = np.add.reduceat(relevant * within, starts) / safe_total
    values["mrr"] = np.maximum.reduceat(relevant / (rank + 1.0), starts)
    return QueryMetrics(query_ids=keys, values=values)


def ranking_report(
    scores: npt.ArrayLike,
    grades: npt.ArrayLike,
    query_ids: npt.ArrayLike,
    k_values: tuple[int, ...] = (5, 10),
    *,
    threshold: float = 1.0,
) -> dict[str, float]:
    """Means over queries of :func:`per_query_metrics`: ndcg@k, map@k, recall@k per k, and mrr."""
    return per_query_metrics(scores, grades, query_ids, k_values, threshold=threshold).means()


def oracle_ratio(model_ndcg: float, oracle_ndcg: float) -> float:
    """Model NDCG as a share of the best achievable (the ground-truth ordering's) NDCG."""
    if not oracle_ndcg > 0:
        raise ValueError(f"oracle NDCG must be positive to form a ratio, got {oracle_ndcg}")
    return model_ndcg / oracle_ndcg


@dataclass(frozen=True)
class GroupReport:
    """Per-group mean of a per-query metric; ``worst_to_best`` is 1 at parity, lower is worse."""

    means: dict[Hashable, float]
    counts: dict[Hashable, int]
    worst_group: Hashable
    best_group: Hashable
    worst_to_best: float


def group_report(
    metric_by_query: Mapping[Hashable, float] | npt.ArrayLike,
    group_of_query: Mapping[Hashable, Hashable] | npt.ArrayLike,
) -> GroupReport:
    """Compare groups (e.g. disability category, county) on a per-query metric.

    Either two mappings keyed by query id (every metric's query needs a group) or two aligned
    arrays. When every group's mean is 0 the ratio is 1: nobody is served worse than anyone.
    """
    if isinstance(metric_by_query, Mapping):
        if not isinstance(group_of_query, Mapping):
            raise ValueError("group_of_query must be a mapping when metric_by_query is one")
        missing = [query for query in metric_by_query if query not in group_of_query]
        if missing:
            raise ValueError(f"{len(missing)} queries have no group, e.g. {missing[:3]}")
        values = np.array(list(metric_by_query.values()), dtype=np.float64)
        groups = np.array([group_of_query[query] for query in metric_by_query], dtype=object)
    else:
        if isinstance(group_of_query, Mapping):
            raise ValueError("group_of_query must be an array when metric_by_query is one")
        values = np.asarray(metric_by_query, dtype=np.float64).ravel()
        groups = np.asarray(group_of_query, dtype=object).ravel()
    if values.size == 0 or values.size != groups.size:
        raise ValueError(
            f"need one group per query and at least one query, got {values.size} metric values "
            f"and {groups.size} groups"
        )
    means: dict[Hashable, float] = {}
    counts: dict[Hashable, int] = {}
    for group in dict.fromkeys(groups.tolist()):
        mask = groups == group
        means[group], counts[group] = float(values[mask].mean()), int(mask.sum())
    worst, best = min(means, key=means.__getitem__), max(means, key=means.__getitem__)
    ratio = means[worst] / means[best] if means[best] > 0 else 1.0
    return GroupReport(means, counts, worst, best, ratio)


def exposure_counts(
    recommended_item_ids: npt.ArrayLike, all_item_ids: npt.ArrayLike
) -> npt.NDArray[np.int64]:
    """How often each catalogue item appears in anyone's top-k (0 if never), in catalogue order."""
    catalogue = np.asarray(all_item_ids).ravel()
    shown = np.asarray(recommended_item_ids).ravel()
    if catalogue.size == 0:
        raise ValueError("the catalogue (all_item_ids) is empty")
    keys, first = np.unique(catalogue, return_index=True)
    if keys.size != catalogue.size:
        raise ValueError("all_item_ids must list each item once")
    where = np.searchsorted(keys, shown)
    known = (where < keys.size) & (keys[np.minimum(where, keys.size - 1)] == shown)
    if not known.all():
        raise ValueError(
            f"{int((~known).sum())} recommended ids are not in all_item_ids, "
            f"e.g. {shown[~known][:3]}"
        )
    counts = np.zeros(catalogue.size, dtype=np.int64)
    np.add.at(counts, first[where], 1)
    return counts


def exposure_gini(recommended_item_ids: npt.ArrayLike, all_item_ids: npt.ArrayLike) -> float:
    """Gini of exposure over the whole catalogue: 0 when every item is shown equally often,
    (n - 1) / n (→ 1) when one item takes every slot."""
    counts = np.sort(exposure_counts(recommended_item_ids, all_item_ids)).astype(np.float64)
    total = counts.sum()
    if total == 0:
        raise ValueError("nothing was recommended: the Gini of zero exposure is undefined")
    n = counts.size
    return float(2.0 * np.sum(np.arange(1, n + 1) * counts) / (n * total) - (n + 1) / n)


def share_never_recommended(
    recommended_item_ids: npt.ArrayLike, all_item_ids: npt.ArrayLike
) -> float:
    """Share of the catalogue that appears in nobody's top-k."""
    return float(np.mean(exposure_counts(recommended_item_ids, all_item_ids) == 0))
