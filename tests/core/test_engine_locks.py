"""A new engine over an open SQLite database must not drop this process's locks on it.

In WAL mode every connection holds a SHARED lock on the database file; a connection closing
while it can take EXCLUSIVE believes it is the last one and checkpoints and deletes the WAL. POSIX
drops all of a process's locks on a file when it closes *any* descriptor of that file, so
`make_engine` closing a descriptor it opened on the database file (as it did before 330e20e, on
every engine) let another process's last close delete the WAL under this process's open
connections: its next write failed with "disk I/O error" or read "database disk image is
malformed" (bench/README_console.md, "The failed run, explained"). The other process here is a
plain `sqlite3` in a child, as the bench's own process was beside `kiosk serve`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from db.engine import make_engine


def open_and_close_elsewhere(path: Path) -> None:
    code = (
        f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute('select count(*) from t'); c.close()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_second_engine_leaves_the_open_database_locked(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    url = f"sqlite:///{path}"
    first = make_engine(url)
    try:
        with first.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        held = first.connect()  # a pooled connection stays open, as in a long-lived server
        held.exec_driver_sql("SELECT count(*) FROM t").scalar()
        held.commit()
        wal = path.with_name(path.name + "-wal")
        assert wal.exists()

        make_engine(url).dispose()  # another service of the same process gets its engine
        open_and_close_elsewhere(path)  # another process's last connection closes

        assert wal.exists(), "the other process took this one's database for unused and removed the WAL"
        held.exec_driver_sql("INSERT INTO t VALUES (2)")
        held.commit()
        held.close()
        check = make_engine(url)
        with check.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 2
            assert conn.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"
        check.dispose()
    finally:
        first.dispose()
