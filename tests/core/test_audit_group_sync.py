"""Audit rows of reads are group-committed on SQLite (`db/group_sync.py`, rule in `kiosk.audit`):
committed with synchronous=NORMAL, then on disk through an fsync shared with the other reads of
the moment; officers' actions keep their own fsync (synchronous=FULL) at commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from db.audit import SqlAuditLog
from db.engine import make_engine
from db.group_sync import GroupSync
from db.migrate import upgrade
from kiosk.audit import READS, AuditLog
from kiosk.ports.clock import local_now

KEY = bytes(range(32))
NORMAL, FULL = 1, 2  # PRAGMA synchronous's answers


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture
def levels() -> Iterator[list[tuple[str, int]]]:
    """(action, the synchronous level of the connection) of each audit row inserted."""
    seen: list[tuple[str, int]] = []

    def check(_conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("INSERT INTO audit_log"):
            level = cursor.connection.execute("PRAGMA synchronous").fetchone()[0]
            action = parameters[3] if isinstance(parameters, tuple) else parameters["action"]
            seen.append((action, int(level)))

    event.listen(sa.engine.Engine, "before_cursor_execute", check)
    yield seen
    event.remove(sa.engine.Engine, "before_cursor_execute", check)


def test_a_read_shares_an_fsync_and_an_action_keeps_its_own(url: str, levels: list[tuple[str, int]]) -> None:
    repository = SqlAuditLog(make_engine(url))
    log = AuditLog(repository, KEY, local_now)
    assert repository.group_sync is not None
    log.record("CB001", "search", "by ID number or name")
    log.record("CB001", "view_dossier", "AB12CD34EF")
    assert repository.group_sync.syncs == 2  # each read waited for an fsync of the WAL
    log.record("CB001", "status_change", "AB12CD34EF received -> processing")
    log.record("CB001", "login", "console (pin)")
    assert repository.group_sync.syncs == 2  # actions: SQLite's own fsync at commit
    assert levels == [("search", NORMAL), ("view_dossier", NORMAL), ("status_change", FULL), ("login", FULL)]
    assert log.verify().ok and log.verify().rows == 4
    assert {"search", "view_dossier", "view_photo", "export_dossier"} <= READS


def test_reads_and_actions_written_at_once_make_one_chain(url: str) -> None:
    errors: list[BaseException] = []

    def write(name: str) -> None:
        log = AuditLog(SqlAuditLog(make_engine(url)), KEY, local_now)  # each its own engines
        try:
            for i in range(12):
                log.record(name, "search" if i % 3 else "status_change", str(i))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"T{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = AuditLog(SqlAuditLog(make_engine(url)), KEY, local_now).verify()
    assert result.ok and result.rows == 48


def test_waiters_share_the_next_fsync() -> None:
    """While one fsync runs, the threads that arrive wait for the next one, and one serves all."""
    running, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def sync() -> None:
        calls.append(len(calls))
        if len(calls) == 1:  # the first fsync blocks until the others are waiting
            running.set()
            assert release.wait(30)

    group = GroupSync(sync)
    first = threading.Thread(target=group.wait)
    first.start()
    assert running.wait(30)
    done: list[str] = []

    def later(name: str) -> None:
        group.wait()
        done.append(name)

    others = [threading.Thread(target=later, args=(n,)) for n in "abc"]
    for t in others:
        t.start()
    deadline = time.monotonic() + 30  # a bound for a broken build, not a measurement
    while len(group._changed._waiters) < 3 and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.01)
    assert done == []  # the running fsync began before they asked: it does not serve them
    release.set()
    for t in [first, *others]:
        t.join(30)
    assert sorted(done) == ["a", "b", "c"] and group.syncs == 2 == len(calls)


def test_a_failed_fsync_is_not_counted_as_done() -> None:
    attempts: list[int] = []

    def sync() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError(5, "Input/output error")

    group = GroupSync(sync)
    with pytest.raises(OSError):
        group.wait()
    group.wait()
    assert group.syncs == 1 and len(attempts) == 2
