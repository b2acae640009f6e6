"""Settings from ``JOBMATCH_*`` environment variables or a ``.env`` file, validated at start-up."""

from __future__ import annotations

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from matching.errors import ConfigError
from matching.quota import LocalWage

DEFAULT_DATA_DIR = Path("var")
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_FILE = "secret_key"
MAX_LOCAL_WAGE = Decimal(10_000_000)


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
    mlflow_ui_url: str = Field(
        default="http://127.0.0.1:5000",
        description="Address of the MLflow UI (`make mlflow-ui`) the models page links runs to; "
        "empty: no links.",
    )
    working_age_min: int = Field(
        default=16, ge=0, le=100, description="Youngest age of the employment rate's persons."
    )
    working_age_max: int = Field(
        default=59,
        ge=0,
        le=100,
        description="Oldest age (inclusive) of the employment rate's persons.",
    )
    quota_rate: str = Field(default="0.015", description="Shandong quota rate (Decimal text).")
    levy_local_average_wage: str = Field(
        default="",
        description="Last year's local urban average annual wage in yuan, the levy's wage cap "
        "(docs/domain.md, The levy); empty: the levy is not computed and says why.",
    )
    levy_local_average_wage_source: str = Field(
        default="",
        description="Where levy_local_average_wage comes from (bulletin, year), shown beside "
        "every levy figure; required when the wage is set.",
    )
    load_models: bool = Field(
        default=True, description="Load the snapshot and models at start-up (off in unit tests)."
    )
    model_poll_seconds: float = Field(
        default=30.0, gt=0, description="How often the champion alias is polled."
    )
    snapshot_refresh_seconds: float = Field(
        default=300.0,
        ge=1,
        le=86400,
        description="How often the service checks the database for changes and re-reads the "
        "feature snapshot (1 s to 1 day).",
    )
    admission_limit: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Recommendation requests computed at once (about one per core); more wait "
        "in a short queue or are refused with 503 + Retry-After.",
    )
    admission_wait_seconds: float = Field(
        default=0.1,
        ge=0,
        le=10,
        description="Longest a recommendation request may wait for its turn; one expected to "
        "wait longer is refused at once with 503 + Retry-After (0: never queue).",
    )
    dask_scheduler: str = Field(
        default="",
        description="Address of the Dask scheduler (tcp://host:8786) that runs background jobs "
        "(fair pre-match, nightly batch, snapshot rebuild); empty: a LocalCluster of one worker "
        "process, started at the first job.",
    )
    dask_local_processes: bool = Field(
        default=True,
        description="The LocalCluster's worker is a process of its own (off: a thread of the app "
        "process, for tests only: a job then competes with requests for the interpreter).",
    )
    secret_key: str = Field(
        default="",
        repr=False,
        description="Key that signs login tokens (32+ characters); empty means one generated "
        "and kept in <data_dir>/secret_key.",
    )
    token_minutes: int = Field(
        default=30,
        ge=1,
        le=1440,
        description="Minutes an access token stays valid; POST /api/auth/refresh renews it.",
    )
    session_max_minutes: int = Field(
        default=480,
        ge=1,
        le=10080,
        description="Minutes from a password login after which refresh stops and the user must "
        "log in again (at least token_minutes).",
    )
    login_user_failures: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Failed logins in a row for one username before back-off starts.",
    )
    login_address_failures: int = Field(
        default=20,
        ge=1,
        le=10000,
        description="Failed logins from one client address (any usernames) before back-off.",
    )
    login_backoff_seconds: int = Field(
        default=1,
        ge=1,
        le=600,
        description="The first block; each further failure doubles it up to the maximum.",
    )
    login_user_max_block_seconds: int = Field(
        default=900,
        ge=1,
        le=86400,
        description="Longest block of one username (short, so an attacker cannot lock a real "
        "user out for long).",
    )
    login_address_max_block_seconds: int = Field(
        default=3600, ge=1, le=86400, description="Longest block of one client address."
    )
    login_failure_memory_seconds: int = Field(
        default=3600,
        ge=1,
        le=7 * 86400,
        description="Failures are forgotten after this long without another failure (at least "
        "the longest block).",
    )
    login_throttle_max_keys: int = Field(
        default=10000,
        ge=10,
        le=1_000_000,
        description="Usernames and addresses the login throttle remembers (oldest dropped).",
    )

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

    @field_validator("secret_key")
    @classmethod
    def _long_secret_key(cls, value: str) -> str:
        if value and len(value) < SECRET_KEY_MIN_LENGTH:
            raise ValueError(
                f"JOBMATCH_SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters "
                f"(got {len(value)}); generate one with `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`, or leave it empty to keep a generated key "
                f"in <data_dir>/{SECRET_KEY_FILE}"
            )
        return value

    @field_validator("levy_local_average_wage")
    @classmethod
    def _wage_amount(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or not 0 < amount <= MAX_LOCAL_WAGE:
            raise ValueError(
                "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE must be an amount in yuan between 0 and "
                f"{MAX_LOCAL_WAGE} (e.g. 85000), got {value[:30]!r}"
            )
        return value

    @model_validator(mode="after")
    def _consistent_limits(self) -> Settings:
        if self.working_age_min > self.working_age_max:
            raise ValueError(
                f"JOBMATCH_WORKING_AGE_MIN ({self.working_age_min}) must not exceed "
                f"JOBMATCH_WORKING_AGE_MAX ({self.working_age_max})"
            )
        if self.levy_local_average_wage and not self.levy_local_average_wage_source.strip():
            raise ValueError(
                "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE_SOURCE must name where the local average wage "
                "comes from (e.g. the city's statistical bulletin and year) when "
                "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE is set"
            )
        if self.session_max_minutes < self.token_minutes:
            raise ValueError(
                f"JOBMATCH_SESSION_MAX_MINUTES ({self.session_max_minutes}) must be at least "
                f"JOBMATCH_TOKEN_MINUTES ({self.token_minutes})"
            )
        longest = max(self.login_user_max_block_seconds, self.login_address_max_block_seconds)
        if self.login_failure_memory_seconds < longest:
            raise ValueError(
                f"JOBMATCH_LOGIN_FAILURE_MEMORY_SECONDS ({self.login_failure_memory_seconds}) "
                f"must be at least the longest block ({longest} s): a block must not outlive "
                "the failures that caused it"
            )
        return self

    def signing_key(self) -> str:
        """The token signing key: the configured one, else ``<data_dir>/secret_key``.

        The file is created on first use with mode 0600, so a fresh ``make run`` works and tokens
        survive restarts; deleting the file logs everybody out.
        """
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / SECRET_KEY_FILE
        try:
            key = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            key = _create_key_file(path)
        if len(key) < SECRET_KEY_MIN_LENGTH:
            raise ConfigError(
                f"{path} holds a key shorter than {SECRET_KEY_MIN_LENGTH} characters; "
                "delete the file to have a new one generated, or set JOBMATCH_SECRET_KEY"
            )
        return key

    @property
    def local_average_wage(self) -> LocalWage | None:
        """The levy's local urban average wage with its source, or None when not set."""
        if not self.levy_local_average_wage:
            return None
        return LocalWage(
            Decimal(self.levy_local_average_wage), self.levy_local_average_wage_source.strip()
        )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'jobmatch.db'}"

    @property
    def resolved_mlflow_tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.data_dir / 'mlflow.db'}"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


def _create_key_file(path: Path) -> str:
    """Write a new random key readable by the owner only; a concurrent creator's key wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    return key
