"""The applicant's card photo with the dossier, and the officer's own chip card.

Revision ID: 0011_dossier_photo
Revises: 0010_hub_chunks
Create Date: 2026-12-03

Frozen types, final names (see 0001). `dossier_photos` holds the chip's face (DG2) sealed, one
row per dossier, deleted with it. `officers.card_index` / `card_sealed`: the blind-index token
of the officer's ID number (unique: one card, one officer) and the number sealed; both NULL for
an officer without a card. Nothing to backfill.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_dossier_photo"
down_revision = "0010_hub_chunks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_photos",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_photos_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dossier_id", name=op.f("pk_dossier_photos")),
    )
    with op.batch_alter_table("officers") as batch:
        batch.add_column(sa.Column("card_index", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("card_sealed", sa.LargeBinary(), nullable=True))
        batch.create_unique_constraint(op.f("uq_officers_card_index"), ["card_index"])


def downgrade() -> None:
    with op.batch_alter_table("officers") as batch:
        batch.drop_constraint(op.f("uq_officers_card_index"), type_="unique")
        batch.drop_column("card_sealed")
        batch.drop_column("card_index")
    op.drop_table("dossier_photos")
