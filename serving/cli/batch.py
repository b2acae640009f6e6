"""``jobmatch batch recommend``: the nightly lists of every registered person, on this process
or on Dask (``serving.batch``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.progress import Progress

from serving.batch.night import BLOCK_SIZE, plan_night, rank_night
from serving.batch.ranking import BatchSource
from serving.batch.run import Engine
from serving.cli.settings import load_settings

batch_app = typer.Typer(help="The nightly city batch.", no_args_is_help=True)


def _persons(value: str) -> int | None:
    if value == "all":
        return None
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise typer.BadParameter("use `all` or a number of persons above 0")


def _moment(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("use an ISO date-time such as 2026-12-05T02:00:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@batch_app.command("recommend")
def recommend_command(
    engine: Annotated[str, typer.Option(help="local (this process) or dask.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="A Dask scheduler address; default: a LocalCluster.")
    ] = None,
    persons: Annotated[str, typer.Option(help="all, or the first N persons by county.")] = "all",
    out: Annotated[
        Path | None, typer.Option(help="Folder of the nights (default: <data dir>/batch).")
    ] = None,
    at: Annotated[str | None, typer.Option(help="The moment to rank at (default: now).")] = None,
    block_size: Annotated[int, typer.Option(min=1, help="Persons per block.")] = BLOCK_SIZE,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line.")] = False,
) -> None:
    """Rank jobs and courses for every registered person with the served champions; a night's
    lists go to <out>/<date>/, one part per block. Run it again to resume a stopped night. A
    complete night is compared with the one before: its new-match alerts go beside it and to
    the counselors' home pages."""
    if engine not in ("local", "dask"):
        raise typer.BadParameter("engine must be local or dask", param_hint="--engine")
    chosen: Engine = "dask" if engine == "dask" else "local"
    limit = _persons(persons)
    moment = _moment(at)
    settings = load_settings()
    plan = plan_night(settings.resolved_database_url, block_size, limit)
    blocks = plan.blocks
    source = BatchSource(
        database_url=settings.resolved_database_url,
        tracking_uri=settings.resolved_mlflow_tracking_uri,
        data_dir=str(settings.data_dir),
        at=moment,
    )
    folder = out or settings.data_dir / "batch"
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("排序中…", total=len(blocks))
        done = rank_night(
            source,
            plan,
            folder,
            engine=chosen,
            scheduler=scheduler,
            progress=lambda done, _all: bar.update(task, completed=done),
        )
    night, alerts = done.run, done.alerts
    count = sum(len(block.person_ids) for block in blocks)
    message = (
        f"{count} persons in {night.blocks} blocks, {night.ranked} ranked now "
        f"({night.blocks - night.ranked} were done): {night.folder}"
    )
    if alerts is not None:
        message += f"; new-match alerts against the night before: {pl.read_parquet(alerts).height}"
    typer.echo(message, err=as_json)
    if as_json:
        summary = {
            "persons": count,
            "blocks": night.blocks,
            "ranked": night.ranked,
            "folder": str(night.folder),
            "engine": chosen,
            "at": moment.isoformat(),
            "alerts": None if alerts is None else pl.read_parquet(alerts).height,
        }
        typer.echo(json.dumps(summary, ensure_ascii=False))
