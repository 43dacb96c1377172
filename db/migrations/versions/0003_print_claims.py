"""Print jobs belong to a kiosk and are claimed by one print pass at a time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

`kiosk_id`: the kiosk whose printer the receipt is for (two kiosks may share one database). Rows
queued before this revision get '' ("this station's, any kiosk"): a single-kiosk station keeps
printing them. `claimed_by` + `lease_until`: the print pass holding the job; a pass claims with one
UPDATE (`db.print_jobs`), so two passes never print the same job, and the lease lets another pass
take over a job whose pass died (power cut, SIGKILL) while printing.

Plain ADD COLUMN (see 0002: no batch copy of the table).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "print_jobs", sa.Column("kiosk_id", sa.String(length=64), nullable=False, server_default="")
    )
    op.add_column("print_jobs", sa.Column("claimed_by", sa.String(length=128), nullable=True))
    op.add_column("print_jobs", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_print_jobs_kiosk_pending"), "print_jobs", ["kiosk_id", "printed_at", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_print_jobs_kiosk_pending"), table_name="print_jobs")
    op.drop_column("print_jobs", "lease_until")
    op.drop_column("print_jobs", "claimed_by")
    op.drop_column("print_jobs", "kiosk_id")
