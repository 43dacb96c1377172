from pathlib import Path

from db.engine import make_engine
from db.migrate import head_revisions, upgrade
from db.schema import SCHEMA_REVISION, ensure_schema, schema_revision


def test_schema_revision_is_alembic_head() -> None:
    assert head_revisions() == {SCHEMA_REVISION}


def test_ensure_schema_migrates_a_new_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    engine = make_engine(url)
    assert schema_revision(engine) is None
    ensure_schema(engine, url)
    assert schema_revision(engine) == SCHEMA_REVISION
    upgrade(url)  # idempotent next to it
    assert schema_revision(engine) == SCHEMA_REVISION
