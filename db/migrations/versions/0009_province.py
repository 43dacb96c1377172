"""The province console, heartbeats and officers' changes made at a station.

Revision ID: 0009_province
Revises: 0008
Create Date: 2026-12-03

Frozen types, final names (see 0001). Every database gets every table, as in 0007: a station
leaves the hub's tables empty and the other way round.
- `officers.station_id`: at a hub, the one station an account may see (NULL: all of them).
- `station_heartbeats`: the hub's newest heartbeat of each station.
- `commune_targets`: a province head's monthly target of dossiers per commune.
- `hub_status_edits`: at the hub, officers' status changes from stations in arrival order, applied
  or refused with the reason; `station_status_edits` and `hub_link.edits_cursor`: at a station,
  what was sent and what the hub answered.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_province"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers") as batch:
        batch.add_column(sa.Column("station_id", sa.String(length=64), nullable=True))
    with op.batch_alter_table("hub_link") as batch:
        batch.add_column(sa.Column("edits_cursor", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "station_heartbeats",
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("backlog", sa.Integer(), nullable=False),
        sa.Column("devices", sa.Text(), nullable=False),
        sa.Column("paper_out", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_station_heartbeats")),
    )
    op.create_table(
        "commune_targets",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("period", "commune", name=op.f("pk_commune_targets")),
    )
    op.create_table(
        "hub_status_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edit_key", sa.String(length=128), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("tracking_code", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note_for_citizen", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_status_edits")),
        sa.UniqueConstraint("edit_key", name=op.f("uq_hub_status_edits_edit_key")),
    )
    op.create_index(op.f("ix_hub_status_edits_station_id"), "hub_status_edits", ["station_id"], unique=False)
    op.create_table(
        "station_status_edits",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_station_status_edits")),
    )


def downgrade() -> None:
    op.drop_table("station_status_edits")
    op.drop_index(op.f("ix_hub_status_edits_station_id"), table_name="hub_status_edits")
    op.drop_table("hub_status_edits")
    op.drop_table("commune_targets")
    op.drop_table("station_heartbeats")
    with op.batch_alter_table("hub_link") as batch:
        batch.drop_column("edits_cursor")
    with op.batch_alter_table("officers") as batch:
        batch.drop_column("station_id")
