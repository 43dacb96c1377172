"""Initial schema: dossiers, outbox, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Written by hand with plain SQLAlchemy types (frozen here, not imported from db.models, so that
later model edits cannot change what this revision does). Names are wrapped in op.f() because
they are final: the metadata's naming convention must not be applied on top of them.
`tests/core/test_db.py` checks the models still match the sum of all revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=10), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("service_version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.CheckConstraint(
            "status IN ('received', 'processing', 'done', 'rejected')",
            name=op.f("ck_dossiers_status"),
        ),
    )
    op.create_index(op.f("ix_dossiers_tracking_code"), "dossiers", ["tracking_code"], unique=True)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_outbox_dossier_id_dossiers")
        ),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    op.create_index(op.f("ix_outbox_dossier_id"), "outbox", ["dossier_id"])
    op.create_index(op.f("ix_outbox_due"), "outbox", ["sent_at", "next_attempt_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_outbox_due"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_dossier_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_dossiers_tracking_code"), table_name="dossiers")
    op.drop_table("dossiers")
