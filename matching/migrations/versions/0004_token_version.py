"""token version of users

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

``users.token_version``: every login token carries the version it was issued under and a
request whose token's version differs from the user's is refused, so raising it (logout,
password change, deactivation) revokes all of that user's tokens at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("token_version", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("token_version")
