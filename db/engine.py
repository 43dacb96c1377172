"""Engine construction: one place that knows SQLite needs tuning and PostgreSQL does not."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 5000

# FULL: in WAL mode SQLite then fsyncs the WAL at every commit, so a submission is on disk before
# `DossierStore.submit` returns and the citizen is shown a code (NORMAL syncs only at checkpoints:
# a power cut could lose a dossier whose receipt was already printed). Costs ~1 fsync per commit;
# bench/durability.py measures it. A module constant, not a setting: no station should pick NORMAL.
SYNCHRONOUS = "FULL"

# Execution option naming the BEGIN a connection's transactions start with. "BEGIN IMMEDIATE" takes
# the write lock up front (waiting up to busy_timeout for it), for a read-then-write transaction
# such as a migration: a deferred one that reads first fails with "database is locked" at its first
# write if another connection wrote meanwhile, busy_timeout or not.
SQLITE_BEGIN = "sqlite_begin"


def sqlite_file(url: str) -> Path | None:
    """The database file of a file-backed SQLite URL, None for other URLs and in-memory ones."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # URI filenames (?uri=true): left to SQLite itself
        return None
    return Path(database).expanduser()


# The user-info password (`scheme://user:password@host`, up to the first @ as SQLAlchemy reads
# it) and a libpq-style `password=` query parameter.
_USERINFO_PASSWORD = re.compile(r"^(.*?://[^:/@]*:)([^@]*)@")
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&#]*)", re.IGNORECASE)


def redacted_url(url: str) -> str:
    """`url` for messages and logs, its password (user info or `?password=`) shown as ***."""
    return _QUERY_PASSWORD.sub(r"\1***", _USERINFO_PASSWORD.sub(r"\1***@", url))


def redact(text: str, url: str) -> str:
    """`text` (an error message, say) with `url` and its password masked as in `redacted_url`."""
    text = text.replace(url, redacted_url(url))
    found = [m.group(2) for m in (_USERINFO_PASSWORD.search(url), _QUERY_PASSWORD.search(url)) if m]
    for secret in {s for raw in found for s in (raw, unquote(raw))}:
        if len(secret) >= 4:  # a shorter one would mask ordinary words of the message
            text = text.replace(secret, "***")
    return text


def quick_check(engine: Engine) -> str | None:
    """None if SQLite's `PRAGMA quick_check` finds the file sound, else its first finding. A
    damaged file may also raise `DatabaseError` here. Other backends check themselves: None."""
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as conn:
        findings = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check")]
    return None if findings == ["ok"] else findings[0]


def _switch_to_wal(cursor: Any) -> None:
    # SQLite answers "database is locked" to the switch at once, without calling the busy
    # handler, while another connection is switching the same new file or recovering its WAL
    # (two kiosks starting together): retry for as long as busy_timeout would have waited.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def make_engine(url: str, *, synchronous: str | None = None, **kwargs: Any) -> Engine:
    """An Engine for `url`; extra keyword arguments go to `sqlalchemy.create_engine`.

    For SQLite, creates the file's directory and tunes every new connection. `synchronous` (default
    `SYNCHRONOUS`, read at each connection):
    only `db.audit`'s group-committed reads ask for NORMAL (`db/group_sync.py`).
    """
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, **kwargs)

    path = sqlite_file(url)
    if path is not None:
        # Private from the start: SQLite gives the -wal and -shm files the mode of the database
        # file, so creating it 0600 (in a 0700 folder) covers all three.
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Only when it does not exist yet: closing a descriptor of a file drops every POSIX lock
        # the process holds on it (SQLite's "how to corrupt" §2.2), so an open database is left
        # alone. In WAL mode that matters for the database file too, not only -shm: each
        # connection holds a SHARED lock on it, and a connection closing in another process that
        # can take EXCLUSIVE believes it is the last, checkpoints and deletes the WAL under ours
        # ("disk I/O error", "malformed": tests/core/test_engine_locks.py). Opening only -wal
        # (db/group_sync.py) is safe: SQLite holds no lock on it.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, issue BEGIN (see _on_begin): the module's own
        # implicit transactions break SAVEPOINT and transactional DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # First: switching a new file to WAL needs a lock another kiosk starting at the same time
        # may hold; without the timeout the switch fails at once with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)  # the kiosk reads while the sync worker writes
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous or SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get(SQLITE_BEGIN, "BEGIN"))

    return engine
