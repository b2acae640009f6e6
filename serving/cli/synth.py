"""``jobmatch synth`` builds the synthetic city; ``jobmatch stats`` prints what the DB holds."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from matching.stats import city_stats
from matching.storage import make_engine, upgrade_database
from matching.synth.city import SCALES, build_city
from matching.synth.writer import city_row_counts, clear_city, write_frames
from serving.cli.settings import load_settings

STEPS = ("persons", "employers", "training", "history", "writing")


def synth_command(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same city.")] = 7,
    persons: Annotated[int | None, typer.Option(help="Override the number of persons.")] = None,
    scale: Annotated[str, typer.Option(help=f"One of: {', '.join(SCALES)}.")] = "demo",
    as_of: Annotated[str | None, typer.Option(help="The city's today (YYYY-MM-DD).")] = None,
    replace: Annotated[bool, typer.Option(help="Delete an existing city first.")] = False,
    if_empty: Annotated[
        bool, typer.Option(help="Do nothing (exit 0) when a city is already there.")
    ] = False,
) -> None:
    """Write a seeded synthetic Liaocheng into the database; its ground truth goes beside it."""
    if scale not in SCALES:
        typer.secho(f"error: unknown scale {scale!r}; allowed: {', '.join(SCALES)}", err=True)
        raise typer.Exit(2)
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        typer.secho(f"error: --as-of must be a date like 2026-06-30, got {as_of!r}", err=True)
        raise typer.Exit(2) from None
    chosen = SCALES[scale]
    if persons is not None:
        from dataclasses import replace as with_fields

        chosen = with_fields(chosen, persons=persons)
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    existing = sum(city_row_counts(engine).values())
    if existing and if_empty:
        typer.echo(f"数据库中已有城市数据（{existing} 行），跳过生成")
        engine.dispose()
        return
    if existing and not replace:
        typer.secho(
            f"error: the database already holds {existing} rows of a city; "
            "pass --replace to delete them first",
            err=True,
        )
        raise typer.Exit(1)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False
    ) as bar:
        task = bar.add_task("生成", total=len(STEPS))
        city = build_city(
            seed, chosen, day, lambda step: bar.update(task, description=f"生成：{step}", advance=1)
        )
        total = sum(frame.height for frame in city.frames.values())
        writing = bar.add_task("写入数据库", total=total)
        if replace:
            clear_city(engine)
        write_frames(engine, city.frames, lambda _table, n: bar.update(writing, advance=n))
        bar.update(task, advance=1)
    city.latents.save(settings.data_dir / "ground_truth")
    engine.dispose()
    typer.echo(
        f"城市已生成：种子 {seed}，规模 {scale}，{total} 行，"
        f"用时 {time.perf_counter() - started:.1f} 秒；"
        f"真实结果模型（仅供评估）保存在 {settings.data_dir / 'ground_truth'}"
    )


def stats_command() -> None:
    """Counts per county, disability, employer kind and quota, channel and outcome stage."""
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    console = Console()
    for breakdown in city_stats(engine):
        table = Table(title=breakdown.title, title_justify="left")
        table.add_column("项目")
        table.add_column("数量", justify="right")
        for label, count in breakdown.rows:
            table.add_row(label, f"{count:,}")
        console.print(table)
    engine.dispose()
