"""Settings from ``JOBMATCH_*`` environment variables or a ``.env`` file, validated at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Everything configurable; pass an instance explicitly, never read a global."""

    model_config = SettingsConfigDict(
        env_prefix="JOBMATCH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR, description="Folder for the SQLite files, reports and models."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means an SQLite file jobmatch.db under data_dir.",
    )
    mlflow_tracking_uri: str = Field(
        default="", description="MLflow tracking URI; empty means SQLite mlflow.db under data_dir."
    )
    working_age_min: int = Field(default=16, ge=0, le=100)
    working_age_max: int = Field(default=59, ge=0, le=100)
    quota_rate: str = Field(default="0.015", description="Shandong quota rate (Decimal text).")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        allowed = ("sqlite", "postgresql")
        if value and value.split(":", 1)[0].split("+", 1)[0] not in allowed:
            scheme = value.split(":", 1)[0]
            raise ValueError(
                f"JOBMATCH_DATABASE_URL must start with one of {allowed} "
                f"(e.g. postgresql+psycopg://user:pw@host/db), got scheme {scheme!r}"
            )
        return value

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'jobmatch.db'}"

    @property
    def resolved_mlflow_tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.data_dir / 'mlflow.db'}"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"
