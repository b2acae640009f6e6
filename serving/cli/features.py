"""``jobmatch features build`` writes the training frames; ``jobmatch features recall`` measures
candidate generation against the synthetic city's ground truth."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from features.context import FeatureContext
from features.schema import COURSE_FEATURE_SET, JOB_FEATURE_SET
from features.sources import read_snapshot
from features.training_frames import course_training_frame, job_training_frame
from matching.storage import make_engine, upgrade_database
from serving.cli.settings import load_settings

features_app = typer.Typer(help="Feature frames and candidate generation.", no_args_is_help=True)


def _context() -> tuple[FeatureContext, Path]:
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    try:
        return FeatureContext.from_snapshot(read_snapshot(engine)), settings.data_dir
    finally:
        engine.dispose()


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )


@features_app.command("build")
def build_command(
    out: Annotated[Path | None, typer.Option(help="Folder for the parquet files.")] = None,
) -> None:
    """Write jobs.parquet and courses.parquet: one row per past referral, features as of then."""
    started = time.perf_counter()
    with _bar() as bar:
        task = bar.add_task("读取数据库", total=3)
        context, data_dir = _context()
        folder = out or data_dir / "features"
        folder.mkdir(parents=True, exist_ok=True)
        bar.update(task, advance=1, description="岗位训练集")
        jobs = job_training_frame(context).collect()
        jobs.write_parquet(folder / "jobs.parquet")
        bar.update(task, advance=1, description="培训训练集")
        courses = course_training_frame(context).collect()
        courses.write_parquet(folder / "courses.parquet")
        bar.update(task, advance=1, description="完成")
    manifest = {
        "jobs": {"rows": jobs.height, "feature_set": JOB_FEATURE_SET.version},
        "courses": {"rows": courses.height, "feature_set": COURSE_FEATURE_SET.version},
        "seconds": round(time.perf_counter() - started, 1),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    typer.echo(
        f"训练集已写入 {folder}：岗位 {jobs.height} 行，培训 {courses.height} 行，"
        f"用时 {manifest['seconds']} 秒"
    )


@features_app.command("recall")
def recall_command(
    persons: Annotated[int, typer.Option(help="How many job seekers to sample.")] = 2000,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 1,
) -> None:
    """Share of each person's true top-10 vacancies that candidate generation keeps."""
    from training.oracle import candidate_recall, load_latents

    context, data_dir = _context()
    truth_dir = data_dir / "ground_truth"
    if not (truth_dir / "manifest.json").is_file():
        typer.secho(f"error: no ground truth in {truth_dir}; run `jobmatch synth` first", err=True)
        raise typer.Exit(1)
    seekers = context.persons.filter(pl.col("employment_status") == "seeking")["id"]
    sample = seekers.sample(min(persons, len(seekers)), seed=seed).to_list()
    with _bar() as bar:
        task = bar.add_task("召回率", total=len(sample))
        report = candidate_recall(
            context,
            load_latents(truth_dir),
            sample,
            progress=lambda n: bar.update(task, advance=n),
        )
    typer.echo(
        f"persons {report.persons}, recall@{report.k} {report.recall:.4f}, "
        f"mean candidates {report.mean_candidates:.1f} (max {report.max_candidates}, "
        f"limit {report.limit})"
    )
