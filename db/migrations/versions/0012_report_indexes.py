"""Covering indexes for the monthly report: every figure read from an index alone.

Revision ID: 0012_report_indexes
Revises: 0012_name_pairs
Create Date: 2026-12-03

Frozen types, final names (see 0001). The report's queries (`db.stats`) select a period's
dossiers by `submitted_at` or `finished_at` and group them by columns of the row. With 0006's
one-column indexes each of a month's ~42,000 dossiers was a lookup of its row in the table (rows
are stored in submission order, not by date, so nearly every lookup is another page): 3.0 s for
a month at 1,000,000 dossiers on SQLite (bench/README_console.md). These indexes carry the
grouped columns, so that the database reads one range of one index per query. They replace
0006's indexes, which are their first column (any lookup by date uses them as before).
"""

from __future__ import annotations

from alembic import op

revision = "0012_report_indexes"
down_revision = "0012_name_pairs"
branch_labels = None
depends_on = None

SUBMITTED = ["submitted_at", "service_code", "assisted_by", "session_seconds"]
FINISHED = ["finished_at", "status", "service_code", "submitted_at"]


def upgrade() -> None:
    op.create_index("ix_dossiers_submitted_report", "dossiers", SUBMITTED, unique=False)
    op.create_index("ix_dossiers_finished_report", "dossiers", FINISHED, unique=False)
    op.drop_index("ix_dossiers_submitted_at", table_name="dossiers")
    op.drop_index("ix_dossiers_finished_at", table_name="dossiers")


def downgrade() -> None:
    op.create_index("ix_dossiers_finished_at", "dossiers", ["finished_at"], unique=False)
    op.create_index("ix_dossiers_submitted_at", "dossiers", ["submitted_at"], unique=False)
    op.drop_index("ix_dossiers_finished_report", table_name="dossiers")
    op.drop_index("ix_dossiers_submitted_report", table_name="dossiers")
