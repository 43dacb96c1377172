"""Backups: consistent while the kiosk writes, restored with nothing confirmed lost, keys only
when asked; and every file the kiosk writes is private."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from db.engine import sqlite_file
from devices.printer.pdf import PdfPrinter
from devices.printer.sample import sample_receipt
from kiosk.app.cli import main
from kiosk.app.root import backup_now, build_worker, make_catalog, make_signer, make_storage, make_store
from kiosk.backup import BackupError, backups
from kiosk.config import Config, load_config
from kiosk.dossier import Dossier
from kiosk.keyfile import KeyProblem
from kiosk.trackcode import new_code

T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def write_config(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{folder / "data"}"\n{extra}', "utf-8")
    return path


def submit_confirmed(config: Config, n: int) -> list[str]:
    storage = make_storage(config)
    make_signer(config, storage)
    store = make_store(config, storage)
    codes = [new_code() for _ in range(n)]
    for code in codes:
        receipt = dataclasses.replace(sample_receipt(), tracking_code=code)
        store.submit(
            Dossier(code, "1.003677", 1, "demo-station", T0, holder={"full_name": "Sùng Thị Dợ"}), receipt
        )
    return codes


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_taken_mid_journey_restores_everything_confirmed_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = write_config(tmp_path / "station")
    config = load_config(station, environ={})
    confirmed = submit_confirmed(config, 5)
    database = sqlite_file(config.database_url)
    assert database is not None
    assert Path(f"{database}-wal").stat().st_size > 0  # committed rows still in the WAL, not the file
    # A submission in progress: its transaction is open while the backup runs.
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO dossiers (tracking_code, service_code, service_version, station_id, status, "
        "submitted_at, updated_at, payload, fee_amount, payment_status) "
        "VALUES ('INFLIGHT00', 'x', 1, 's', 'received', '2026-11-30', '2026-11-30', x'00', 0, 'not_required')"
    )
    usb = tmp_path / "usb"
    try:
        assert main(["--config", str(station), "backup", "--to", str(usb), "--with-keys"]) == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert "3 key file(s)" in capsys.readouterr().out  # data, slip and index keys (no audit yet)
    [copy] = backups(usb)

    # A replacement machine: new data folder, the backup and its keys put back.
    spare = write_config(tmp_path / "spare")
    assert main(["--config", str(spare), "restore", str(copy), "--with-keys"]) == 0
    restored = load_config(spare, environ={})
    store = make_store(restored, make_storage(restored))
    for code in confirmed:
        stored = store.get(code)
        assert stored is not None and stored.readable and stored.dossier is not None
        assert stored.dossier.holder["full_name"] == "Sùng Thị Dợ"
    assert store.get("INFLIGHT00") is None  # never confirmed: not in the backup
    assert (
        make_signer(restored, make_storage(restored)).key_id
        == make_signer(config, make_storage(config)).key_id
    )


def test_keys_stay_out_of_a_backup_unless_asked(tmp_path: Path) -> None:
    station = write_config(tmp_path / "station")
    config = load_config(station, environ={})
    codes = submit_confirmed(config, 1)
    usb = tmp_path / "usb"
    report = backup_now(config, usb)
    assert report.keys == () and sorted(p.name for p in usb.iterdir()) == [report.path.name]  # type: ignore[union-attr]
    data_key = config.data_key_file.read_bytes()
    assert data_key not in report.path.read_bytes()  # type: ignore[union-attr]
    # Restored on a machine without the key, the database is refused, not re-keyed.
    spare = write_config(tmp_path / "spare")
    assert main(["--config", str(spare), "restore", str(report.path)]) == 0
    restored = load_config(spare, environ={})
    with pytest.raises(KeyProblem, match=r"data key file .* is missing"):
        make_storage(restored)
    assert not restored.data_key_file.exists()
    with pytest.raises(BackupError, match="taken without keys"):
        from kiosk.backup import restore_keys

        restore_keys(report.path, {"data.key": restored.data_key_file}, 32)  # type: ignore[arg-type]
    assert codes


def test_backups_are_private_and_only_the_newest_are_kept(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "station", "[backup]\nkeep = 2\n"), environ={})
    submit_confirmed(config, 1)
    usb = tmp_path / "usb"
    moments = iter(T0 + dt.timedelta(days=d) for d in range(3))
    reports = [backup_now(config, usb, lambda: next(moments), with_keys=True) for _ in range(3)]
    assert backups(usb) == [r.path for r in reports[1:]]
    assert (
        len(reports[2].removed) == 1
        and not reports[0].path.with_name(reports[0].path.name + ".keys").exists()
    )  # type: ignore[union-attr]
    assert mode(usb) == 0o700
    for report in reports[1:]:
        assert report.path is not None and mode(report.path) == 0o600
        keys = report.path.with_name(report.path.name + ".keys")
        assert mode(keys) == 0o700 and all(mode(k) == 0o600 for k in keys.iterdir())


def test_the_nightly_task_backs_up_once_a_day(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    config = load_config(write_config(tmp_path / "station", f'[backup]\ndir = "{usb}"\n'), environ={})
    submit_confirmed(config, 1)
    worker = build_worker(config, lambda: make_store(config))
    [task] = [t for t in worker.tasks if t.name == "backup"]
    with pytest.raises(BackupError, match="not there"):  # the USB disk is not plugged in
        task.run()
    assert not usb.exists()  # nothing written under its mount point
    usb.mkdir()
    first = task.run()
    assert not first.idle and len(backups(usb)) == 1
    assert task.run().idle  # the newest is minutes old: not due
    os.utime(first.path, (0, 0))  # as if taken long ago
    assert not task.run().idle and len(backups(usb)) == 2
    no_dir = load_config(write_config(tmp_path / "other"), environ={})
    assert "backup" not in [t.name for t in build_worker(no_dir, lambda: make_store(no_dir)).tasks]


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 50, b"not a database at all"])
def test_restoring_a_broken_file_says_so_and_leaves_the_database_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    station = write_config(tmp_path / "station")
    config = load_config(station, environ={})
    codes = submit_confirmed(config, 2)
    broken = tmp_path / "kiosk-20261130-000000.sqlite3"
    broken.write_bytes(content)
    assert main(["--config", str(station), "restore", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk: restore: ") and err.count("\n") == 1
    store = make_store(config, make_storage(config))
    assert all(store.get(code) is not None for code in codes)


def test_a_server_database_is_not_backed_up_here(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    station = write_config(tmp_path, '[database]\nurl = "postgresql+psycopg://k@127.0.0.1:1/k"\n')
    assert main(["--config", str(station), "backup", "--to", str(tmp_path / "usb")]) == 1
    assert "pg_dump" in capsys.readouterr().err


def test_everything_the_kiosk_writes_is_private(tmp_path: Path) -> None:
    station = write_config(tmp_path / "station", '[printer]\nbackend = "pdf"\n')
    assert main(["--config", str(station), "keys", "init"]) == 0  # as every `kiosk` command: umask 077
    config = load_config(station, environ={})
    submit_confirmed(config, 1)
    make_catalog(config)
    PdfPrinter(config.receipts_dir).print_receipt(sample_receipt())
    database = sqlite_file(config.database_url)
    assert database is not None
    written = [
        database,
        Path(f"{database}-wal"),
        Path(f"{database}-shm"),
        config.data_key_file,
        config.slip_key_file,
    ]
    written = [p for p in written if p.exists()]  # -wal/-shm go when the last connection closes
    written += [p for p in config.data_dir.rglob("*") if p.is_file()]
    assert {p.name for p in config.receipts_dir.iterdir()} and any(config.cache_dir.rglob("*"))
    assert {str(p): oct(mode(p)) for p in written if mode(p) != 0o600} == {}
    folders = [config.data_dir, *(p for p in config.data_dir.rglob("*") if p.is_dir())]
    assert {str(p): oct(mode(p)) for p in folders if mode(p) != 0o700} == {}


def test_the_database_is_private_without_the_command_line_umask(tmp_path: Path) -> None:
    os.umask(0o022)  # a library caller; the fixture restores the test run's umask
    config = load_config(overrides={"paths.data_dir": str(tmp_path / "data")}, environ={})
    submit_confirmed(config, 1)
    database = sqlite_file(config.database_url)
    assert database is not None
    assert mode(database) == mode(Path(f"{database}-wal")) == mode(Path(f"{database}-shm")) == 0o600
    assert mode(config.data_dir) == 0o700 and mode(config.data_key_file) == 0o600
    PdfPrinter(tmp_path / "receipts").print_receipt(sample_receipt())
    assert [mode(p) for p in (tmp_path / "receipts").iterdir()] == [0o600] and mode(
        tmp_path / "receipts"
    ) == 0o700


def test_doctor_says_whether_the_nightly_backup_is_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "usb"
    station = write_config(tmp_path / "station", f'[backup]\ndir = "{usb}"\n')
    config = load_config(station, environ={})
    assert main(["--config", str(station), "db", "upgrade"]) == 0
    assert main(["--config", str(station), "doctor", "--demo"]) == 1
    assert re.search(rf"FAIL backup +{usb} is not there", capsys.readouterr().out)
    report = backup_now(config, usb)
    assert main(["--config", str(station), "doctor", "--demo"]) == 0
    assert re.search(r"OK +backup +newest kiosk-", capsys.readouterr().out)
    assert report.path is not None
    os.utime(report.path, (0, 0))  # the disk was not plugged in for days
    assert main(["--config", str(station), "doctor", "--demo"]) == 1
    assert "FAIL backup" in capsys.readouterr().out


def test_a_backup_from_before_a_rotation_restores_and_opens(tmp_path: Path) -> None:
    from kiosk.keys import DATA, rotate_key

    station = write_config(tmp_path / "station")
    config = load_config(station, environ={})
    codes = submit_confirmed(config, 2)
    before = backup_now(config, tmp_path / "usb")
    rotate_key(DATA, config.data_key_file, make_storage(config).keys)
    assert main(["--config", str(station), "restore", str(before.path)]) == 0
    store = make_store(config, make_storage(config))  # the old key is kept as retired: it opens
    assert all(store.get(code).readable for code in codes)  # type: ignore[union-attr]
