"""Officers' work: dossier history, payments, calls, sessions, targets, settings, console sessions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Frozen types, final names (see 0001). Dossiers gain the status "needs_info", a note for the
citizen, the national dossier number, assist-mode marks, the console's blind index and the
timings the statistics need. New tables for the console and the kiosk's officer mode.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_OLD_STATUSES = "status IN ('received', 'processing', 'done', 'rejected')"
_NEW_STATUSES = "status IN ('received', 'processing', 'needs_info', 'done', 'rejected')"


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_constraint(op.f("ck_dossiers_status"), type_="check")
        batch.create_check_constraint("status", _NEW_STATUSES)
        batch.add_column(sa.Column("note_for_citizen", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("national_number", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("assisted_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("identity_check", sa.String(length=200), server_default="", nullable=False))
        batch.add_column(sa.Column("name_index", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("id_index", sa.String(length=64), server_default="", nullable=False))
        batch.add_column(sa.Column("session_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_dossiers_id_index"), ["id_index"], unique=False)
        # The statistics count dossiers by period (kiosk.stats): without these every report reads
        # the whole table (bench/README_console.md).
        batch.create_index(batch.f("ix_dossiers_submitted_at"), ["submitted_at"], unique=False)
        batch.create_index(batch.f("ix_dossiers_finished_at"), ["finished_at"], unique=False)

    op.create_table(
        "dossier_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("note_for_citizen", sa.Text(), server_default="", nullable=False),
        sa.Column("note_internal", sa.Text(), server_default="", nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_events_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_events")),
    )
    op.create_index(op.f("ix_dossier_events_dossier_id"), "dossier_events", ["dossier_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=32), nullable=False),
        sa.Column("confirmed_by", sa.String(length=32), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_payments_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_payments_receipt_number")),
    )
    op.create_index(op.f("ix_payments_dossier_id"), "payments", ["dossier_id"], unique=False)

    op.create_table(
        "officer_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("screen", sa.String(length=64), nullable=False),
        sa.Column("waited_seconds", sa.Integer(), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer_calls")),
    )
    op.create_index("ix_officer_calls_open", "officer_calls", ["answered_at", "id"], unique=False)

    op.create_table(
        "kiosk_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service_code", sa.String(length=64), server_default="", nullable=False),
        sa.Column("last_step", sa.String(length=64), server_default="", nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("assisted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_sessions")),
    )
    op.create_index(op.f("ix_kiosk_sessions_started_at"), "kiosk_sessions", ["started_at"], unique=False)

    op.create_table(
        "targets",
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "metric", "service_code", name=op.f("pk_targets")),
    )
    op.create_table(
        "station_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_station_settings")),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.String(length=32), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.officer_id"], name=op.f("fk_console_sessions_officer_id_officers")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_officer_id"), "console_sessions", ["officer_id"], unique=False)


def downgrade() -> None:
    op.drop_table("console_sessions")
    op.drop_table("station_settings")
    op.drop_table("targets")
    op.drop_table("kiosk_sessions")
    op.drop_table("officer_calls")
    op.drop_table("payments")
    op.drop_table("dossier_events")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_index(batch.f("ix_dossiers_finished_at"))
        batch.drop_index(batch.f("ix_dossiers_submitted_at"))
        batch.drop_index(batch.f("ix_dossiers_id_index"))
        for column in (
            "finished_at", "session_seconds", "id_index", "name_index", "identity_check",
            "assisted_by", "national_number", "note_for_citizen",
        ):
            batch.drop_column(column)
        batch.drop_constraint(op.f("ck_dossiers_status"), type_="check")
        batch.create_check_constraint("status", _OLD_STATUSES)
