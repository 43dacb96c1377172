"""Starts the Qt kiosk: paint the idle screen first, then load the rest in the background."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ports.voice import Silent, Voice
from ui.lockdown import Lockdown
from ui.qt_runner import QtRunner
from ui.watchdog import Watchdog

WINDOWED_SIZE = (1366, 768)  # `kiosk run --windowed` (development): the smaller common panel

if TYPE_CHECKING:
    from devices.audio.headset import HeadsetWatch
    from devices.scanner.serial import SerialLineReader
    from kiosk.config import Config
    from ui.scan_filter import ScanKeyFilter

log = logging.getLogger(__name__)


class FirstPaint(QObject):
    """Calls `then` once, after the watched widget has painted for the first time."""

    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self._then: Callable[[], None] | None = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            QTimer.singleShot(0, self, then)  # after this paint has reached the screen
        return False


class TouchWatcher(QObject):
    """Any touch or click anywhere counts as activity for the idle timeout."""

    def __init__(self, on_touch: Callable[[], None]) -> None:
        super().__init__()
        self._on_touch = on_touch

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress):
            self._on_touch()
        return False


class KioskUi:
    """The Qt side of a running kiosk: window, timers and background warm-up."""

    def __init__(self, config: Config, *, windowed: bool, voice: Voice | None = None) -> None:
        from kiosk.app.root import build_app  # the core: imported once the first frame is up (`run`)
        from ui.accessibility import Accessibility
        from ui.compose import kiosk_window

        self.runner = QtRunner()
        self.app = build_app(config, self.runner)
        self.window = kiosk_window(
            self.app, voice or Silent(), screen_size(windowed), QApplication.primaryScreen()
        )
        self.window.allow_close = windowed
        self.accessibility = Accessibility(
            self.window,
            self.window.voice,
            key=config.ui.accessibility_key,
            hold_seconds=config.ui.accessibility_hold_seconds,
        )
        self.headset: HeadsetWatch | None = None  # started after the first paint
        self.lockdown = Lockdown()  # no way out for a citizen: escape keys, menus, drops
        self.ticker = QTimer()
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.app.journey.tick)
        self.ticker.timeout.connect(self._refresh_countdown)
        self.touch_watcher = TouchWatcher(self.app.journey.touch)
        self.serial_scanner: SerialLineReader | None = None
        self.scan_filter: ScanKeyFilter | None = None  # installed after the first paint
        self.windowed = windowed
        self.closed = False
        self.watchdog = Watchdog()  # systemd: READY=1 at the first paint, pings from this event loop
        self.first_frame_gone: FirstPaint | None = None  # `run`: closes the first frame

    def _refresh_countdown(self) -> None:
        if self.app.journey.state().idle_warning:
            self.window.show_state(self.app.journey.state())

    def show(self) -> None:
        self.window.kiosk_mode = not self.windowed
        present(self.window, windowed=self.windowed)
        qt_app = QApplication.instance()
        if qt_app is not None:
            qt_app.installEventFilter(self.touch_watcher)
            qt_app.installEventFilter(self.accessibility)  # before the scan filter: it runs after it
            qt_app.installEventFilter(self.lockdown)
            if self.window.officer is not None:  # its corner taps, and touches keeping it signed in
                qt_app.installEventFilter(self.window.officer)
        self.ticker.start()
        # After the first paint, off the UI thread: the card reader (chip crypto) and the database.
        # Started earlier, those imports would compete with the first paint for the interpreter lock.
        self.first_paint = FirstPaint(self._warm_up)
        self.window.installEventFilter(self.first_paint)

    def _start_scanners(self) -> None:
        """QR scanners: keyboard-wedge (keys filtered application-wide) or a serial line reader."""
        from kiosk.status import route_scan
        from ui.scan_filter import ScanKeyFilter

        self.scan_filter = ScanKeyFilter.for_journey(self.app.journey)
        qt_app = QApplication.instance()
        if qt_app is not None:
            qt_app.installEventFilter(self.scan_filter)
        port = self.app.config.scanner.serial_port
        if port:
            from devices.scanner.serial import SerialLineReader

            def on_line(line: str) -> None:
                self.runner.post(lambda: route_scan(self.app.journey, line) and None)

            self.serial_scanner = SerialLineReader(str(port))
            self.serial_scanner.start(on_line)

    def _start_headset(self) -> None:
        """Plugging in a headset turns accessibility mode on, where the sound card senses its jack."""
        from devices.audio.headset import HeadsetWatch

        self.headset = HeadsetWatch()
        if not self.headset.available:
            log.info("no headset jack sensing: accessibility mode by the held key only")
            return

        def on_change(plugged: bool) -> None:
            if plugged:
                self.runner.post(self.accessibility.turn_on)

        self.headset.start(on_change)

    def _warm_up(self) -> None:
        if self.closed:  # first painted only as it closed: start no worker, install no filter
            return
        self.watchdog.ready()
        # What happens without a citizen (outbox delivery, the waiting citizen's receipt) runs on
        # the station worker's own thread, never on the UI thread.
        self.app.worker.start()
        self.window.prebuild()
        self._start_scanners()
        self._start_headset()
        self.runner.run(
            self.app.controller.start,
            lambda _r: None,
            lambda exc: log.error("card reader start failed: %s", exc),
        )
        self.runner.run(
            self.app.store, lambda _r: None, lambda exc: log.error("database start failed: %s", exc)
        )

    def close(self) -> None:
        self.closed = True
        self.watchdog.stopping()
        self.ticker.stop()
        if not self.app.worker.stop():
            log.error("the station worker did not stop in time")
        if self.serial_scanner is not None:
            self.serial_scanner.stop()
        if self.headset is not None:
            self.headset.stop()
        qt_app = QApplication.instance()
        if qt_app is not None:  # application-wide filters would outlive this kiosk (and eat keys)
            qt_app.removeEventFilter(self.touch_watcher)
            qt_app.removeEventFilter(self.accessibility)
            qt_app.removeEventFilter(self.lockdown)
            if self.window.officer is not None:
                qt_app.removeEventFilter(self.window.officer)
            if self.scan_filter is not None:
                qt_app.removeEventFilter(self.scan_filter)
        self.app.controller.stop()
        self.runner.wait()


def screen_size(windowed: bool) -> tuple[int, int]:
    """The screen's size in pixels; `WINDOWED_SIZE` for a development window."""
    screen = QApplication.primaryScreen()
    if windowed or screen is None:
        return WINDOWED_SIZE
    return (screen.geometry().width(), screen.geometry().height())


