"""What a storage error means to an officer at the command line, in one line.

SQLAlchemy wraps the driver's error; on SQLite its (extended) result code tells a broken file from
a lock or a full disk. PostgreSQL errors are shown as the server put them, first line only.
"""

from __future__ import annotations

import sqlite3

from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

# Primary SQLite result codes (the low byte of an extended code).
_SQLITE_MEANING = {
    sqlite3.SQLITE_NOTADB: "not a database file (a wrong or overwritten file): restore the "
    "station's database from its backup, or move the file aside to start an empty one",
    sqlite3.SQLITE_CORRUPT: "the database file is damaged (truncated or corrupt): restore it from the backup",
    sqlite3.SQLITE_BUSY: "the database is locked by another program (a backup, an officer's "
    "command, the other kiosk): try again in a minute",
    sqlite3.SQLITE_LOCKED: "the database is locked by another program: try again in a minute",
    sqlite3.SQLITE_FULL: "the disk holding the database is full: free some space (old receipts, "
    "logs) and try again",
    sqlite3.SQLITE_IOERR: "the disk holding the database cannot be read or written (full, removed "
    "or failing)",
    sqlite3.SQLITE_CANTOPEN: "the database file cannot be opened (missing folder or no permission)",
    sqlite3.SQLITE_READONLY: "the database file is read-only for this user",
}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def storage_problem(exc: BaseException) -> str | None:
    """A one-line description of `exc` if it is a database or migration error, else None."""
    if isinstance(exc, CommandError):  # e.g. a database migrated by a newer build
        return f"cannot migrate the database: {_first_line(str(exc))}"
    if not isinstance(exc, SQLAlchemyError):
        return None
    original = exc.orig if isinstance(exc, DBAPIError) else None
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _SQLITE_MEANING:
        return f"{_SQLITE_MEANING[code & 0xFF]} ({original})"
    return _first_line(str(original if original is not None else exc))
