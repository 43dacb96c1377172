"""A power cut while the schema is made or upgraded leaves the old schema or the new one, never a
mix: `db.migrate.upgrade` runs every step, SQLite's table rebuilds included, in one transaction."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from db.migrate import upgrade

KILLS = 6


def schema(database: Path) -> tuple[frozenset[str], str | None]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = frozenset(
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        if "alembic_version" not in tables:
            return tables, None
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return tables, version
    finally:
        conn.close()


def killed_upgrade(database: Path, delay: float) -> None:
    code = f"from db.migrate import upgrade; upgrade({f'sqlite:///{database}'!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_upgrade_killed_at_random_points_is_all_or_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("FAULT_SEED", random.randrange(1 << 30)))
    print(f"FAULT_SEED={seed}")
    rng = random.Random(seed)
    head = tmp_path / "head.sqlite3"
    upgrade(f"sqlite:///{head}")
    old = tmp_path / "old.sqlite3"
    upgrade(f"sqlite:///{old}", "0005")  # before 0006 rebuilds `dossiers` (copy, drop, rename)
    allowed = {schema(head), schema(old), (frozenset(), None)}
    for kill in range(KILLS):
        database = tmp_path / f"kill{kill}.sqlite3"
        if kill % 2:
            database.write_bytes(old.read_bytes())
        killed_upgrade(database, rng.uniform(0.3, 2.5))
        if database.exists():
            assert schema(database) in allowed, f"seed {seed}: half a schema after kill {kill}"
        upgrade(f"sqlite:///{database}")  # and the next start finishes the job
        assert schema(database) == schema(head)