def present(window: QWidget, *, windowed: bool) -> None:
    """Windowed at `WINDOWED_SIZE` (development), else full screen, frameless, on top."""
    if windowed:
        window.resize(*WINDOWED_SIZE)
        window.show()
    else:
        window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        window.showFullScreen()
        QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)


def run(config: Config, *, windowed: bool) -> int:
    """The first frame (the idle screen from Qt and the phrases) paints before the core is even
    imported; the kiosk is built behind it on the next turn of the event loop and takes its place."""
    from ui.compose import FirstFrame

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.theme import Metrics

    metrics = Metrics.of(*screen_size(windowed), config.ui.screen_diagonal_inch, QApplication.primaryScreen())
    first = FirstFrame(config.ui.theme, metrics, config.ui.language)
    kiosk: list[KioskUi] = []

    def close_first_frame() -> None:
        first.close()
        first.deleteLater()  # its widgets and its 1366×768 backing store (~4 MB)

    def build() -> None:
        # The frame is painted into the backing store but may still sit in the client's buffer to
        # the display server: send it and wait for it to be drawn before the imports hold the loop.
        QGuiApplication.sync()
        from kiosk.app.root import make_voice

        ui = KioskUi(config, windowed=windowed, voice=make_voice(config))
        kiosk.append(ui)
        ui.show()
        ui.first_frame_gone = FirstPaint(close_first_frame)  # once the kiosk has painted
        ui.window.installEventFilter(ui.first_frame_gone)

    painted = FirstPaint(build)
    first.installEventFilter(painted)
    present(first, windowed=windowed)
    code = qt_app.exec()
    for ui in kiosk:
        ui.close()
    return int(code)
