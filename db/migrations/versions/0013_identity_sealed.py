"""The officer's identity-check note sealed (`kiosk.identity_note`).

Revision ID: 0013_identity_sealed
Revises: 0012_report_indexes
Create Date: 2026-12-03

Frozen types, final names (see 0001). `dossiers.identity_check` kept the officer's whole entry
("paper_id: CMND 0123…, Nguyễn Văn An") in clear. From here it holds the way only, and the entry
goes sealed with the data key into `dossiers.identity_sealed`. A migration holds no key, so it
moves each entry with a note into `identity_notes_to_seal` and leaves the way in the dossier;
the first opening of the storage with the data key (`kiosk.app.root.make_storage`, i.e. the
worker, console or any command that reads dossiers) seals them and deletes those rows, in one
transaction (`kiosk.identity_note.seal_pending`). On SQLite both steps run with secure_delete
and the sealing ends with a WAL checkpoint, so the clear text is zeroed in the file (PostgreSQL
keeps old row versions until its next VACUUM). Downgrade puts unsealed entries back in clear.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_identity_sealed"
down_revision = "0012_report_indexes"
branch_labels = None
depends_on = None

_DOSSIERS = sa.table("dossiers", sa.column("id", sa.Integer()), sa.column("identity_check", sa.String(200)))
_PENDING = sa.table(
    "identity_notes_to_seal", sa.column("dossier_id", sa.Integer()), sa.column("value", sa.String(200))
)


def upgrade() -> None:
    op.add_column("dossiers", sa.Column("identity_sealed", sa.LargeBinary(), nullable=True))
    op.create_table(
        "identity_notes_to_seal",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_identity_notes_to_seal_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dossier_id", name=op.f("pk_identity_notes_to_seal")),
    )
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":  # the clear values moved and cut are zeroed in the pages
        op.execute("PRAGMA secure_delete=ON")
    # A value with a note is "<way>: <note>" (kiosk.officer_mode.identity_text); a way alone has
    # no ": ". Plain SQL (no rows read here), so that offline mode renders it too.
    value = _DOSSIERS.c.identity_check
    noted = value.like("%: %")
    op.execute(
        sa.insert(_PENDING).from_select(
            ["dossier_id", "value"], sa.select(_DOSSIERS.c.id, value).where(noted)
        )
    )
    at = sa.func.instr(value, ": ") if dialect == "sqlite" else sa.func.strpos(value, ": ")
    op.execute(sa.update(_DOSSIERS).where(noted).values(identity_check=sa.func.substr(value, 1, at - 1)))


def downgrade() -> None:
    # Sealed notes cannot be opened here (no key) and the older program has no column for them:
    # refused rather than lost. Notes not yet sealed go back in clear.
    sealed = sa.table("dossiers", sa.column("identity_sealed", sa.LargeBinary()))
    if not op.get_context().as_sql:
        count = op.get_bind().scalar(
            sa.select(sa.func.count()).select_from(sealed).where(sealed.c.identity_sealed.is_not(None))
        )
        if count:
            raise RuntimeError(
                f"{count} dossier(s) hold a sealed identity-check note, which revision "
                "0012_report_indexes has no place for: restore a backup from before 0013 instead"
            )
    waiting = sa.select(_PENDING.c.value).where(_PENDING.c.dossier_id == _DOSSIERS.c.id).scalar_subquery()
    op.execute(
        sa.update(_DOSSIERS)
        .where(_DOSSIERS.c.id.in_(sa.select(_PENDING.c.dossier_id)))
        .values(identity_check=waiting)
    )
    op.drop_table("identity_notes_to_seal")
    # Not a batch (a copy of the table, which the foreign keys to dossiers refuse): SQLite drops a
    # column in place since 3.35.
    op.drop_column("dossiers", "identity_sealed")
