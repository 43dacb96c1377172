"""`kiosk run`: paint the idle screen first, from Qt, the theme and the phrases alone; then import
the core and build the kiosk behind it (`ui.app.KioskUi`), which takes its place.

Nothing of the kiosk beyond that is imported before the first paint: a station starts this at
every boot and after every power cut, and the citizen in front of it sees the screen come up.
Nor is PySide6's `Qt` namespace touched before it: its first use builds every Qt enum in Python
(~18 ms), so the first frame is presented by `present_first`, and the kiosk's window by `present`.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor, QCursor, QGuiApplication, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

    from kiosk.app.worker_child import ChildProcess
    from kiosk.config import Config
    from ui.app import KioskUi

WINDOWED_SIZE = (1366, 768)  # `kiosk run --windowed` (development): the smaller common panel


class FirstPaint(QObject):
    """Calls `then` once, after the watched widget has painted for the first time."""

    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self._then: Callable[[], None] | None = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from PySide6.QtCore import QEvent  # here: its Python type costs ~1.5 ms, not before a frame

        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            QTimer.singleShot(0, self, then)  # after this paint has reached the screen
        return False


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
        from PySide6.QtCore import Qt

        window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        screen = QApplication.primaryScreen()
        if screen is not None:  # with no window manager (xvfb-run, bare X) nobody else sizes it
            window.setGeometry(screen.geometry())
        window.showFullScreen()
        QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)


def present_first(frame: QWidget, *, windowed: bool) -> None:
    """`present` for the first frame, through no Qt enum (see the module): full screen, its flags
    are set by name on its native window (QWindow's `flags` property; QWidget's own setter takes
    only the enum) and the cursor hidden with a blank picture."""
    if windowed:
        present(frame, windowed=True)
        return
    frame.winId()  # makes its native window, to be given its flags before it is shown
    handle = frame.windowHandle()
    if handle is not None:
        handle.setProperty("flags", "Window|FramelessWindowHint|WindowStaysOnTopHint")
    screen = QApplication.primaryScreen()
    if screen is not None:  # with no window manager (xvfb-run, bare X) nobody else sizes it
        frame.setGeometry(screen.geometry())
    frame.showFullScreen()
    blank = QPixmap(16, 16)
    blank.fill(QColor(0, 0, 0, 0))
    QApplication.setOverrideCursor(QCursor(blank))


def run(config: Config, *, windowed: bool) -> int:
    """The first frame paints before the core is even imported; the kiosk is built behind it on
    the next turn of the event loop and takes its place."""
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.first_frame import FirstFrame
    from ui.theme import Metrics

    metrics = Metrics.of(*screen_size(windowed), config.ui.screen_diagonal_inch, QApplication.primaryScreen())
    first = FirstFrame(
        config.ui.theme, metrics, config.ui.language, config.cache_dir / "pictograms", config.station.name
    )
    kiosk: list[KioskUi] = []
    children: list[ChildProcess] = []

    def close_first_frame() -> None:
        first.close()
        first.deleteLater()  # its widgets and its 1366×768 backing store (~4 MB)

    def make_kiosk() -> None:
        # The frame is painted into the backing store but may still sit in the client's buffer to
        # the display server: send it and wait for it to be drawn before the imports hold the loop.
        QGuiApplication.sync()
        from kiosk.app.card_service import cards_for_run
        from kiosk.app.root import make_voice
        from kiosk.app.worker_child import station_for_run
        from ui.app import KioskUi

        # The station's services (database, printing, keys) live in the station worker process:
        # the one serving this station, or our own child (`kiosk worker`), started once the
        # kiosk's window has painted (`kiosk_painted`). Its interpreter and its database imports
        # would otherwise compete for the two cores with the window being built and drawn;
        # anything the kiosk asks of it before it answers waits for it (`StationLink.call`).
        link, child = station_for_run(config, start=False)
        # The card reader, likewise, in a child of its own (`kiosk card-service`): the chip's
        # stack is not in this process. Started with the worker, once the window has painted.
        card_link, card_child = cards_for_run(config, start=False)
        started = [c for c in (child, card_child) if c is not None]
        children.extend(started)
        ui = KioskUi(config, windowed=windowed, voice=make_voice(config), link=link, card_link=card_link)
        kiosk.append(ui)
        ui.show()

        def kiosk_painted() -> None:
            close_first_frame()
            if started:
                QTimer.singleShot(0, start_children)  # the first idle turn after the paint

        def start_children() -> None:
            if ui.closed:
                return
            QGuiApplication.sync()  # the window's frame drawn by the display server first
            for each in started:
                each.start()

        ui.first_frame_gone = FirstPaint(kiosk_painted)  # once the kiosk has painted
        ui.window.installEventFilter(ui.first_frame_gone)

    def build() -> None:
        try:
            make_kiosk()
        finally:
            # Off since `kiosk run` began (kiosk/app/cli.py): the imports and widgets of the start
            # are made, and from here on a session makes garbage, collected on the UI thread
            # (ui/ui_thread_gc.py) once the kiosk is shown.
            from ui.ui_thread_gc import collector_active

            if not collector_active():
                gc.enable()

    first.when_painted(build)
    present_first(first, windowed=windowed)
    code = qt_app.exec()
    for ui in kiosk:
        ui.close()
    for child in children:
        child.stop()
    return int(code)
