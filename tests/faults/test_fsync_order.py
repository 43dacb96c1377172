"""Durability: a submission is on disk before the citizen is shown its code.

strace records, for a kiosk process running journeys, every write and sync with the file each fd
names. Whenever the process shows a code (writes it to the confirmed file, after the done state)
or finishes a receipt PDF, every write to the SQLite WAL before it must have been followed by an
fsync/fdatasync of the WAL: otherwise a power cut right then loses a dossier whose code is on
screen and whose receipt is in the tray.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")

# e.g. 1234  pwrite64(5</tmp/x/kiosk.sqlite3-wal>, "...", 4096, 0) = 4096
_CALL = re.compile(r"^\d+\s+(\w+)\(\d+<([^>]*)>")


def unsynced_wal_at_each_shown_code(trace: str) -> tuple[int, list[str]]:
    """How many codes / receipts were shown, and a line for each one shown with WAL writes not
    yet synced."""
    dirty = 0  # WAL writes since the last WAL sync
    shown = 0
    faults = []
    for line in trace.splitlines():
        match = _CALL.match(line)
        if match is None:
            continue
        call, path = match.groups()
        if path.endswith("-wal"):
            dirty = 0 if call in ("fsync", "fdatasync") else dirty + (call in ("write", "pwrite64"))
        elif (path.endswith("confirmed.txt") and call == "write") or (
            ".receipt-" in path and call == "fsync"
        ):
            shown += 1
            if dirty:
                faults.append(f"{dirty} WAL write(s) not synced before: {line[:120]}")
    return shown, faults


def traced_journeys(tmp_path: Path, synchronous: str) -> str:
    trace = tmp_path / "trace"
    data, confirmed = tmp_path / "data", tmp_path / "confirmed.txt"
    child = Path(__file__).with_name("journey_child.py")
    command = ["strace", "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,write,pwrite64", "-o", str(trace)]
    # One journey untraced first: the schema is made and the WAL has been written to before.
    for journeys, prefix in (("1", []), ("3", command)):
        subprocess.run(
            [
                *prefix,
                sys.executable,
                str(child),
                str(data),
                str(confirmed),
                "--journeys",
                journeys,
                "--synchronous",
                synchronous,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    assert len(confirmed.read_text().split()) == 4
    return trace.read_text()


def test_the_wal_is_synced_before_a_code_or_a_receipt_is_shown(tmp_path: Path) -> None:
    shown, faults = unsynced_wal_at_each_shown_code(traced_journeys(tmp_path, "FULL"))
    assert shown == 6  # three codes, three receipts
    assert faults == []


def test_the_check_sees_commits_that_are_not_synced(tmp_path: Path) -> None:
    # What the kiosk did before (synchronous=NORMAL): commits reach the WAL, never fsynced.
    shown, faults = unsynced_wal_at_each_shown_code(traced_journeys(tmp_path, "NORMAL"))
    assert shown == 6 and len(faults) == 6
