"""``jobmatch train``, ``jobmatch promote`` and ``jobmatch rollback``: what analysts run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from features.context import FeatureContext
from features.sources import read_snapshot
from matching.settings import Settings
from matching.storage import make_engine, make_sessionmaker, upgrade_database
from serving.cli.settings import load_settings
from serving.services.model_admin import promote_challenger, roll_back
from training.config import TrainConfig
from training.kinds import RANKER_KINDS, Kind
from training.oracle import load_latents
from training.pipeline import train
from training.promotion import usable_champion
from training.registry import model_name, record
from training.tracking import CHAMPION, Tracking

KINDS: tuple[Kind, ...] = ("jobs", "courses")
METRIC_COLUMNS = ("ndcg@5", "ndcg@10", "map@10", "recall@10", "mrr")


def _kind(value: str) -> Kind:
    for kind in KINDS:
        if value == kind:
            return kind
    typer.secho(f"error: unknown ranker {value!r}; allowed: {', '.join(KINDS)}", err=True)
    raise typer.Exit(2)


def _tracking(settings: Settings) -> Tracking:
    return Tracking(settings.resolved_mlflow_tracking_uri, settings.data_dir / "mlartifacts")


def _context(settings: Settings) -> FeatureContext:
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    try:
        return FeatureContext.from_snapshot(read_snapshot(engine))
    finally:
        engine.dispose()


def _has_champion(settings: Settings, kind: Kind) -> bool:
    """Whether a champion the service can use exists (then ``--if-no-champion`` skips); one
    trained on another feature list (an older version of this code) does not count."""
    tracking = _tracking(settings)
    model = model_name(kind)
    feature_set = RANKER_KINDS[kind].feature_set
    version = usable_champion(tracking, model, feature_set)
    if version is not None:
        typer.echo(f"{model} 已有冠军模型（版本 {version}），跳过")
    elif (stale := tracking.version_of(model, CHAMPION)) is not None:
        typer.echo(
            f"{model} 的冠军模型（版本 {stale}）使用旧的特征列表，服务无法使用，将重新训练并评审"
        )
    return version is not None


def train_command(
    kind: Annotated[str, typer.Argument(help="jobs or courses")],
    config: Annotated[Path | None, typer.Option(help="A TOML file of training settings.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line.")] = False,
    if_no_champion: Annotated[
        bool, typer.Option(help="Do nothing when a champion is already registered.")
    ] = False,
) -> None:
    """Train, compare with baselines and the oracle, log to MLflow, register as challenger."""
    chosen = _kind(kind)
    settings = load_settings()
    if if_no_champion and _has_champion(settings, chosen):
        return
    settings_config = TrainConfig.from_toml(config, defaults=RANKER_KINDS[chosen].train_settings)
    console = Console(stderr=as_json)
    truth_dir = settings.data_dir / "ground_truth"
    latents = load_latents(truth_dir) if (truth_dir / "manifest.json").is_file() else None
    with console.status("训练中…") as status:
        context = _context(settings)
        result = train(
            chosen,
            context,
            settings_config,
            latents=latents,
            progress=lambda step: status.update(f"训练中：{step}"),
        )
        status.update("写入 MLflow")
        run_id, version = record(_tracking(settings), result, settings_config)
    table = Table(title=f"{chosen} ranker — test months to {result.split.test_end:%Y-%m-%d}")
    table.add_column("model")
    for column in METRIC_COLUMNS:
        table.add_column(column, justify="right")
    for name, values in result.metrics.items():
        table.add_row(name, *(f"{values[c]:.4f}" if c in values else "—" for c in METRIC_COLUMNS))
    console.print(table)
    for key, value in result.extra.items():
        console.print(f"{key}: {value:.4f}")
    console.print(
        f"MLflow run {run_id}; registered {model_name(chosen)} version {version} (challenger)"
    )
    if as_json:
        line = {
            "kind": chosen,
            "run_id": run_id,
            "model": model_name(chosen),
            "version": version,
            "feature_set": result.feature_set.version,
            "seconds": round(result.seconds, 1),
            "metrics": result.metrics,
            **result.extra,
        }
        typer.echo(json.dumps(line))


def promote_command(
    kind: Annotated[str, typer.Argument(help="jobs or courses")],
    version: Annotated[
        str | None, typer.Option(help="Version to promote (default: challenger).")
    ] = None,
    if_no_champion: Annotated[
        bool, typer.Option(help="Do nothing when a champion is already registered.")
    ] = False,
) -> None:
    """Run the promotion gate; on success the challenger becomes champion."""
    chosen = _kind(kind)
    settings = load_settings()
    if if_no_champion and _has_champion(settings, chosen):
        return
    context = _context(settings)
    engine = make_engine(settings.resolved_database_url)
    try:
        result = promote_challenger(
            _tracking(settings),
            chosen,
            context,
            make_sessionmaker(engine).begin,
            actor="cli",
            version=version,
        )
    finally:
        engine.dispose()
    for name, ok, detail in result.checks:
        typer.echo(f"{'通过' if ok else '未通过'}  {name}: {detail}")
    if not result.passed:
        typer.secho(f"promotion refused: {result.model} version {result.candidate}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{result.model}: champion is now version {result.candidate}")


def rollback_command(kind: Annotated[str, typer.Argument(help="jobs or courses")]) -> None:
    """Move 'champion' back to the previous champion."""
    chosen = _kind(kind)
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        old, new = roll_back(
            _tracking(settings), chosen, make_sessionmaker(engine).begin, actor="cli"
        )
    except LookupError as error:
        typer.secho(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"{model_name(chosen)}: champion moved back from version {old} to {new}")
