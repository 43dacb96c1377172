"""Fixtures for the chip-card tests: the fictional citizens, an emulated reader, and a real pcscd.

The `pcscd` fixture fails — never skips — when pcscd cannot start: CI runs as root with the
packages of scripts/setup.sh. The emulated card reaches vpcd over loopback only (127.0.0.1:35963).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.card.emulated import face
from devices.card.emulated.personalise import PassportProfile
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.emulated.vpcd import VPCD_READER, VirtualCardSlot
from devices.card.pcsc import PcscCardReader
from devices.card.profiles import CitizenProfile, load_profiles

CITIZENS = Path(__file__).parents[3] / "resources" / "demo" / "citizens.json"


@pytest.fixture(scope="session")
def citizens() -> list[CitizenProfile]:
    return load_profiles()


@pytest.fixture(scope="session")
def guest_passport() -> PassportProfile:
    raw = json.loads(CITIZENS.read_text("utf-8"))["foreign_guests"][0]
    return PassportProfile.from_dict(raw)


def declare_jpeg_size(jpeg: bytes, width: int, height: int) -> bytes:
    """`jpeg` with its frame header (SOF0, ITU T.81 §B.2.2) claiming `width` × `height` pixels."""
    at = jpeg.index(b"\xff\xc0") + 5  # marker, Lf (2), P (1), then Y (2) and X (2)
    return jpeg[:at] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + jpeg[at + 4 :]


@pytest.fixture(scope="session")
def jpeg_declaring() -> Callable[[bytes, int, int], bytes]:
    return declare_jpeg_size


@pytest.fixture(scope="session")
def face_bomb() -> bytes:
    """A 3 KB JPEG face declaring 65535 × 65535 pixels (4.3 Gpx): a decompression bomb."""
    jpeg, _, _ = face.make_face_jpeg("bomb")
    return declare_jpeg_size(jpeg, 0xFFFF, 0xFFFF)


@pytest.fixture
def reader() -> EmulatedCardReader:
    return EmulatedCardReader()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A pcscd with the vpcd reader for one test file: ours (`pcscd --foreground --apdu`), or
    one already running.

    Only one pcscd can run per machine (it owns /run/pcscd/pcscd.comm) and vpcd has one port, so
    a file's pcscd tests hold a machine-wide lock while they run: the suite's two xdist workers
    (each file on one worker) take turns. A running daemon that already serves the vpcd reader is
    used as is and left running.
    """
    with _machine_lock(PCSCD_LOCK):
        yield from _pcscd(tmp_path_factory)


PCSCD_LOCK = Path(tempfile.gettempdir()) / "kiosk-tests-pcscd.lock"


@contextlib.contextmanager
def _machine_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        yield


def _pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    probe = PcscCardReader()
    if VPCD_READER in probe.readers():
        yield
        return
    binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
    if not Path(binary).exists():
        pytest.fail("pcscd is not installed (scripts/setup.sh installs pcscd and vsmartcard-vpcd)")
    if not Path("/etc/reader.conf.d/vpcd").exists():
        pytest.fail("the vpcd driver config /etc/reader.conf.d/vpcd is missing (vsmartcard-vpcd)")
    log_path = tmp_path_factory.mktemp("pcscd") / "pcscd.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([binary, "--foreground", "--apdu"], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while VPCD_READER not in probe.readers():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"pcscd did not start with the vpcd reader:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.05)
    yield
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def vpcd_slot(pcscd: None) -> Iterator[VirtualCardSlot]:
    slot = VirtualCardSlot()
    slot.start()
    yield slot
    slot.stop()
    probe = PcscCardReader(VPCD_READER)
    wait_for(lambda: not probe.card_present(), what="the card to leave the vpcd reader")
