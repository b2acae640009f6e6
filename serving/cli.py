"""The ``jobmatch`` command: a thin Typer skin over library functions (the composition root)."""

from __future__ import annotations

import pydantic
import typer

from matching.errors import JobmatchError
from matching.settings import Settings
from matching.storage import make_engine, upgrade_database

app = typer.Typer(
    help="jobmatch: job and training matching for persons with disabilities in Liaocheng.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def load_settings() -> Settings:
    """Settings from the environment, or a clear message naming the bad variable."""
    try:
        return Settings()
    except pydantic.ValidationError as error:
        for problem in error.errors():
            name = "JOBMATCH_" + "_".join(str(part) for part in problem["loc"]).upper()
            typer.secho(f"error: {name}: {problem['msg']}", err=True, fg="red")
        raise typer.Exit(2) from None


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
    host: str = typer.Option("127.0.0.1", help="Address to bind."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the API and the counselors' pages."""
    import uvicorn

    from serving.app import create_app

    uvicorn.run(create_app(load_settings()), host=host, port=port, log_level="info")


def main() -> None:
    """Entry point: jobmatch errors end with their message and exit code 1, not a traceback."""
    try:
        app()
    except JobmatchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise SystemExit(1) from None
