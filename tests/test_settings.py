"""Settings come from JOBMATCH_* variables and say what is allowed when wrong."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from matching.settings import Settings


def test_defaults_live_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'jobmatch.db'}"
    assert settings.resolved_mlflow_tracking_uri == f"sqlite:///{tmp_path / 'mlflow.db'}"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMATCH_DATABASE_URL", "postgresql+psycopg://u:p@localhost/db")
    monkeypatch.setenv("JOBMATCH_MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    monkeypatch.setenv("JOBMATCH_DATA_DIR", "/tmp/somewhere")
    settings = Settings()
    assert settings.resolved_database_url.startswith("postgresql+psycopg://")
    assert settings.resolved_mlflow_tracking_uri == "http://127.0.0.1:5000"
    assert settings.data_dir == Path("/tmp/somewhere")


def test_an_unknown_database_names_the_allowed_ones() -> None:
    with pytest.raises(pydantic.ValidationError, match="sqlite"):
        Settings(database_url="mysql://localhost/db")
