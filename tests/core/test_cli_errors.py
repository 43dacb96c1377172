"""Every database command on a broken station: a non-database or truncated file, a truncated key,
another writer's lock, a full disk. Each gives one line on stderr naming the fault and exit code 2,
never a traceback; what still works (reading under another writer's lock) still works."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import db.engine
from kiosk.app import scripted
from kiosk.app.cli import EXIT_BROKEN, main
from kiosk.app.root import build_app
from kiosk.config import load_config
from kiosk.flow.state import Phase
from kiosk.runner import InlineRunner
from kiosk.trackcode import display

COMMANDS = {
    "status": ["status", "{code}"],
    "print queue": ["print", "queue"],
    "db upgrade": ["db", "upgrade"],
    "print again": ["print", "again"],
    "print again CODE": ["print", "again", "{code}"],
    "receipt": ["receipt", "{code}", "--out", "{out}"],
}
WRITERS = ["db upgrade", "print again", "print again CODE"]


def write_config(data: Path) -> Path:
    path = data.parent / "kiosk.toml"
    path.write_text(
        f'[paths]\ndata_dir = "{data}"\n[station]\nkiosk_id = "kiosk-1"\n'
        f'[printer]\npdf_dir = "{data.parent / "printer" / "receipts"}"\n[card]\nbackend = "emulated"\n'
    )
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A station with one dossier whose receipt waits (the printer was gone)."""
    root = tmp_path_factory.mktemp("station")
    (root / "printer").write_text("unplugged")
    config = load_config(write_config(root / "data"), demo=True, environ={})
    app = build_app(config, InlineRunner())
    app.controller.start()
    state = scripted.submit_as_citizen(app)
    assert state.phase is Phase.DONE and state.review.print_state == "failed"
    (root / "printer").unlink()
    return root, display(state.review.tracking_code)


@pytest.fixture
def station(template: tuple[Path, str], tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "station"
    shutil.copytree(template[0], root)
    write_config(root / "data")
    return root, template[1]


def run(root: Path, code: str, command: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args = [a.format(code=code, out=root / "copy.pdf") for a in COMMANDS[command]]
    rc = main(["--config", str(root / "kiosk.toml"), *args])
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line(rc: int, err: str, *words: str) -> None:
    assert rc == EXIT_BROKEN, err
    assert len(err.splitlines()) == 1 and err.startswith("kiosk: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("command", COMMANDS)
def test_the_station_works(
    station: tuple[Path, str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, err = run(*station, command, capsys)
    assert (rc, err) == (0, ""), out


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("broken", "words"),
    [
        (b"hello, this is a shopping list, not a database" * 40, ["not a database"]),
        (None, ["damaged"]),  # truncated to its first two pages
    ],
    ids=["not a database", "truncated"],
)
def test_a_broken_database_file(
    station: tuple[Path, str],
    command: str,
    broken: bytes | None,
    words: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = station[0] / "data" / "kiosk.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.write_bytes(broken if broken is not None else database.read_bytes()[:8192])
    rc, _out, err = run(*station, command, capsys)
    assert_one_line(rc, err, "database", *words)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "db upgrade"])
def test_a_truncated_data_key(
    station: tuple[Path, str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = station[0] / "data" / "data.key"
    key.write_bytes(key.read_bytes()[:31])
    rc, _out, err = run(*station, command, capsys)
    assert_one_line(rc, err, "data key", "31 bytes")
    assert len(key.read_bytes()) == 31  # left for the officer to restore, not replaced


@pytest.mark.parametrize("command", ["status", "receipt"])
def test_a_truncated_slip_key(
    station: tuple[Path, str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = station[0] / "data" / "slip.key"
    key.write_bytes(key.read_bytes()[:31])
    rc, _out, err = run(*station, command, capsys)
    assert_one_line(rc, err, "slip key", "31 bytes")


@pytest.fixture
def write_lock(station: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another program (a backup, a second kiosk's long transaction) holds the write lock."""
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 100)  # give up after 0.1 s, not 5
    conn = sqlite3.connect(station[0] / "data" / "kiosk.sqlite3", isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    yield
    conn.close()


@pytest.mark.usefixtures("write_lock")
@pytest.mark.parametrize("command", COMMANDS)
def test_under_another_writers_lock(
    station: tuple[Path, str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _out, err = run(*station, command, capsys)
    if command in WRITERS:
        assert_one_line(rc, err, "locked", "try again")
    else:  # reading is not held up by a writer (WAL)
        assert (rc, err) == (0, "")


@pytest.fixture
def full_disk(station: tuple[Path, str], tmp_path: Path) -> Iterator[Path]:
    """The station on a 2 MB tmpfs, filled up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], check=False).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copytree(station[0], disk / "station")
        write_config(disk / "station" / "data")
        with (disk / "filler").open("wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        yield disk / "station"
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.mark.parametrize("command", COMMANDS)
def test_on_a_full_disk(
    full_disk: Path, station: tuple[Path, str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _out, err = run(full_disk, station[1], command, capsys)
    if command in ("status", "print queue", "db upgrade") and rc == 0:
        assert err == ""  # reading needs no space (nor does an upgrade with nothing to do)
        return
    assert_one_line(rc, err)
    assert any(word in err for word in ("full", "No space left", "cannot be read or written")), err
