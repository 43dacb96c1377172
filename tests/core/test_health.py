"""Health checks against real files: a corrupt page, a lost or replaced key, a bad slip key, a
full disk, an empty trust store each give a red doctor line, a non-zero exit, and (for storage
and keys) stop new applications at the kiosk."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections import namedtuple
from pathlib import Path

import pytest

from kiosk.app import health
from kiosk.app.cli import main
from kiosk.app.root import make_signer, make_storage, make_store
from kiosk.config import ConfigError, load_config
from kiosk.dossier import Dossier
from kiosk.health import HEALTHY, Capability, Check, Health

HOLDER = {"full_name": "Nguyễn Thị Hoà", "id_number": "079085001234", "dob": "1950-01-02"}


def config_for(data: Path, **overrides: object):  # type: ignore[no-untyped-def]
    return load_config(overrides={"paths.data_dir": str(data), **overrides}, demo=True)


def submit_one(data: Path, code: str = "7K3QXM9T2B") -> None:
    """A real dossier through the kiosk's own store: schema made, keys made, row sealed."""
    config = config_for(data)
    storage = make_storage(config)
    make_signer(config, storage)  # a submission signs its slip: the slip key is made and recorded
    store = make_store(config, storage)
    store.submit(
        Dossier(
            tracking_code=code,
            service_code="1.004194",
            service_version=1,
            station_id="demo-station",
            submitted_at=dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC),
            fields={"reason": "Mất căn cước"},
            holder=HOLDER,
        )
    )


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def doctor(data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    config = data.parent / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{data}"\n', "utf-8")
    code = main(["--config", str(config), "doctor", "--demo"])
    return code, capsys.readouterr().out


def corrupt_table_page(db: Path, table: str, start: float = 0.0) -> None:
    """Overwrite `table`'s root page (a b-tree page) with garbage from `start` (a fraction of the
    page) on: from 0 its header is gone, so SQLite cannot read the table at all; from 0.5 the
    page still reads as a b-tree page whose cells run off its end."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        skip = int(page_size * start)
        f.seek((root - 1) * page_size + skip)
        f.write(b"\xa5" * (page_size - skip))


# -- the doctor, end to end --------------------------------------------------------------------


def test_healthy_station_passes_every_new_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    submit_one(data)
    code, out = doctor(data, capsys)
    assert code == 0, out
    for name in ("database pages", "sealed data", "slip signing", "free disk", "trust store"):
        assert f"OK   {name}" in out, out


def test_corrupt_table_page_is_red(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    submit_one(data)
    corrupt_table_page(data / "kiosk.sqlite3", "dossiers", start=0.5)
    code, out = doctor(data, capsys)
    assert code == 1
    line = next(line for line in out.splitlines() if "database pages" in line)
    assert line.startswith("FAIL") and "is damaged" in line and "restore it from the last backup" in line
    assert not Health.of(health.service_checks(config_for(data))).can_submit


def test_unreadable_table_stops_lookup_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    submit_one(data)
    corrupt_table_page(data / "kiosk.sqlite3", "dossiers")
    code, out = doctor(data, capsys)
    line = next(line for line in out.splitlines() if "database pages" in line)
    assert code == 1 and line.startswith("FAIL") and "malformed" in line and "\n" not in line
    result = Health.of(health.service_checks(config_for(data)))
    assert not result.can_submit and not result.can_look_up


def test_replaced_data_key_is_red(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    submit_one(data)
    (data / "data.key").write_bytes(os.urandom(32))  # a new key over existing sealed dossiers
    code, out = doctor(data, capsys)
    assert code == 1 and "FAIL data key" in out  # the keys' own line
    check = health.sealed_data(config_for(data))
    assert not check.ok and Capability.SUBMIT in check.blocks and "put key" in check.detail
    assert not Health.of(health.service_checks(config_for(data))).can_submit


def test_lost_data_key_is_red_and_not_replaced_by_the_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    submit_one(data)
    (data / "data.key").unlink()
    check = health.sealed_data(config_for(data))
    assert not check.ok and "missing" in check.detail and Capability.SUBMIT in check.blocks
    assert not (data / "data.key").exists()  # a check never makes a key


def test_truncated_data_key_is_red(tmp_path: Path) -> None:
    data = tmp_path / "data"
    submit_one(data)
    (data / "data.key").write_bytes(os.urandom(31))
    check = health.sealed_data(config_for(data))
    assert not check.ok and "31 bytes" in check.detail


def test_fresh_station_is_healthy_and_nothing_is_made(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = Health.of(health.service_checks(config_for(data)))
    assert result.can_submit and result.can_look_up, result.faults
    assert not (data / "data.key").exists() and not (data / "slip.key").exists()


def test_bad_slip_key_is_red(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    submit_one(data)
    (data / "slip.key").write_bytes(os.urandom(31))
    code, out = doctor(data, capsys)
    assert code == 1 and "FAIL slip key" in out and "31 bytes" in out
    check = health.slip_signing(config_for(data))
    assert not check.ok and check.blocks == {Capability.SUBMIT, Capability.LOOKUP}


def test_bad_retired_slip_key_is_red(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "slip.key").write_bytes(os.urandom(32))
    (data / "slip.key.retired-2026-01-01").write_bytes(b"short")
    assert not health.slip_signing(config_for(data)).ok


def test_good_slip_key_signs_and_verifies(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "slip.key").write_bytes(os.urandom(32))
    check = health.slip_signing(config_for(data))
    assert check.ok and "verified" in check.detail


def test_low_disk_is_red(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(health.shutil, "disk_usage", lambda _p: usage(10**9, 10**9 - 12 * 2**20, 12 * 2**20))
    check = health.free_disk(config_for(tmp_path / "data", **{"paths.min_free_mb": 50}))
    assert not check.ok and "12 MB free" in check.detail and "need 50 MB" in check.detail
    assert Capability.SUBMIT in check.blocks
    roomy = config_for(tmp_path / "data", **{"paths.min_free_mb": 10})
    assert health.free_disk(roomy).ok


def test_min_free_mb_is_range_checked(tmp_path: Path) -> None:
    for bad in (0, 9, 100_001, -1):
        with pytest.raises(ConfigError, match=r"paths\.min_free_mb"):
            config_for(tmp_path, **{"paths.min_free_mb": bad})


def test_trust_store(tmp_path: Path) -> None:
    assert health.trust_store(config_for(tmp_path)).ok  # demo: the test CSCA
    pcsc = load_config(overrides={"paths.data_dir": str(tmp_path), "card.backend": "pcsc"})
    unset = health.trust_store(pcsc)
    assert not unset.ok and "card.trust_dir" in unset.detail and not unset.blocks
    empty = tmp_path / "trust"
    empty.mkdir()
    (empty / "notes.txt").write_text("no certificates here", "utf-8")
    none_there = load_config(overrides={"card.backend": "pcsc", "card.trust_dir": str(empty)})
    check = health.trust_store(none_there)
    assert not check.ok and "no CSCA certificate" in check.detail
    empty.joinpath("notes.txt").unlink()
    empty.rmdir()  # removed after the config was read
    assert "is not a folder" in health.trust_store(none_there).detail


def test_health_decides_what_stops() -> None:
    assert HEALTHY.can_submit and HEALTHY.can_look_up
    store = Check("database pages", False, "damaged", frozenset({Capability.SUBMIT}))
    printer = Check("printer", False, "paper out")
    result = Health.of([store, printer, Check("slip key", True, "ok")])
    assert not result.can_submit and result.can_look_up
    assert result.faults == (store, printer)
    unreadable = Check("database pages", False, "x", frozenset({Capability.SUBMIT, Capability.LOOKUP}))
    assert not Health.of([unreadable]).can_look_up
