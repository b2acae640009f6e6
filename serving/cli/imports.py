"""``jobmatch import`` and ``jobmatch template``: validated imports of office spreadsheets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from matching.errors import ImportFileError
from matching.imports import SPECS, EntitySpec, default_report_path, import_file, write_template
from matching.storage import make_engine, make_sessionmaker, upgrade_database
from serving.cli.settings import load_settings

ENTITY_HELP = f"One of: {', '.join(SPECS)}."


def entity_spec(entity: str) -> EntitySpec:
    try:
        return SPECS[entity]
    except KeyError:
        typer.secho(
            f"error: unknown entity {entity!r}; allowed: {', '.join(SPECS)}", err=True, fg="red"
        )
        raise typer.Exit(2) from None


def import_command(
    entity: Annotated[str, typer.Argument(help=ENTITY_HELP)],
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8 or GBK) or .xlsx file.")],
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line.")] = False,
    report: Annotated[Path | None, typer.Option(help="Reject report path (CSV).")] = None,
    actor: Annotated[str, typer.Option(help="Who imports, for the audit log.")] = "cli",
) -> None:
    """Import a file: valid rows are upserted by natural key, rejected rows go to the report."""
    spec = entity_spec(entity)
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    report_path = report or default_report_path(settings.reports_dir, spec.name)
    try:
        result = import_file(
            make_sessionmaker(engine), spec, file, actor=actor, report_path=report_path
        )
    except ImportFileError as error:
        typer.secho(f"导入失败：{error.message_zh}", err=True, fg="red")
        typer.secho(f"error: {error}", err=True)
        if as_json:
            typer.echo(json.dumps({"error": str(error), "message_zh": error.message_zh}))
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(
        f"{spec.zh}：共{result.total}行，接收{result.accepted}行"
        f"（新增{result.inserted}，更新{result.updated}，未变{result.unchanged}），"
        f"拒绝{result.rejected}行；拒绝明细：{result.report}"
    )
    if result.ignored_columns:
        typer.echo(f"未识别的列已忽略：{'、'.join(result.ignored_columns)}")
    if as_json:
        typer.echo(json.dumps(result.summary(), ensure_ascii=False))


def template_command(
    entity: Annotated[str, typer.Argument(help=ENTITY_HELP)],
    file: Annotated[Path, typer.Argument(help="FILE.xlsx or FILE.csv to write.")],
) -> None:
    """Write an empty import template with the headers and one example row."""
    spec = entity_spec(entity)
    try:
        write_template(spec, file)
    except ImportFileError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(2) from None
    typer.echo(f"模板已生成：{file}")
