"""``jobmatch evaluate city``: replay the test months with counselors following the served lists
and report what the city gets (expected placements under the openings' competition)."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Annotated, Any

import numpy as np
import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from features.congestion import WINDOW_DAYS
from features.context import FeatureContext
from features.schema import JOB_FEATURE_SET
from features.sources import read_snapshot
from matching.storage import make_engine, upgrade_database
from serving.cli.settings import load_settings
from training.city_metrics import PolicyReport
from training.city_policies import Policy, congestion_policy, plain_policy, rule_policy
from training.promotion import usable_champion
from training.registry import model_name
from training.tracking import Tracking

evaluate_app = typer.Typer(
    help="City-level evaluation on the synthetic city.", no_args_is_help=True
)

# keys of the JSON answer: metric → policy → value (§3 adds its policy to ``policies``)
SCALARS = (
    "expected_placements",
    "placements_vs_plain",
    "never_recommended",
    "exposure_gini",
    "ndcg10",
    "ndcg10_vs_plain",
    "worst_best_group_placements",
    "applications_per_opening",
)


def policies(prior: pl.DataFrame) -> dict[str, Policy]:
    """The policies replayed, the plain ranker first (the others are related to it).
    ``prior``: the referrals before the replayed months (the congestion policy's first load)."""
    return {
        "plain": plain_policy(),
        "rule": rule_policy(),
        "congestion": congestion_policy(prior),
    }


def prior_referrals(referrals: pl.DataFrame, start: datetime) -> pl.DataFrame:
    """The job referrals of the load window before ``start``."""
    since = start - timedelta(days=WINDOW_DAYS)
    return referrals.filter(
        pl.col("vacancy_id").is_not_null()
        & (pl.col("referred_at") >= since)
        & (pl.col("referred_at") < start)
    ).select("person_id", "vacancy_id", "referred_at")


def _finite(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


def answer(months: int, sessions: int, reports: dict[str, PolicyReport]) -> dict[str, Any]:
    """The JSON line: each metric by policy, plus placements by county and category."""
    out: dict[str, Any] = {"months": months, "sessions": sessions, "policies": list(reports)}
    for key in SCALARS:
        out[key] = {name: _finite(float(getattr(r, key))) for name, r in reports.items()}
    out["placements_without_competition"] = {
        name: _finite(r.extra["placements_without_competition"]) for name, r in reports.items()
    }
    for attribute in ("county", "disability_category"):
        out[f"placements_by_{attribute}"] = {
            name: {g: round(v, 3) for g, v in r.placements_by_group[attribute].items()}
            for name, r in reports.items()
        }
    return out


@evaluate_app.command("city")
def city_command(
    months: Annotated[int, typer.Option(min=1, help="Newest months to replay.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line.")] = False,
) -> None:
    """Expected placements, exposure and NDCG@10 of the plain ranker, the rule and the
    congestion-aware ranking, city-wide."""
    from training.city_replay import replay, replay_city
    from training.oracle import load_latents
    from training.oracle_city import CityTruth

    settings = load_settings()
    truth_dir = settings.data_dir / "ground_truth"
    if not (truth_dir / "manifest.json").is_file():
        typer.secho(f"error: no ground truth in {truth_dir}; run `jobmatch synth` first", err=True)
        raise typer.Exit(1)
    tracking = Tracking(settings.resolved_mlflow_tracking_uri, settings.data_dir / "mlartifacts")
    version = usable_champion(tracking, model_name("jobs"), JOB_FEATURE_SET)
    if version is None:
        typer.secho(
            "error: no usable jobs champion; run `jobmatch train jobs` and promote", err=True
        )
        raise typer.Exit(1)
    booster = tracking.load_booster(model_name("jobs"), version)
    names = JOB_FEATURE_SET.names
    console = Console(stderr=as_json)
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    try:
        context = FeatureContext.from_snapshot(read_snapshot(engine))
    finally:
        engine.dispose()

    def score(frame: pl.DataFrame) -> np.ndarray:
        return np.asarray(booster.predict(frame.select(names).to_pandas()), dtype=np.float64)

    with console.status("回放中…"):
        city = replay_city(context, months, score)
        prior = prior_referrals(context.snapshot.referrals, city.start)
        reports = replay(city, CityTruth(context, load_latents(truth_dir)), policies(prior))
    sessions = city.frame["query_id"].n_unique()
    table = Table(
        title=f"city replay {city.start:%Y-%m-%d}..{city.end:%Y-%m-%d}, {sessions} sessions"
    )
    table.add_column("metric")
    for name in reports:
        table.add_column(name, justify="right")
    for key in SCALARS:
        table.add_row(key, *(f"{float(getattr(r, key)):.4f}" for r in reports.values()))
    console.print(table)
    console.print(f"jobs champion version {version}; open vacancies {city.vacancies.height}")
    if as_json:
        typer.echo(json.dumps(answer(months, sessions, reports), ensure_ascii=False))
