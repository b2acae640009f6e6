"""persons unique per county, and the cross-county conflict queue

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

A resident ID (and a certificate number) is unique within a county, no longer city-wide: a
counselor who registers a person already stored in another county gets the answer a new person
gets, so that the answer reveals nothing of the other county, and the pair is queued in
``person_conflicts`` for an administrator (transfer or dismiss). The ID leads each new key, so
lookups by ID keep an index. On SQLite the persons table is rebuilt (batch mode); the migration
environment turns foreign keys off while it runs, so that dropping the old table neither
cascades to assessments nor trips the references of referrals, ledgers and fair candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint("uq_persons_id_number", type_="unique")
        batch_op.drop_constraint("uq_persons_certificate_number", type_="unique")
        batch_op.create_unique_constraint("uq_persons_id_number_county", ["id_number", "county"])
        batch_op.create_unique_constraint(
            "uq_persons_certificate_number_county", ["certificate_number", "county"]
        )
    op.create_table(
        "person_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("new_person_id", sa.Integer(), nullable=True),
        sa.Column("existing_person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected_by", sa.String(length=50), nullable=False),
        sa.Column("resolved_by", sa.String(length=50), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "kind IN ('same_id_number', 'same_certificate')",
            name=op.f("ck_person_conflicts_known_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'transferred', 'dismissed', 'superseded')",
            name=op.f("ck_person_conflicts_known_status"),
        ),
        sa.ForeignKeyConstraint(
            ["existing_person_id"],
            ["persons.id"],
            name=op.f("fk_person_conflicts_existing_person_id_persons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["new_person_id"],
            ["persons.id"],
            name=op.f("fk_person_conflicts_new_person_id_persons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_conflicts")),
        sa.UniqueConstraint("new_person_id", "existing_person_id", name="uq_person_conflicts_pair"),
    )
    with op.batch_alter_table("person_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_conflicts_existing_person_id"),
            ["existing_person_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_person_conflicts_new_person_id"), ["new_person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_conflicts_status"), ["status"], unique=False)


def downgrade() -> None:
    """Fails (unique violation) while a resident ID is stored in two counties: resolve the
    queue first."""
    op.drop_table("person_conflicts")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint("uq_persons_certificate_number_county", type_="unique")
        batch_op.drop_constraint("uq_persons_id_number_county", type_="unique")
        batch_op.create_unique_constraint("uq_persons_certificate_number", ["certificate_number"])
        batch_op.create_unique_constraint("uq_persons_id_number", ["id_number"])
