"""How long a failed read takes to tell the citizen, through pcscd + vpcd, beside a good read.

    .venv/bin/python bench/card_failure.py [--runs N]

Starts pcscd (unless one is running) and the emulated CCCD in its own process (`kiosk card
emulate --large-photo`). For each run: a full read (the reference), a read during which the
emulator is frozen with SIGSTOP a few blocks into the photo, and one during which it is killed
there. Times are from the signal to the `CardError`; the target is 6 s for the frozen chip
(`APDU_TIMEOUT` + `CANCEL_GRACE` bound it). Also `kiosk card read` in a fresh process on a chip
frozen before the read: its whole run, start to exit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devices.card.emulated.pki import TEST_TRUST_DIR  # noqa: E402
from devices.card.emulated.vpcd import VPCD_READER  # noqa: E402
from devices.card.pcsc import APDU_TIMEOUT, CANCEL_GRACE, PcscCardReader  # noqa: E402
from kiosk.ports.card import AccessKey, CardError, ReadProgress  # noqa: E402

KIOSK = [sys.executable, "-m", "kiosk.app.cli"]
INDEX, ID = 3, "049098007788"


def wait(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 15
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the emulated card did not come or go")
        time.sleep(0.02)


def emulator() -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [*KIOSK, "card", "emulate", "--index", str(INDEX), "--large-photo"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and "emulating" in process.stdout.readline()
    return process


def end(process: subprocess.Popen[str], probe: PcscCardReader) -> None:
    for signum in (signal.SIGCONT, signal.SIGKILL):
        if process.poll() is None:
            os.kill(process.pid, signum)
    process.wait()
    wait(lambda: not probe.card_present())


def failed_read(probe: PcscCardReader, signum: int) -> tuple[float, str]:
    """Seconds from the signal, a few blocks into DG2, to the CardError; and its reason."""
    process = emulator()
    wait(probe.card_present)
    sent: list[float] = []

    def progress(step: ReadProgress) -> None:
        if step.stage == "DG2" and step.done > 2_000 and not sent:
            os.kill(process.pid, signum)
            sent.append(time.perf_counter())

    try:
        PcscCardReader(VPCD_READER, trust_dir=TEST_TRUST_DIR).read(AccessKey.from_id_number(ID), progress)
    except CardError as exc:
        return time.perf_counter() - sent[0], exc.reason.value
    finally:
        end(process, probe)
    raise SystemExit("the read did not fail")


def good_read(probe: PcscCardReader) -> float:
    process = emulator()
    wait(probe.card_present)
    try:
        started = time.perf_counter()
        PcscCardReader(VPCD_READER, trust_dir=TEST_TRUST_DIR).read(AccessKey.from_id_number(ID))
        return time.perf_counter() - started
    finally:
        end(process, probe)


def cli_on_frozen(probe: PcscCardReader) -> tuple[float, int]:
    process = emulator()
    wait(probe.card_present)
    os.kill(process.pid, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        done = subprocess.run(
            [*KIOSK, "card", "read", "--reader", VPCD_READER, "--id", ID, "--json"],
            capture_output=True,
            timeout=60,
        )
        return time.perf_counter() - started, done.returncode
    finally:
        end(process, probe)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    probe = PcscCardReader(VPCD_READER)
    pcscd = None
    if VPCD_READER not in probe.readers():
        pcscd = subprocess.Popen([shutil.which("pcscd") or "/usr/sbin/pcscd", "--foreground"])
        wait(lambda: VPCD_READER in probe.readers())
    try:
        rows: dict[str, list[float]] = {"good": [], "frozen": [], "killed": [], "cli": []}
        reasons: set[str] = set()
        for _ in range(args.runs):
            rows["good"].append(good_read(probe))
            seconds, reason = failed_read(probe, signal.SIGSTOP)
            rows["frozen"].append(seconds)
            reasons.add(f"frozen → {reason}")
            seconds, reason = failed_read(probe, signal.SIGKILL)
            rows["killed"].append(seconds)
            reasons.add(f"killed → {reason}")
            seconds, code = cli_on_frozen(probe)
            rows["cli"].append(seconds)
            reasons.add(f"cli exit {code}")
        settings = f"APDU_TIMEOUT {APDU_TIMEOUT} s, CANCEL_GRACE {CANCEL_GRACE} s"
        print(f"{settings}; {args.runs} runs; {sorted(reasons)}")
        print("| case | median | max |\n| --- | --- | --- |")
        labels = {
            "good": "full read with ~20 KB photo (reference)",
            "frozen": "chip frozen (SIGSTOP) mid-photo → TIMEOUT",
            "killed": "chip killed mid-photo → CARD_REMOVED",
            "cli": "`kiosk card read`, fresh process, chip frozen: start to exit",
        }
        for name, values in rows.items():
            print(f"| {labels[name]} | {statistics.median(values):.2f} s | {max(values):.2f} s |")
        print(f"threads left: {[t.name for t in threading.enumerate() if t.name.startswith('pcsc')]}")
    finally:
        if pcscd is not None:
            pcscd.terminate()
            pcscd.wait()


if __name__ == "__main__":
    main()
