"""Officers' accounts; the audit log becomes a keyed hash chain.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Frozen types, final names (see 0001). A new table `officers`; `audit_log` gains `link`, the
row's HMAC in the chain (`kiosk.audit`). No code wrote `audit_log` before this revision; a row
that is there anyway keeps an empty link, which `kiosk audit verify` reports.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officers",
        sa.Column("officer_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("failed_pins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('officer', 'station_head', 'technician')", name=op.f("ck_officers_role")
        ),
        sa.PrimaryKeyConstraint("officer_id", name=op.f("pk_officers")),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("link", sa.String(length=64), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("link")
    op.drop_table("officers")
