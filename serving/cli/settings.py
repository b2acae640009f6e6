"""Settings for the CLI: a bad variable ends the command with a message, not a traceback."""

from __future__ import annotations

import pydantic
import typer

from matching.settings import Settings


def load_settings() -> Settings:
    try:
        return Settings()
    except pydantic.ValidationError as error:
        for problem in error.errors():
            name = "JOBMATCH_" + "_".join(str(part) for part in problem["loc"]).upper()
            typer.secho(f"error: {name}: {problem['msg']}", err=True, fg="red")
        raise typer.Exit(2) from None
