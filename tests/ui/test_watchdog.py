"""The watchdog pings come from the Qt event loop: they stop when the loop is blocked."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from tests.waits import WAIT_MS
from ui.watchdog import Watchdog


def test_pings_while_the_loop_runs_and_not_while_it_hangs(qtbot) -> None:  # type: ignore[no-untyped-def]
    sent: list[str] = []
    dog = Watchdog({"WATCHDOG_USEC": "400000"}, send=sent.append)  # ping every 0.2 s
    assert dog.interval == 0.2
    dog.ready()
    qtbot.waitUntil(lambda: sent.count("WATCHDOG=1") >= 2, timeout=WAIT_MS)
    before = sent.count("WATCHDOG=1")
    done: list[bool] = []

    def hang() -> None:
        time.sleep(1.0)  # the event loop is stuck: no ping may be sent meanwhile
        done.append(sent.count("WATCHDOG=1") == before)

    QTimer.singleShot(0, hang)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert done == [True]
    assert sent[0] == "READY=1"
    dog.stopping()
    assert sent[-1] == "STOPPING=1"


def test_no_watchdog_no_pings(qtbot) -> None:  # type: ignore[no-untyped-def]
    sent: list[str] = []
    dog = Watchdog({}, send=sent.append)
    assert dog.interval is None
    qtbot.wait(300)
    assert sent == []


def test_the_kiosk_says_ready_after_its_first_paint_and_pings(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`kiosk run` under systemd: READY=1 once the idle screen painted, then WATCHDOG=1 pings, then
    STOPPING=1 when it closes — through a real notify socket."""
    import socket

    from kiosk.config import load_config
    from ui.app import KioskUi

    address = str(tmp_path / "notify")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(address)
    server.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    monkeypatch.setenv("WATCHDOG_USEC", "400000")
    received: list[bytes] = []

    def drain() -> list[bytes]:
        while True:
            try:
                received.append(server.recv(100))
            except BlockingIOError:
                return received

    config = load_config(overrides={"paths.data_dir": str(tmp_path / "data")}, demo=True, environ={})
    ui = KioskUi(config, windowed=True)
    qtbot.addWidget(ui.window)
    try:
        ui.show()
        qtbot.waitUntil(lambda: b"READY=1" in drain(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: drain().count(b"WATCHDOG=1") >= 2, timeout=WAIT_MS)
    finally:
        ui.close()
        drain()
        server.close()
    assert received[-1] == b"STOPPING=1"
