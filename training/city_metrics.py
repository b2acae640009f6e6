"""What one policy's served lists give the city: expected placements (overall, by county and by
disability category), applications per opening, the catalogue's exposure, NDCG@10."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from training.evaluation import MIN_GROUP_QUERIES
from training.metrics import exposure_gini, ndcg_at_k, share_never_recommended
from training.oracle_city import CityOutcome

GROUP_COLUMNS = {"county": "county", "disability_category": "category"}


@dataclass
class PolicyReport:
    expected_placements: float
    placements_by_group: dict[str, dict[str, float]]  # attribute → group → expected placements
    placement_rate_by_group: dict[str, dict[str, float]]  # … per replayed person of the group
    worst_best_group_placements: float  # min over attributes of worst/best placement rate
    applications_per_opening: float  # expected applications / openings of the open catalogue
    never_recommended: float  # share of the open catalogue in nobody's served list
    exposure_gini: float  # of list slots over the open catalogue
    ndcg10: float  # mean NDCG@10, gains the true expected grade over the whole candidate set
    placements_vs_plain: float = float("nan")
    ndcg10_vs_plain: float = float("nan")
    extra: dict[str, float] = field(default_factory=dict)

    def relate_to(self, base: PolicyReport) -> None:
        self.placements_vs_plain = _ratio(self.expected_placements, base.expected_placements)
        self.ndcg10_vs_plain = _ratio(self.ndcg10, base.ndcg10)


def _ratio(value: float, base: float) -> float:
    return value / base if base > 0 else float("nan")


def policy_report(
    served: pl.DataFrame,
    judged: pl.DataFrame,
    outcome: CityOutcome,
    persons: pl.DataFrame,
    vacancies: pl.DataFrame,
) -> PolicyReport:
    """``served``: query_id, vacancy_id, rank, person_id; ``judged``: every candidate row with
    its true ``grade``; ``persons`` (person_id, county, category) in the order of
    ``outcome.person_placed``; ``vacancies`` (vacancy_id, openings) the open catalogue."""
    placed = persons.with_columns(placed=pl.Series(outcome.person_placed))
    by_group: dict[str, dict[str, float]] = {}
    rates: dict[str, dict[str, float]] = {}
    ratios = []
    for attribute, column in GROUP_COLUMNS.items():
        stats = placed.group_by(column).agg(total=pl.col("placed").sum(), n=pl.len()).sort(column)
        by_group[attribute] = {
            str(r[column]): float(r["total"]) for r in stats.iter_rows(named=True)
        }
        rates[attribute] = {
            str(r[column]): float(r["total"] / r["n"]) for r in stats.iter_rows(named=True)
        }
        ratios.append(group_ratio(stats["total"].to_numpy(), stats["n"].to_numpy()))
    catalogue = vacancies["vacancy_id"].to_numpy()
    shown = served["vacancy_id"].to_numpy()
    return PolicyReport(
        expected_placements=float(outcome.person_placed.sum()),
        placements_by_group=by_group,
        placement_rate_by_group=rates,
        worst_best_group_placements=min(ratios),
        applications_per_opening=float(outcome.applications.sum() / vacancies["openings"].sum()),
        never_recommended=share_never_recommended(shown, catalogue),
        exposure_gini=exposure_gini(shown, catalogue),
        ndcg10=mean_ndcg(served, judged),
        extra={
            "served_items": float(served.height),
            "expected_hires_through_lists": float(outcome.placed.sum()),
            "placements_without_competition": float(outcome.uncontested.sum()),
        },
    )


def group_ratio(totals: np.ndarray, sizes: np.ndarray, minimum: int = MIN_GROUP_QUERIES) -> float:
    """Worst over best placement rate among groups of at least ``minimum`` persons (all groups
    when fewer than two are that large), as the NDCG group ratio of ``training/evaluation.py``."""
    rate = np.asarray(totals, dtype=float) / np.maximum(np.asarray(sizes, dtype=float), 1.0)
    sizeable = rate[np.asarray(sizes) >= minimum]
    if len(sizeable) < 2:
        sizeable = rate
    best = float(sizeable.max()) if len(sizeable) else 0.0
    return float(sizeable.min()) / best if best > 0 else 0.0


def mean_ndcg(served: pl.DataFrame, judged: pl.DataFrame, k: int = 10) -> float:
    """NDCG@k of each served list against all of its session's candidates (the ideal sees the
    whole candidate set, ``ndcg_at_k``), averaged over sessions."""
    shown = served.select("query_id", "vacancy_id", "rank")
    rows = judged.join(shown, on=["query_id", "vacancy_id"], how="left").sort(
        "query_id", pl.col("rank").fill_null(1_000_000), "vacancy_id"
    )
    values = [
        ndcg_at_k(part["grade"].to_numpy(), k)
        for part in rows.partition_by("query_id", maintain_order=True)
    ]
    return float(np.mean(values)) if values else 0.0
