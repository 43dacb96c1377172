"""The console's name search as an indexed lookup: one row per name token of a dossier.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Frozen types, final names (see 0001). `dossiers.name_index` already holds the keyed tokens
(" t1 t2 ", kiosk.blind_index), so the backfill splits that column and needs no index key: a
database upgraded from 0007 finds the same dossiers at once. Rows stored before the index
existed (name_index "") get theirs from `kiosk index rebuild`, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The stored form " t1 t2 " split into rows, in SQL (offline mode renders it too). SQLite has no
# split function: a recursive CTE peels one token at a time (the appended space ends each one).
_BACKFILL_SQLITE = """
WITH RECURSIVE split(dossier_id, token, rest) AS (
    SELECT id, '', ltrim(name_index || ' ', ' ') FROM dossiers WHERE name_index <> ''
    UNION ALL
    SELECT dossier_id, substr(rest, 1, instr(rest, ' ') - 1), ltrim(substr(rest, instr(rest, ' ')), ' ')
    FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO dossier_name_tokens (dossier_id, token)
SELECT dossier_id, token FROM split WHERE token <> ''
"""
_BACKFILL_POSTGRESQL = """
INSERT INTO dossier_name_tokens (dossier_id, token)
SELECT DISTINCT d.id, t.token
FROM dossiers AS d, unnest(string_to_array(btrim(d.name_index), ' ')) AS t(token)
WHERE d.name_index <> '' AND t.token <> ''
"""


def upgrade() -> None:
    op.create_table(
        "dossier_name_tokens",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_name_tokens_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dossier_id", "token", name=op.f("pk_dossier_name_tokens")),
        sqlite_with_rowid=False,
    )
    sqlite = op.get_context().dialect.name == "sqlite"
    op.execute(_BACKFILL_SQLITE if sqlite else _BACKFILL_POSTGRESQL)
    # After the backfill: one sort instead of keeping the index up to date row by row.
    op.create_index(
        "ix_dossier_name_tokens_token", "dossier_name_tokens", ["token", "dossier_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_dossier_name_tokens_token", table_name="dossier_name_tokens")
    op.drop_table("dossier_name_tokens")
