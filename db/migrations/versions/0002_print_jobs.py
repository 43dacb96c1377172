"""Print queue; fee and payment status on dossiers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Frozen types, final names (see 0001). The two dossier columns are added with ALTER TABLE ... ADD
COLUMN on every backend, the CHECK inline in the column definition: SQLite accepts that without
copying the table (batch mode would drop and recreate `dossiers`, which the outbox references),
and drops the column again with its own CHECK. Existing rows get the server defaults.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "dossiers",
        sa.Column("fee_amount", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "dossiers",
        sa.Column(
            "payment_status",
            sa.String(length=16),
            sa.CheckConstraint(
                "payment_status IN ('not_required', 'unpaid', 'paid')",
                name=op.f("ck_dossiers_payment_status"),
            ),
            nullable=False,
            server_default="not_required",
        ),
    )

    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
    )
    op.create_index(op.f("ix_print_jobs_tracking_code"), "print_jobs", ["tracking_code"])
    op.create_index(op.f("ix_print_jobs_pending"), "print_jobs", ["printed_at", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_print_jobs_pending"), table_name="print_jobs")
    op.drop_index(op.f("ix_print_jobs_tracking_code"), table_name="print_jobs")
    op.drop_table("print_jobs")
    # Batch (a table copy): after 0006 rebuilt `dossiers`, the payment CHECK is a table constraint
    # that SQLite's own DROP COLUMN refuses to leave dangling.
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_constraint(op.f("ck_dossiers_payment_status"), type_="check")
        batch.drop_column("payment_status")
        batch.drop_column("fee_amount")
