"""The systemd watchdog, pinged from the Qt event loop: if the loop hangs, the pings stop and systemd
restarts the kiosk (a thread pinging would keep a frozen screen alive)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer

from kiosk.app.sd_notify import notify, watchdog_interval


class Watchdog(QObject):
    """`ready()` once the idle screen has painted; WATCHDOG=1 every half WatchdogSec meanwhile."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        send: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self._send = send or (lambda message: notify(message, environ))
        self.interval = watchdog_interval(environ)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.ping)
        if self.interval is not None:
            self._timer.start(max(100, int(self.interval * 1000)))

    def ready(self) -> None:
        self._send("READY=1")

    def ping(self) -> None:
        self._send("WATCHDOG=1")

    def stopping(self) -> None:
        self._timer.stop()
        self._send("STOPPING=1")
