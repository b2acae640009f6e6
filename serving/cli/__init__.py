"""The ``jobmatch`` command: a thin Typer skin over library functions (the composition root)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from matching.errors import JobmatchError
from matching.logs import configure_logging
from matching.storage import make_engine, upgrade_database
from serving.cli.batch import batch_app
from serving.cli.evaluate import evaluate_app
from serving.cli.features import features_app
from serving.cli.imports import import_command, template_command
from serving.cli.quota import quota_app
from serving.cli.report import report_app
from serving.cli.settings import load_settings
from serving.cli.synth import stats_command, synth_command
from serving.cli.training import promote_command, rollback_command, train_command
from serving.cli.users import users_app

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

app = typer.Typer(
    help="jobmatch: job and training matching for persons with disabilities in Liaocheng.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(features_app, name="features")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(batch_app, name="batch")
app.add_typer(users_app, name="user")
app.add_typer(quota_app, name="quota")
app.add_typer(report_app, name="report")
app.command("import")(import_command)
app.command("template")(template_command)
app.command("synth")(synth_command)
app.command("stats")(stats_command)
app.command("train")(train_command)
app.command("promote")(promote_command)
app.command("rollback")(rollback_command)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision (safe to repeat)."""
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    typer.echo(f"database ready: {engine.url.render_as_string(hide_password=True)}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the API (OpenAPI docs at /docs)."""
    import uvicorn

    from serving.app import create_app

    uvicorn.Server(server_config(create_app(load_settings()), host, port)).run()


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """uvicorn's settings for ``serve``: uvloop and httptools (dependencies; uvicorn's "auto"
    picks them) take a noticeable share of a recommendation request's time off compared with
    asyncio and h11 (experiments/serving.md); the httptools protocol answers its own 400 in the
    JSON error shape (serving/api/http_protocol.py)."""
    import uvicorn

    from serving.api.http_protocol import JsonErrorsHttpTools

    return uvicorn.Config(
        app, host=host, port=port, log_level="info", loop="auto", http=JsonErrorsHttpTools
    )


def main() -> None:
    """Entry point: jobmatch errors end with their message and exit code 1, not a traceback."""
    configure_logging()
    try:
        app()
    except JobmatchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise SystemExit(1) from None
