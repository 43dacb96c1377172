"""The fault-injection suite's tools: a kiosk process of headless journeys (`journey_child.py`)
and the check every test ends with: the database holds exactly the submissions citizens were
told about, and each of them has its receipt queued."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("journey_child.py")


@dataclass(frozen=True)
class Station:
    data_dir: Path
    confirmed_file: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "kiosk.sqlite3"

    def child(self, *args: str) -> list[str]:
        """The command line of a kiosk process running journeys on this station."""
        return [sys.executable, str(CHILD), str(self.data_dir), str(self.confirmed_file), *args]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.child(*args), capture_output=True, text=True, timeout=timeout, check=False)

    def confirmed(self) -> list[str]:
        if not self.confirmed_file.exists():
            return []
        return self.confirmed_file.read_text().split()


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return Station(tmp_path / "data", tmp_path / "confirmed.txt")


def stored(database: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Dossier codes and (code, kiosk) of print jobs, after checking the file's integrity. A schema
    is all there or not at all (`db.migrate.upgrade` is one transaction): never half made."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:  # killed after the file was opened, before the schema's one transaction committed
            return [], []
        codes = [code for (code,) in conn.execute("SELECT tracking_code FROM dossiers ORDER BY id")]
        jobs = [(c, k) for c, k in conn.execute("SELECT tracking_code, kiosk_id FROM print_jobs")]
        return codes, jobs
    finally:
        conn.close()


CheckDatabase = Callable[..., list[str]]


@pytest.fixture
def check_database() -> CheckDatabase:
    """`check(database, confirmed, in_flight=0)`: every confirmed code is stored once with exactly
    one receipt job; besides them at most `in_flight` dossiers nobody was told about (a journey in
    flight when its process died had committed, and its done screen never came). Returns the
    stored codes."""

    def check(database: Path, confirmed: Sequence[str], in_flight: int = 0) -> list[str]:
        codes, jobs = stored(database)
        assert len(codes) == len(set(codes))
        assert len(confirmed) == len(set(confirmed)), "a code was shown twice"
        missing = set(confirmed) - set(codes)
        assert not missing, f"confirmed but not stored: {sorted(missing)}"
        unconfirmed = set(codes) - set(confirmed)
        assert len(unconfirmed) <= in_flight, f"stored, no citizen told: {sorted(unconfirmed)}"
        job_codes = [code for code, _kiosk in jobs]
        for code in codes:  # the receipt is queued in the dossier's transaction: never apart
            assert job_codes.count(code) == 1, f"{code}: {job_codes.count(code)} receipt jobs"
        return codes

    return check
