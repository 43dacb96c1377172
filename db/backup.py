"""SQLite backups with the online backup API (https://sqlite.org/backup.html).

The API copies the database page by page through a connection, so what it copies is every
committed transaction, those still in the WAL included, and never half of one: a copy of the
file alone could miss the WAL or catch it mid-write. A writer waits at most `busy_timeout` while
a step holds its lock.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from db.engine import BUSY_TIMEOUT_MS, sqlite_file
from kiosk.backup import BackupError
from kiosk.keyfile import sync_folder

PAGES_PER_STEP = 1024  # ~4 MB per lock hold: a kiosk's write waits milliseconds, not the whole copy


def _database(url: str) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise BackupError(
            "backups are of the station's SQLite file; a server database (PostgreSQL) is backed up "
            "with its own tools (pg_dump)"
        )
    return path


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def backup_database(url: str, dest: Path) -> None:
    """A consistent copy of the database at `url` in `dest` (mode 0600), whole or not at all."""
    source = _database(url)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    tmp = dest.with_name(f".{dest.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        src = _connect(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst, pages=PAGES_PER_STEP)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dest)
        sync_folder(dest.parent)
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {source} failed: {exc}") from None
    except OSError as exc:
        raise BackupError(f"backup to {dest} failed: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def check_backup(path: Path) -> None:
    """Raise `BackupError` unless `path` is a whole kiosk database."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    if result != [("ok",)]:
        raise BackupError(f"{path} fails SQLite's integrity check: {result[0][0]}")
    if not {"alembic_version", "dossiers"} <= tables:
        raise BackupError(f"{path} is not a kiosk database (no dossiers table)")


def restore_database(url: str, backup: Path) -> None:
    """Replace the database at `url` by `backup`, through the backup API into the live file (so
    its -wal and -shm stay consistent); checked first, the database untouched if the check fails."""
    check_backup(backup)
    target = _database(url)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not target.exists():
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            dst = _connect(target)
            try:
                src.backup(dst, pages=PAGES_PER_STEP)
                dst.execute("PRAGMA journal_mode=WAL")
                dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restore into {target} failed: {exc}") from None
