"""Start-up check of the schema without loading Alembic (≈17 MB and 0.1 s the kiosk rarely needs)."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

# The newest migration in db/migrations/versions; tests/core/test_schema.py keeps them in step.
SCHEMA_REVISION = "0013_identity_sealed"


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine, url: str) -> None:
    """Migrate only when the database is not at this build's revision."""
    if schema_revision(engine) != SCHEMA_REVISION:
        from db.migrate import upgrade

        upgrade(url)
