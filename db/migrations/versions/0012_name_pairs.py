"""Pairs of name tokens for the console's search of two or more words.

Revision ID: 0012_name_pairs
Revises: 0011_dossier_photo
Create Date: 2026-12-03

Frozen types, final names (see 0001). A pair row is two keyed tokens of one dossier's name, the
smaller first (`kiosk.blind_index.pair`), so the backfill joins the token rows of 0008 with
themselves in SQL and needs no index key. Rows without tokens (stored before the index existed)
get their pairs from `kiosk index rebuild` with their tokens.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_name_pairs"
down_revision = "0011_dossier_photo"
branch_labels = None
depends_on = None

# Python compares the tokens by code point (`pair`); PostgreSQL's default collation may not, so
# its comparison is in "C" (byte order: the same for hex digits). SQLite compares bytes already.
_BACKFILL = """
INSERT INTO dossier_name_pairs (dossier_id, pair)
SELECT a.dossier_id, a.token || b.token
FROM dossier_name_tokens AS a
JOIN dossier_name_tokens AS b ON b.dossier_id = a.dossier_id AND a.token{c} < b.token{c}
"""


def upgrade() -> None:
    op.create_table(
        "dossier_name_pairs",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("pair", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_name_pairs_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dossier_id", "pair", name=op.f("pk_dossier_name_pairs")),
        sqlite_with_rowid=False,
    )
    sqlite = op.get_context().dialect.name == "sqlite"
    op.execute(_BACKFILL.format(c="" if sqlite else ' COLLATE "C"'))
    # After the backfill: one sort instead of keeping the index up to date row by row.
    op.create_index("ix_dossier_name_pairs_pair", "dossier_name_pairs", ["pair", "dossier_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dossier_name_pairs_pair", table_name="dossier_name_pairs")
    op.drop_table("dossier_name_pairs")
