"""fair pre-matches

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

The latest pre-match of each recruitment fair (``fair_prematches``, one row per fair): who ran
it, with which served model, its parameters and the whole result as JSON, so that the JSON and
Excel answers can be read again without re-solving. ID numbers in the result are masked.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fair_prematches",
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sa.String(length=50), nullable=False),
        sa.Column("model_version", sa.String(length=60), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fair_id"],
            ["fairs.id"],
            name=op.f("fk_fair_prematches_fair_id_fairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fair_id", name=op.f("pk_fair_prematches")),
    )


def downgrade() -> None:
    op.drop_table("fair_prematches")
