"""Background jobs: a fair pre-match, the nightly batch or a snapshot rebuild asked for by a user
and run off the request path (on Dask, ``serving.runtime.job_runner``).

The row is the job's status for every process: the task on the worker writes its own progress
and outcome through the database URL it was given, so any app process (and the app after a
restart) reads the same status. The table is named ``background_jobs``: "jobs" in jobmatch
means vacancies. Rules (who sees which job, the transitions) live in ``matching.background_jobs``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matching.storage.base import Base, utcnow

JOB_KINDS = ("prematch", "batch", "snapshot")
JOB_STATUSES = ("queued", "running", "done", "failed")
UNFINISHED = ("queued", "running")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class BackgroundJob(Base):
    """One job: what (``kind``, ``subject_id`` such as the fair), for whom (``requested_by``,
    ``county``: the scope whose users may follow it; None: city-wide), and how far it got."""

    __tablename__ = "background_jobs"
    __table_args__ = (
        CheckConstraint(_in("kind", JOB_KINDS), name="known_kind"),
        CheckConstraint(_in("status", JOB_STATUSES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    requested_by: Mapped[str] = mapped_column(String(50), index=True)
    county: Mapped[str | None] = mapped_column(String(8))
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column()
    message_zh: Mapped[str | None] = mapped_column(String(500))
