"""A chip that stops answering, or vanishes, mid-read: through the real pcscd and vpcd.

The emulated CCCD runs in its own process (`kiosk card emulate`), so that it can be frozen with
SIGSTOP (the TCP connection stays up, vpcd waits for an answer that never comes: a weak field)
or killed (the card leaves the reader). The tests assert on the outcome and on the threads left
behind; how long each takes is measured in bench/card_failure.py, not asserted here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.vpcd import VPCD_READER
from devices.card.pcsc import PcscCardReader
from kiosk.ports.card import AccessKey, CardError, CardErrorReason, ReadProgress

pytestmark = pytest.mark.pcscd

CITIZEN_INDEX, CITIZEN_ID = 3, "049098007788"


KIOSK = [sys.executable, "-m", "kiosk.app.cli"]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


class EmulatorProcess:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [*KIOSK, "card", "emulate", "--index", str(CITIZEN_INDEX), "--large-photo"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and "emulating" in self.process.stdout.readline()

    def signal(self, signum: int) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signum)

    def end(self) -> None:
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def emulator(pcscd: None) -> Iterator[EmulatorProcess]:
    probe = PcscCardReader(VPCD_READER)
    wait_for(lambda: not probe.card_present(), what="an empty vpcd reader")
    card = EmulatorProcess()
    try:
        wait_for(probe.card_present, what="the emulated card on the vpcd reader")
        yield card
    finally:
        card.end()
        # After a frozen chip pcscd's vpcd driver may still be waiting out the exchange it was in
        # before it sees the emulator gone (once over 10 s in a loaded CI run).
        wait_for(lambda: not probe.card_present(), what="the card to leave the vpcd reader", seconds=40)


def _reader() -> PcscCardReader:
    return PcscCardReader(VPCD_READER, trust_dir=TEST_TRUST_DIR)


def _read_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("pcsc")]


def _at_photo(action: Callable[[], None]) -> Callable[[ReadProgress], None]:
    """A progress callback that runs `action` once, a few blocks into DG2 (the face)."""
    done = threading.Event()

    def progress(step: ReadProgress) -> None:
        if step.stage == "DG2" and step.done > 2_000 and not done.is_set():
            done.set()
            action()

    return progress


def test_frozen_chip_mid_photo_times_out_and_leaves_no_thread(emulator: EmulatorProcess) -> None:
    reader = _reader()
    key = AccessKey.from_id_number(CITIZEN_ID)
    with pytest.raises(CardError) as info:
        reader.read(key, _at_photo(lambda: emulator.signal(signal.SIGSTOP)))
    assert info.value.reason is CardErrorReason.TIMEOUT
    assert _read_threads() == []
    # Thawed, the same card reads in full: the abandoned transaction left nothing locked.
    emulator.signal(signal.SIGCONT)
    card = reader.read(key)
    assert card.holder.id_number == CITIZEN_ID and card.photo is not None


def test_a_read_while_the_chip_stays_frozen_times_out_too(emulator: EmulatorProcess) -> None:
    reader = _reader()
    key = AccessKey.from_id_number(CITIZEN_ID)
    with pytest.raises(CardError) as first:
        reader.read(key, _at_photo(lambda: emulator.signal(signal.SIGSTOP)))
    # pcscd itself still waits for the frozen card: the next read must not hang on it either.
    with pytest.raises(CardError) as second:
        reader.read(key)
    assert (first.value.reason, second.value.reason) == (CardErrorReason.TIMEOUT, CardErrorReason.TIMEOUT)
    assert _read_threads() == []


def test_chip_killed_mid_photo_is_card_removed(emulator: EmulatorProcess) -> None:
    reader = _reader()
    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_id_number(CITIZEN_ID), _at_photo(lambda: emulator.signal(signal.SIGKILL)))
    assert info.value.reason is CardErrorReason.CARD_REMOVED, info.value.detail
    assert _read_threads() == []


def test_card_read_cli_exits_on_a_frozen_chip(emulator: EmulatorProcess) -> None:
    emulator.signal(signal.SIGSTOP)
    done = subprocess.run(
        [*KIOSK, "card", "read", "--reader", VPCD_READER, "--id", CITIZEN_ID,
         "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["error"] == "timeout"
