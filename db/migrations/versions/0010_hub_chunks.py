"""Attachments and photos sent to the hub in bounded chunks that resume.

Revision ID: 0010_hub_chunks
Revises: 0009_province
Create Date: 2026-12-03

Frozen types, final names (see 0001). Both tables are the hub's; a station has them empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_hub_chunks"
down_revision = "0009_province"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_hub_uploads_dossier_id_dossiers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_uploads")),
        sa.UniqueConstraint("dossier_id", "name", name=op.f("uq_hub_uploads_dossier_id")),
    )
    op.create_table(
        "hub_upload_chunks",
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["hub_uploads.id"], name=op.f("fk_hub_upload_chunks_upload_id_hub_uploads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("upload_id", "offset", name=op.f("pk_hub_upload_chunks")),
    )


def downgrade() -> None:
    op.drop_table("hub_upload_chunks")
    op.drop_table("hub_uploads")
