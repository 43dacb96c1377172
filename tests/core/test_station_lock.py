"""`kiosk restore` refuses while a kiosk or worker uses the station's data (`kiosk.station_lock`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.app.root import backup_now, make_store
from kiosk.config import load_config
from kiosk.station_lock import StationInUse, StationLock
from tests.core.test_backup import submit_confirmed, write_config
from tests.core.test_worker import Lines

WAIT_S = 60.0


def test_kiosks_and_workers_share_the_lock_a_restore_does_not(tmp_path: Path) -> None:
    path = tmp_path / "data" / "kiosk.lock"
    refused = pytest.raises(StationInUse, match=r"in use by a running kiosk or worker .*stop them first")
    with StationLock(path, exclusive=False), StationLock(path, exclusive=False), refused:  # kiosk + worker
        StationLock(path, exclusive=True).acquire()
    with StationLock(path, exclusive=True) as restore:  # both gone: the restore may go ahead
        assert restore.held
    assert not restore.held


def test_a_kiosk_starting_during_a_restore_waits_for_it(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.lock"
    restore = StationLock(path, exclusive=True).acquire()
    kiosk = StationLock(path, exclusive=False)
    started = threading.Thread(target=kiosk.acquire, daemon=True)
    started.start()
    started.join(0.3)
    assert started.is_alive() and not kiosk.held  # waiting, not opening a half-restored database
    restore.release()
    started.join(WAIT_S)
    assert kiosk.held
    kiosk.release()


def restore_command(station: Path, backup: Path) -> list[str]:
    return ["--config", str(station), "restore", str(backup)]


def test_restore_refuses_while_the_worker_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    station = write_config(tmp_path / "station")
    config = load_config(station, environ={})
    before = submit_confirmed(config, 2)
    backup = backup_now(config, tmp_path / "usb").path
    assert backup is not None
    after = submit_confirmed(config, 1)  # confirmed after the backup: a restore would lose it
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "NOTIFY_", "WATCHDOG_"))}
    worker = subprocess.Popen(
        [sys.executable, "-m", "kiosk.app.cli", "--config", str(station), "worker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        Lines(worker).wait_for("worker: delivering to")
        assert main(restore_command(station, backup)) == 1
        err = capsys.readouterr().err
        assert err.startswith("kiosk: restore: the station's data is in use") and err.count("\n") == 1
        assert make_store(config).get(after[0]) is not None  # the database was left alone
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=WAIT_S) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert main(restore_command(station, backup)) == 0  # the worker stopped: restored
    store = make_store(config)
    assert all(store.get(code) is not None for code in before) and store.get(after[0]) is None


def test_restore_refuses_while_the_kiosk_runs_and_not_after_it_was_killed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = write_config(tmp_path / "station")
    config = load_config(station, environ={})
    submit_confirmed(config, 1)
    backup = backup_now(config, tmp_path / "usb").path
    assert backup is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "NOTIFY_", "WATCHDOG_"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "kiosk.app.cli", "--config", str(station), "run", "--demo", "--windowed"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        probe = StationLock(config.lock_file, exclusive=True)
        for _ in range(int(WAIT_S / 0.05)):  # until the kiosk holds its lock (a probe that wins
            assert kiosk.poll() is None, "the kiosk exited"  # meanwhile only delays it)
            try:
                probe.acquire()
            except StationInUse:
                break
            probe.release()
            threading.Event().wait(0.05)
        else:
            raise AssertionError("the kiosk never took its lock")
        assert main(restore_command(station, backup)) == 1
        assert "in use by a running kiosk or worker" in capsys.readouterr().err
        kiosk.kill()  # a crash (or a power cut) leaves no stale lock behind
        kiosk.wait(timeout=WAIT_S)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
    assert main(restore_command(station, backup)) == 0
