"""The province hub: enrolled stations, one-time enrolment codes, request nonces, accepted
submissions; and at a station, its link to the hub (status cursor, last sync, province slip keys).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Frozen types, final names (see 0001). Every database gets every table (one schema for a station
and a hub, as for the console); a station leaves the hub's tables empty and the other way round.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("request_key_id", sa.String(length=32), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=False),
        sa.Column("slip_keys", sa.Text(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_stations")),
        sa.UniqueConstraint("request_key_id", name=op.f("uq_stations_request_key_id")),
    )
    op.create_table(
        "enrolment_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_enrolment_codes")),
    )
    op.create_table(
        "request_nonces",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "nonce", name=op.f("pk_request_nonces")),
    )
    op.create_index(op.f("ix_request_nonces_created"), "request_nonces", ["created"], unique=False)
    op.create_table(
        "hub_submissions",
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_hub_submissions_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_hub_submissions")),
    )
    op.create_index(op.f("ix_hub_submissions_dossier_id"), "hub_submissions", ["dossier_id"], unique=False)
    op.create_index(op.f("ix_hub_submissions_station_id"), "hub_submissions", ["station_id"], unique=False)
    op.create_table(
        "hub_link",
        sa.Column("hub_url", sa.String(length=255), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slip_keys", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hub_url", name=op.f("pk_hub_link")),
    )


def downgrade() -> None:
    op.drop_table("hub_link")
    op.drop_index(op.f("ix_hub_submissions_station_id"), table_name="hub_submissions")
    op.drop_index(op.f("ix_hub_submissions_dossier_id"), table_name="hub_submissions")
    op.drop_table("hub_submissions")
    op.drop_index(op.f("ix_request_nonces_created"), table_name="request_nonces")
    op.drop_table("request_nonces")
    op.drop_table("enrolment_codes")
    op.drop_table("stations")
