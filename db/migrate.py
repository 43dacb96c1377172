"""Schema migrations, run from code (`kiosk db upgrade`, `kiosk doctor`) without an alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from db.engine import make_engine, sqlite_file

# A plain directory next to this file: found the same way in a checkout, an editable install and
# a wheel (the migrations are packages, so setuptools ships their .py files).
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default: the newest). Safe to repeat."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    finally:
        engine.dispose()


def current_revisions(url: str) -> set[str]:
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return set()  # a check must not leave an empty database file behind
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The database's revision, None for a database never migrated."""
    revisions = current_revisions(url)
    if len(revisions) > 1:
        raise RuntimeError(f"database has several heads {sorted(revisions)}: merge needed")
    return next(iter(revisions), None)


def is_up_to_date(url: str) -> bool:
    return current_revisions(url) == head_revisions()
