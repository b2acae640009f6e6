"""background jobs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

``background_jobs``: a fair pre-match, the nightly batch or a snapshot rebuild run on Dask off
the request path; the task on the worker writes its status here, so every app process (and the
app after a restart) reads the same one (``matching.background_jobs``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "background_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=50), nullable=False),
        sa.Column("county", sa.String(length=8), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("message_zh", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "kind IN ('prematch', 'batch', 'snapshot')",
            name=op.f("ck_background_jobs_known_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_background_jobs_known_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_jobs")),
    )
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_background_jobs_requested_by"), ["requested_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_background_jobs_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_background_jobs_subject_id"), ["subject_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("background_jobs")
