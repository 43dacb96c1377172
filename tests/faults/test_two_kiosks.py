"""Two kiosks on one database file, as two processes: they start together on an empty database,
submit at the same time, and each prints its own citizens' receipts only, each exactly once; a
kiosk's retry pass racing an officer's `kiosk print again` prints every receipt once."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.app.root import make_print_queue, make_storage
from kiosk.config import load_config
from kiosk.ports.printer import PrinterError, PrinterErrorReason, PrintJob
from kiosk.receipt import Receipt

CHILD = Path(__file__).with_name("journey_child.py")


def printed(folder: Path) -> list[str]:
    """Tracking codes of the receipt PDFs in `folder` (named CODE-DATE-TIME.pdf)."""
    return sorted(p.name[:11].replace("-", "") for p in folder.glob("*.pdf"))


def config_file(tmp_path: Path, kiosk: str, data: Path, receipts: Path) -> Path:
    path = tmp_path / f"{kiosk}-{receipts.name}.toml"
    path.write_text(
        f'[paths]\ndata_dir = "{data}"\n[station]\nkiosk_id = "{kiosk}"\n'
        f'[printer]\nbackend = "pdf"\npdf_dir = "{receipts}"\n[card]\nbackend = "emulated"\n'
    )
    return path


def start_together(commands: list[list[str]], go: Path) -> list[subprocess.Popen[str]]:
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    deadline = time.monotonic() + 60
    while len(list(go.parent.glob(f"{go.name}.ready.*"))) < len(procs):  # all ready, waiting
        assert all(p.poll() is None for p in procs) and time.monotonic() < deadline
        time.sleep(0.01)
    go.touch()
    return procs


def finish(proc: subprocess.Popen[str]) -> str:
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-3000:]
    return err


def test_two_kiosks_start_together_on_an_empty_database(tmp_path: Path, check_database: Any) -> None:
    data, go = tmp_path / "data", tmp_path / "go"
    commands = [
        [sys.executable, str(CHILD), str(data), str(tmp_path / f"{k}.txt"), "--journeys", "4",
         "--kiosk-id", k, "--receipts", str(tmp_path / k), "--start-after", str(go)]
        for k in ("kiosk-1", "kiosk-2")
    ]  # fmt: skip
    for proc in start_together(commands, go):
        err = finish(proc)
        assert "locked" not in err and "submission failed" not in err, err[-3000:]
    shown = {k: (tmp_path / f"{k}.txt").read_text().split() for k in ("kiosk-1", "kiosk-2")}
    assert [len(codes) for codes in shown.values()] == [4, 4]  # nobody's first submission failed
    check_database(data / "kiosk.sqlite3", shown["kiosk-1"] + shown["kiosk-2"])
    with sqlite3.connect(data / "kiosk.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        owners = dict(conn.execute("SELECT tracking_code, kiosk_id FROM print_jobs"))
    for kiosk, codes in shown.items():
        assert printed(tmp_path / kiosk) == sorted(codes)  # each citizen's receipt on their kiosk
        assert {owners[c] for c in codes} == {kiosk}


def test_a_kiosk_never_prints_another_kiosks_waiting_receipts(tmp_path: Path, check_database: Any) -> None:
    data = tmp_path / "data"
    gone = tmp_path / "unplugged"
    gone.write_text("kiosk 1's printer is gone")
    k1 = [sys.executable, str(CHILD), str(data), str(tmp_path / "k1.txt"), "--journeys", "6",
          "--kiosk-id", "kiosk-1", "--receipts", str(gone / "receipts")]  # fmt: skip
    k2 = [sys.executable, str(CHILD), str(data), str(tmp_path / "k2.txt"), "--journeys", "6",
          "--kiosk-id", "kiosk-2", "--receipts", str(tmp_path / "k2"), "--officer-pass"]  # fmt: skip
    assert subprocess.run([*k1[:5], "1", *k1[6:]], capture_output=True, check=False).returncode == 0
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in (k1, k2)]
    for proc in procs:
        finish(proc)
    shown_1 = (tmp_path / "k1.txt").read_text().split()
    shown_2 = (tmp_path / "k2.txt").read_text().split()
    assert len(shown_1) == 7 and len(shown_2) == 6
    check_database(data / "kiosk.sqlite3", shown_1 + shown_2)
    # Kiosk 2's officer passes after each journey printed kiosk 2's receipts only.
    assert printed(tmp_path / "k2") == sorted(shown_2)

    gone.unlink()  # kiosk 1's printer is back: its officer prints what waits there
    again = subprocess.run(
        [sys.executable, "-m", "kiosk.app.cli", "--config",
         str(config_file(tmp_path, "kiosk-1", data, gone / "receipts")), "print", "again"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert again.returncode == 0 and again.stdout.strip() == "printed 7", again.stdout + again.stderr
    assert printed(gone / "receipts") == sorted(shown_1)
    assert printed(tmp_path / "k2") == sorted(shown_2)


class WaitsForTheOfficer:
    """The kiosk's printer: its first print holds until the officer's process has printed one,
    so the two passes are certainly printing at the same time."""

    def __init__(self, officer_out: Path, out: Path) -> None:
        from devices.printer.pdf import PdfPrinter

        self.officer_out = officer_out
        self.pdf = PdfPrinter(out)
        self.working = False
        self.waited = False

    def __call__(self) -> Any:
        return self

    def print_receipt(self, receipt: Receipt) -> PrintJob:
        if not self.working:
            raise PrinterError(PrinterErrorReason.PAPER_OUT, "roll empty")
        if not self.waited:
            deadline = time.monotonic() + 60
            while not list(self.officer_out.glob("*.pdf")):
                assert time.monotonic() < deadline, "the officer's pass never printed"
                time.sleep(0.005)
            self.waited = True
        return self.pdf.print_receipt(receipt)


def test_the_retry_pass_racing_an_officers_print_again_prints_each_receipt_once(tmp_path: Path) -> None:
    from devices.printer.sample import sample_receipt
    from kiosk.trackcode import display, new_code

    data, kiosk_out, officer_out = tmp_path / "data", tmp_path / "kiosk", tmp_path / "officer"
    config = load_config(config_file(tmp_path, "kiosk-1", data, kiosk_out))
    printer = WaitsForTheOfficer(officer_out, kiosk_out)
    queue = make_print_queue(config, make_storage(config), printer)
    told: list[int] = []
    jobs = []
    for i in range(20):  # paper out: twenty citizens wait at their done screens
        receipt = dataclasses.replace(sample_receipt(), tracking_code=display(new_code()))
        job = queue.enqueue(receipt, dt.datetime.now(dt.UTC))
        jobs.append(job)
        with contextlib.suppress(PrinterError):
            queue.print_for_citizen(job, lambda i=i: told.append(i))
    printer.working = True  # paper loaded; the worker retries while the officer types `print again`
    officer = subprocess.Popen(
        [sys.executable, "-m", "kiosk.app.cli", "--config",
         str(config_file(tmp_path, "kiosk-1", data, officer_out)), "print", "again"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    while queue.pending() or officer.poll() is None:
        queue.retry_for_citizen()
    queue.retry_for_citizen()  # the last ones the officer printed: their citizens are told
    out, err = officer.communicate(timeout=60)
    assert officer.returncode == 0, out + err
    by_kiosk, by_officer = printed(kiosk_out), printed(officer_out)
    assert by_kiosk and by_officer  # both printed: they really raced
    assert sorted(by_kiosk + by_officer) == sorted({*by_kiosk, *by_officer})  # nothing twice
    assert len(by_kiosk) + len(by_officer) == 20
    assert sorted(told) == list(range(20))


# Two processes open one empty database at the same instant, ROUNDS times over: the schema start-up
# check and migration alone (what `make_storage` does first), without the rest of the kiosk.
_MIGRATE = """
import sys, time
from pathlib import Path
from db.engine import make_engine
from db.schema import ensure_schema, schema_revision
url, go = sys.argv[1], Path(sys.argv[2])
engine = make_engine(url)
Path(f"{go}.ready.{sys.argv[3]}").touch()
while not go.exists():
    time.sleep(0.0005)
ensure_schema(engine, url)
print(schema_revision(engine))
"""


def test_concurrent_first_starts_create_the_schema_once(tmp_path: Path) -> None:
    from db.schema import SCHEMA_REVISION

    for round_ in range(3):
        url = f"sqlite:///{tmp_path / f'{round_}.sqlite3'}"
        go = tmp_path / f"go{round_}"
        commands = [[sys.executable, "-c", _MIGRATE, url, str(go), str(i)] for i in range(2)]
        for proc in start_together(commands, go):
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, f"round {round_}: {err[-1500:]}"
            assert out.split() == [SCHEMA_REVISION]
        with sqlite3.connect(tmp_path / f"{round_}.sqlite3") as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_REVISION,)]
