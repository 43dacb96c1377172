"""The keyed audit chain on a real database: intact, then a row deleted, changed or inserted
behind the kiosk's back (raw SQL, as someone with the database file but not the key would)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.audit import SqlAuditLog
from db.engine import make_engine
from db.keys import SqlKeyLedger
from db.migrate import upgrade
from kiosk.audit import AuditLog, AuditProblem, ChainHead, compute_link, parse_head
from kiosk.keyfile import KeyProblem
from kiosk.keys import AUDIT, describe_key, open_audit_key, rotate_key
from kiosk.ports.clock import local_now
from kiosk.ports.officers import AuditEntry

T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
KEY = bytes(range(32))


class Ticking:
    """A fake clock a second further at each call."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1, microseconds=123)
        return self.now


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    return make_engine(url)


@pytest.fixture
def audit(engine: sa.Engine) -> AuditLog:
    log = AuditLog(SqlAuditLog(engine), KEY, Ticking())
    for i in range(1, 7):
        log.record(f"CB00{i % 3}", "status_change", f"HS{i:04d} received → processing, ghi chú “đã nhận”")
    return log


def sql(engine: sa.Engine, statement: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_an_untouched_chain_verifies(audit: AuditLog) -> None:
    result = audit.verify()
    assert result.ok and result.rows == 6
    assert result.head == audit.head()
    assert result.head.seq == 6 and len(result.head.link) == 64
    assert parse_head(result.head.short) == (6, result.head.link[:16])


def test_links_are_keyed(audit: AuditLog, engine: sa.Engine) -> None:
    other = AuditLog(SqlAuditLog(engine), os.urandom(32), Ticking())
    result = other.verify()
    assert not result.ok and "row 1 " in result.problems[0]


def test_the_link_covers_every_field() -> None:
    entry = AuditEntry(T0, "CB001", "export", "HS0001")
    base = compute_link(KEY, None, 1, entry)
    for changed in (
        AuditEntry(T0 + dt.timedelta(microseconds=1), "CB001", "export", "HS0001"),
        AuditEntry(T0, "CB002", "export", "HS0001"),
        AuditEntry(T0, "CB001", "reprint", "HS0001"),
        AuditEntry(T0, "CB001", "export", "HS0002"),
    ):
        assert compute_link(KEY, None, 1, changed) != base
    assert compute_link(KEY, None, 2, entry) != base
    assert compute_link(KEY, "0" * 64, 1, entry) != base


def test_a_changed_row_is_detected(audit: AuditLog, engine: sa.Engine) -> None:
    sql(engine, "UPDATE audit_log SET detail = 'HS0003 received → done' WHERE id = 3")
    result = audit.verify()
    assert result.problems == [
        "row 3 (status_change by CB000) does not match its link: changed, inserted, "
        "or the row before it changed"
    ]


def test_a_changed_time_is_detected(audit: AuditLog, engine: sa.Engine) -> None:
    sql(engine, "UPDATE audit_log SET at = '2026-12-01 00:00:00.000000' WHERE id = 2")
    assert [p.split(" (")[0] for p in audit.verify().problems] == ["row 2"]


def test_a_deleted_row_is_detected(audit: AuditLog, engine: sa.Engine) -> None:
    sql(engine, "DELETE FROM audit_log WHERE id = 4")
    result = audit.verify()
    assert result.problems == ["row 4 missing (deleted)"]
    assert not audit.verify().ok


def test_deleted_rows_renumbered_are_detected(audit: AuditLog, engine: sa.Engine) -> None:
    sql(engine, "DELETE FROM audit_log WHERE id IN (2, 3)")
    sql(engine, "UPDATE audit_log SET id = id - 2 WHERE id > 3")
    result = audit.verify()
    assert not result.ok and result.problems[0].startswith("row 2 ")


def test_the_first_row_deleted_is_detected(audit: AuditLog, engine: sa.Engine) -> None:
    sql(engine, "DELETE FROM audit_log WHERE id = 1")
    assert audit.verify().problems == ["row 1 missing (deleted)"]


def test_an_inserted_row_is_detected(audit: AuditLog, engine: sa.Engine) -> None:
    # Room made after row 2, and a row with a plausible link (of another key) put there.
    sql(engine, "UPDATE audit_log SET id = id + 100 WHERE id > 2")
    sql(engine, "UPDATE audit_log SET id = id - 99 WHERE id > 100")
    forged = compute_link(os.urandom(32), None, 3, AuditEntry(T0, "CB001", "export", "HS0002"))
    sql(
        engine,
        "INSERT INTO audit_log (id, at, actor, action, detail, link) "
        "VALUES (3, :at, 'CB001', 'export', 'HS0002', :l)",
        at="2026-12-01 01:00:02.500000",
        l=forged,
    )
    result = audit.verify()
    assert not result.ok
    assert result.problems[0].startswith("row 3 (export by CB001) does not match its link")


def test_a_row_appended_without_the_key_is_detected(audit: AuditLog, engine: sa.Engine) -> None:
    head = audit.head()
    sql(
        engine,
        "INSERT INTO audit_log (id, at, actor, action, detail, link) "
        "VALUES (7, :at, 'CB001', 'login', '', :l)",
        at="2026-12-01 02:00:00.000000",
        l=head.link,
    )
    assert audit.verify().problems[0].startswith("row 7 (login by CB001)")


def test_cut_newest_rows_show_against_a_reported_head(audit: AuditLog, engine: sa.Engine) -> None:
    reported = audit.head().short
    audit.record("CB001", "login")
    assert audit.verify(reported).ok  # rows after the report are fine
    sql(engine, "DELETE FROM audit_log WHERE id >= 6")
    assert audit.verify().ok  # a shorter chain is valid in itself...
    result = audit.verify(reported)  # ...but not against the head on yesterday's report
    assert result.problems == [f"the chain ends at row 5, but head {reported} was reported: newest rows cut"]


def test_a_rewritten_history_shows_against_a_reported_head(audit: AuditLog) -> None:
    reported = audit.head()
    other = ChainHead(reported.seq, "f" * 64 if reported.link[0] != "f" else "0" * 64)
    assert "history rewritten" in audit.verify(other.short).problems[0]
    with pytest.raises(AuditProblem, match="not a chain head"):
        audit.verify("yesterday")


def test_empty_chain(engine: sa.Engine) -> None:
    log = AuditLog(SqlAuditLog(engine), KEY, Ticking())
    result = log.verify()
    assert result.ok and result.rows == 0 and result.head.short == "#0-"
    with pytest.raises(AuditProblem):
        log.record(" ", "login")
    with pytest.raises(AuditProblem, match="at most 64"):
        log.record("A" * 65, "login")
    assert log.verify().rows == 0


def test_text_is_stored_nfc(engine: sa.Engine) -> None:
    log = AuditLog(SqlAuditLog(engine), KEY, Ticking())
    row = log.record("CB001", "note", "Nguye\u0302\u0303n")
    assert row.detail == "Nguyễn" and log.newest(1)[0].detail == "Nguyễn"
    assert log.verify().ok


def test_concurrent_writers_make_one_chain(tmp_path: Path, engine: sa.Engine) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    errors: list[BaseException] = []

    def write(name: str) -> None:
        log = AuditLog(SqlAuditLog(make_engine(url)), KEY, local_now)  # each its own engine
        try:
            for i in range(15):
                log.record(name, "login", str(i))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"T{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = AuditLog(SqlAuditLog(engine), KEY, Ticking()).verify()
    assert result.ok and result.rows == 60 and result.head.seq == 60


# -- the audit key follows the station's key rules (kiosk.keys) -----------------------------------


def test_audit_key_is_made_on_an_empty_database_and_then_required(tmp_path: Path, engine: sa.Engine) -> None:
    ledger = SqlKeyLedger(engine)
    path = tmp_path / "keys" / "audit.key"
    key = open_audit_key(path, ledger)
    assert open_audit_key(path, ledger) == key
    AuditLog(SqlAuditLog(engine), key, Ticking()).record("CB001", "login")
    path.unlink()
    with pytest.raises(KeyProblem, match=r"audit key file .* is missing"):
        open_audit_key(path, ledger)
    assert not path.exists()  # nothing made over the chain
    path.write_bytes(os.urandom(32))
    with pytest.raises(KeyProblem, match="holds key"):
        open_audit_key(path, ledger)
    ok, line = describe_key(AUDIT, path, ledger)
    assert not ok and "audit key" in line


def test_audit_rows_without_a_recorded_key_still_need_theirs(tmp_path: Path, engine: sa.Engine) -> None:
    AuditLog(SqlAuditLog(engine), KEY, Ticking()).record("CB001", "login")  # key never recorded
    with pytest.raises(KeyProblem, match="missing"):
        open_audit_key(tmp_path / "audit.key", SqlKeyLedger(engine))


def test_the_audit_key_is_not_rotated(tmp_path: Path, engine: sa.Engine) -> None:
    ledger = SqlKeyLedger(engine)
    path = tmp_path / "audit.key"
    key = open_audit_key(path, ledger)
    with pytest.raises(KeyProblem, match="not rotated"):
        rotate_key(AUDIT, path, ledger)
    assert path.read_bytes() == key
