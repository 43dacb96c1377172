"""No hang, no traceback: APDU timeouts, monitor-thread failures, and a Qt-free core."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from devices.card import pcsc
from kiosk.ports.card import CardError, CardErrorReason, CardEvent, CardEventKind


def test_a_pcsc_call_that_hangs_times_out() -> None:
    session = pcsc._PcscSession(timeout=0.2)
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(CardError) as info:
        session.call(release.wait, 5)
    assert info.value.reason is CardErrorReason.TIMEOUT
    assert time.monotonic() - started < 1.5
    release.set()
    session._pool.shutdown(wait=True)


class FlakyScard(SimpleNamespace):
    """Enough of smartcard.scard for the monitor: one reader, a card, then pcscd dies."""

    def __init__(self) -> None:
        super().__init__(
            SCARD_S_SUCCESS=0,
            SCARD_E_NO_READERS_AVAILABLE=0x8010002E,
            SCARD_E_TIMEOUT=0x8010000A,
            SCARD_E_CANCELLED=0x80100002,
            SCARD_E_NO_SERVICE=0x8010001D,
            SCARD_E_SERVICE_STOPPED=0x8010001E,
            SCARD_SCOPE_USER=0,
            SCARD_STATE_UNAWARE=0,
            SCARD_STATE_PRESENT=0x20,
        )
        self.calls = 0

    def SCardEstablishContext(self, scope: int) -> tuple[int, int]:
        return 0, 1

    def SCardReleaseContext(self, context: int) -> int:
        return 0

    def SCardCancel(self, context: int) -> int:
        return 0

    def SCardGetErrorMessage(self, hresult: int) -> str:
        return f"error {hresult:X}"

    def SCardListReaders(self, context: int, groups: list[str]) -> tuple[int, list[str]]:
        self.calls += 1
        if self.calls > 3:
            raise OSError("pcscd went away")  # what a dying daemon looks like from the binding
        return 0, ["Reader A"]

    def SCardGetStatusChange(self, context: int, timeout: int, states: list[Any]) -> tuple[int, list[Any]]:
        present = 0x20 if self.calls >= 2 else 0
        return 0, [(name, present, []) for name, _ in states]


def test_monitor_turns_failures_into_events(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FlakyScard()
    monkeypatch.setattr(pcsc, "_scard", lambda: fake)
    events: list[CardEvent] = []
    done = threading.Event()

    def listener(event: CardEvent) -> None:
        events.append(event)
        if event.kind is CardEventKind.READER_REMOVED:
            done.set()

    reader = pcsc.PcscCardReader(poll_seconds=0.01)
    reader.start(listener)
    try:
        assert done.wait(5)
    finally:
        reader.stop()
    assert [e.kind for e in events[:4]] == [
        CardEventKind.READER_ATTACHED,
        CardEventKind.CARD_INSERTED,
        CardEventKind.CARD_REMOVED,
        CardEventKind.READER_REMOVED,
    ]
    assert {e.reader for e in events} == {"Reader A"}


def test_device_code_imports_without_qt() -> None:
    code = """
import importlib, pkgutil, sys
sys.modules["PySide6"] = None  # any PySide6 import now fails
import devices.card
for module in pkgutil.walk_packages(devices.card.__path__, "devices.card."):
    importlib.import_module(module.name)
importlib.import_module("kiosk.app.cli_card")
assert not any(name.startswith("PySide6") for name in sys.modules if sys.modules[name] is not None)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (0x80100069, CardErrorReason.CARD_REMOVED),  # SCARD_W_REMOVED_CARD
        (0x8010000C, CardErrorReason.CARD_REMOVED),  # SCARD_E_NO_SMARTCARD
        (0x80100017, CardErrorReason.NO_READER),  # SCARD_E_READER_UNAVAILABLE
        (0x8010001D, CardErrorReason.NO_READER),  # SCARD_E_NO_SERVICE (pcscd stopped)
        (0x8010000A, CardErrorReason.TIMEOUT),  # SCARD_E_TIMEOUT
        (0x80100016, CardErrorReason.BAD_RESPONSE),  # SCARD_E_NOT_TRANSACTED (card still there)
    ],
)
def test_pcsc_errors_in_plain_words(code: int, reason: CardErrorReason) -> None:
    assert pcsc._error(code, "transmit").reason is reason
