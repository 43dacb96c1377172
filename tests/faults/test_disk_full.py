"""Disk full: the station's data folder on a small tmpfs fills up while citizens submit.

Every journey either shows its code (stored, receipt queued) or tells the citizen it failed,
nothing half-stored; once space is made, the kiosk carries on without a restart.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

JOURNEYS = 60


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)], check=False
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_fails_submissions_cleanly_and_loses_nothing_shown(
    small_disk: Path, tmp_path: Path, check_database: Any, station: Any
) -> None:
    station = type(station)(small_disk / "data", tmp_path / "confirmed.txt")
    first = station.run("--journeys", str(JOURNEYS), timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]  # no traceback: every failure was handled
    assert "Traceback" not in first.stderr
    shown = station.confirmed()
    assert 0 < len(shown) < JOURNEYS  # some stored, then the disk was full
    assert shutil.disk_usage(small_disk).free < 64 * 1024
    check_database(station.database, shown)

    for receipt in (station.data_dir / "receipts").glob("*.pdf"):  # an officer makes room
        receipt.unlink()
    # ... enough of it: old receipts alone may free less than two dossiers, their search tokens
    # and the WAL need (a bigger disk, as a remount, is the room made).
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=True)
    again = station.run("--journeys", "2", timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(station.confirmed()) == len(shown) + 2
    check_database(station.database, station.confirmed())
