"""Fixtures of the core tests that need a real server."""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    pytest.importorskip("psycopg")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL server binaries not installed")
    # The server refuses to run as root: run it as `postgres` in a directory it can reach.
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no postgres user to run the server")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    run = functools.partial(subprocess.run, check=True, capture_output=True)
    run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "kiosk", "--no-sync"])
    options = f"-k {base} -c listen_addresses='' -F"
    run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://kiosk@/postgres?host={base}"
    finally:
        run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(base, ignore_errors=True)
