"""The report's audit check from a stored keyed checkpoint (`AuditLog.verify_for_report`): it
finds every change `verify` finds, before the checkpoint as after it, recomputes links only after
it, ignores a checkpoint not made with the key, and moves the checkpoint to a sound head."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

import kiosk.audit
from db.audit import CHECKPOINT_KEY, SqlAuditLog
from db.engine import make_engine
from db.migrate import upgrade
from kiosk.audit import AuditLog, Checkpoint, compute_link
from kiosk.ports.officers import AuditEntry
from tests.core.test_audit import KEY, T0, Ticking, sql


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    return make_engine(url)


@pytest.fixture
def audit(engine: sa.Engine) -> AuditLog:
    """Ten rows, a report made after the eighth (the checkpoint there), two rows since."""
    log = AuditLog(SqlAuditLog(engine), KEY, Ticking())
    for i in range(1, 9):
        log.record(f"CB00{i % 3}", "status_change", f"HS{i:04d} received → processing, ghi chú “đã nhận”")
    assert log.verify_for_report().ok
    log.record("CB001", "view_dossier", "HS0009")
    log.record("CB002", "search", "by ID number or name")
    return log


def stored(engine: sa.Engine) -> Checkpoint:
    with engine.connect() as conn:
        text = conn.execute(
            sa.text("SELECT value FROM station_settings WHERE key = :k"), {"k": CHECKPOINT_KEY}
        ).scalar_one()
    found = Checkpoint.parse(text)
    assert found is not None
    return found


def links_computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    real: Callable[..., str] = kiosk.audit.compute_link

    def counting(key: bytes, previous: str | None, seq: int, entry: AuditEntry) -> str:
        seen.append(seq)
        return real(key, previous, seq, entry)

    monkeypatch.setattr(kiosk.audit, "compute_link", counting)
    return seen


def test_links_are_recomputed_after_the_checkpoint_only_and_it_moves(
    audit: AuditLog, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert stored(engine).seq == 8
    seen = links_computed(monkeypatch)
    result = audit.verify_for_report()
    assert result.ok and result.rows == 10 and result.head == audit.head()
    assert seen == [9, 10]
    assert (stored(engine).seq, stored(engine).link) == (10, audit.head().link)
    seen.clear()
    assert audit.verify_for_report().ok and seen == []  # nothing new: no link recomputed


TAMPERING = {
    "a row before it changed": "UPDATE audit_log SET detail = 'HS0003 received → done' WHERE id = 3",
    "a time before it changed": "UPDATE audit_log SET at = '2026-12-01 00:00:00.000000' WHERE id = 2",
    "an actor before it changed": "UPDATE audit_log SET actor = 'CB009' WHERE id = 5",
    "a link before it changed": "UPDATE audit_log SET link = lower(hex(randomblob(32))) WHERE id = 4",
    "a row before it deleted": "DELETE FROM audit_log WHERE id = 4",
    "the first row deleted": "DELETE FROM audit_log WHERE id = 1",
    "the checkpoint's row deleted": "DELETE FROM audit_log WHERE id = 8",
    "a row after it changed": "UPDATE audit_log SET detail = 'HS0001' WHERE id = 9",
    "a row after it deleted": "DELETE FROM audit_log WHERE id = 9",
}


@pytest.mark.parametrize("change", TAMPERING)
def test_what_verify_finds_the_report_check_finds(audit: AuditLog, engine: sa.Engine, change: str) -> None:
    sql(engine, TAMPERING[change])
    whole = audit.verify()
    assert not whole.ok
    assert audit.verify_for_report().problems == whole.problems  # the same rows named
    assert stored(engine).seq == 8  # a broken chain leaves the checkpoint where it was


def test_renumbered_and_inserted_rows_before_it_are_found(audit: AuditLog, engine: sa.Engine) -> None:
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
    result = audit.verify_for_report()
    assert not result.ok and result.problems == audit.verify().problems
    assert result.problems[0].startswith("row 3 (export by CB001) does not match its link")


def test_a_checkpoint_made_without_the_key_is_ignored(audit: AuditLog, engine: sa.Engine) -> None:
    # Someone with the database but not the key changes row 3 and makes the digest fit again.
    sql(engine, "UPDATE audit_log SET detail = 'HS0003 received → done' WHERE id = 3")
    old = stored(engine)
    digest = hashlib.sha256(b"kiosk-audit-rows-v1\n")
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        raw.execute("SELECT id, at, actor, action, detail, link FROM audit_log WHERE id <= 8 ORDER BY id")
        for row in raw.fetchall():
            digest.update(repr(tuple(row)).encode() + b"\n")
    forged = {"seq": 8, "link": old.link, "digest": digest.hexdigest(), "mac": old.mac}
    sql(
        engine,
        "UPDATE station_settings SET value = :v WHERE key = :k",
        v=json.dumps(forged),
        k=CHECKPOINT_KEY,
    )
    result = audit.verify_for_report()
    assert not result.ok and result.problems[0].startswith("row 3 ")


def test_a_deleted_checkpoint_means_the_whole_chain(audit: AuditLog, engine: sa.Engine) -> None:
    sql(engine, "DELETE FROM station_settings WHERE key = :k", k=CHECKPOINT_KEY)
    assert audit.verify_for_report().ok and stored(engine).seq == 10


def test_a_reported_head_is_checked_before_and_after_the_checkpoint(
    audit: AuditLog, engine: sa.Engine
) -> None:
    rows = audit._repository.records(0, 10)
    early, late = (f"#{r.seq}-{r.link[:16]}" for r in (rows[4], rows[8]))
    assert audit.verify_for_report(early).ok and audit.verify_for_report(late).ok
    wrong = f"#5-{'0' * 16 if not rows[4].link.startswith('0') else 'f' * 16}"
    assert "history rewritten" in audit.verify_for_report(wrong).problems[0]
    sql(engine, "DELETE FROM audit_log WHERE id >= 9")  # newest rows cut, after the checkpoint
    result = audit.verify_for_report(late)
    assert result.problems == [f"the chain ends at row 8, but head {late} was reported: newest rows cut"]
