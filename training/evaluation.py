"""Offline evaluation on the test months: every model and baseline on the same logged lists,
the oracle ordering, and quality per group of persons."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import polars as pl

from training.metrics import ranking_report

GROUPS = {
    "disability_category": "残疾类别",
    "disability_level": "残疾等级",
    "county": "县区",
    "sex": "性别",
    "hukou": "城乡",
    "is_graduate": "高校毕业生",
}
MIN_GROUP_QUERIES = 30  # smaller groups are reported but not used for the worst/best ratio
FloatArray = npt.NDArray[np.float64]


def evaluable(frame: pl.DataFrame) -> pl.DataFrame:
    """Ranked lists worth scoring: at least two items and at least one with an outcome."""
    stats = frame.group_by("query_id").agg(items=pl.len(), positives=(pl.col("grade") > 0).sum())
    keep = stats.filter((pl.col("items") >= 2) & (pl.col("positives") >= 1))["query_id"]
    return frame.filter(pl.col("query_id").is_in(keep.implode())).sort("query_id")


def report(frame: pl.DataFrame, scores: FloatArray) -> dict[str, float]:
    return ranking_report(
        scores, frame["grade"].to_numpy(), frame["query_id"].to_numpy(), k_values=(5, 10)
    )


def ndcg_by_query(frame: pl.DataFrame, scores: FloatArray, k: int = 10) -> pl.DataFrame:
    """NDCG@k of every query (for per-group figures)."""
    from training.metrics import ndcg_at_k

    ranked = frame.select("query_id", "grade").with_columns(score=pl.Series(scores))
    rows = []
    for (query,), group in ranked.group_by("query_id"):
        order = np.argsort(-group["score"].to_numpy(), kind="stable")
        rows.append((query, ndcg_at_k(group["grade"].to_numpy()[order], k)))
    return pl.DataFrame(rows, schema={"query_id": pl.Int64, "ndcg": pl.Float64}, orient="row")


def by_group(
    frame: pl.DataFrame, scores: FloatArray, persons: pl.DataFrame, k: int = 10
) -> dict[str, dict[str, float]]:
    """Mean NDCG@k per value of each person attribute, plus worst/best over sizeable groups."""
    per_query = (
        ndcg_by_query(frame, scores, k)
        .join(frame.select("query_id", "person_id").unique("query_id"), on="query_id")
        .join(
            persons.select(pl.col("id").alias("person_id"), *GROUPS).with_columns(
                pl.col("is_graduate").cast(pl.String)
            ),
            on="person_id",
        )
    )
    out: dict[str, dict[str, float]] = {}
    for attribute in GROUPS:
        stats = per_query.group_by(attribute).agg(ndcg=pl.col("ndcg").mean(), n=pl.len())
        values = {str(row[attribute]): float(row["ndcg"]) for row in stats.iter_rows(named=True)}
        sizeable = stats.filter(pl.col("n") >= MIN_GROUP_QUERIES)["ndcg"]
        if len(sizeable) < 2:  # too few queries per group: compare all groups
            sizeable = stats["ndcg"]
        ordered = sizeable.cast(pl.Float64).to_numpy()
        worst, best = float(ordered.min()), float(ordered.max())
        values["worst_to_best"] = worst / best if best > 0 else 0.0
        out[attribute] = values
    return out


def worst_group_ratio(groups: Mapping[str, Mapping[str, float]]) -> float:
    return min(values["worst_to_best"] for values in groups.values())
