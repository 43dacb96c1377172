"""A real PostgreSQL server for the tests that need one: started on a Unix socket in a temporary
folder (no TCP port at all), one per test session, with a new database for each user. Missing
server binaries are a failure, not a skip: `scripts/setup.sh` installs them."""

from __future__ import annotations

import functools
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

_databases = itertools.count(1)


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        pytest.fail(f"PostgreSQL server binary {name} not found (scripts/setup.sh installs postgresql)")
    return str(candidates[-1])


def running_server() -> Iterator[str]:
    """Runs a server for as long as the generator is open; yields a URL template with `{db}`."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    run = functools.partial(subprocess.run, check=True, capture_output=True)
    run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "kiosk", "--no-sync"])
    options = f"-k {base} -c listen_addresses='' -c max_connections=200 -F"
    run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://kiosk@/{{db}}?host={base}"
    finally:
        run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def new_database(server: str, prefix: str = "test") -> str:
    """A new, empty database on `server` (a `running_server` template); its URL."""
    name = f"{prefix}{os.getpid()}_{next(_databases)}"
    admin = sa.create_engine(server.format(db="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        admin.dispose()
    return server.format(db=name)
