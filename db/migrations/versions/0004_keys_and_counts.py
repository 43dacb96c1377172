"""Keys the database was used with; anonymous daily counts kept by the purge.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Frozen types, final names (see 0001). Two new tables, nothing else changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_keys",
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('current', 'retired', 'lost')", name=op.f("ck_station_keys_state")),
        sa.PrimaryKeyConstraint("purpose", "key_id", name=op.f("pk_station_keys")),
    )
    op.create_table(
        "daily_counts",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "service_code", "status", name=op.f("pk_daily_counts")),
    )


def downgrade() -> None:
    op.drop_table("daily_counts")
    op.drop_table("station_keys")
