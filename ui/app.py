"""The running Qt kiosk: its window, timers, event filters and the background warm-up.

`ui.launch.run` shows the first frame before this module is even imported."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.flow.state import Phase
from kiosk.ports.voice import Silent, Voice
from ui.app_events import AppEvents
from ui.heap import HeapRelease
from ui.launch import FirstPaint, present, screen_size
from ui.lockdown import Lockdown
from ui.qt_runner import QtRunner
from ui.watchdog import Watchdog

if TYPE_CHECKING:
    from devices.audio.headset import HeadsetWatch
    from devices.scanner.serial import SerialLineReader
    from kiosk.app.channel import StationLink
    from kiosk.config import Config
    from ui.scan_filter import ScanKeyFilter

log = logging.getLogger(__name__)
UI_SWITCH_INTERVAL_S = 0.001  # how long the UI thread may wait for the interpreter lock (`show`)


def warm_addresses() -> None:
    """The country's unit tables, which every card read's address needs (`today_address`):
    loaded at the warm-up rather than while the first citizen waits for their card."""
    import ui.widgets.address_picker  # noqa: F401  (its module: first imported by the first address step)
    from kiosk.addresses import provinces

    provinces()


def warm_image_decoder() -> None:
    """Qt's JPEG plugin, which decodes the chip's face for the identity screen: loaded and run
    once at the warm-up (off the UI thread: QImage is reentrant), so that the first citizen's
    journey does not map it (~0.3–0.45 MB, bench/journey_memory.py --smaps)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QColor, QImage

    image = QImage(32, 32, QImage.Format.Format_RGB32)
    image.fill(QColor(120, 90, 60))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG")  # type: ignore[call-overload]  # the stubs say bytes; it takes a str
    buffer.close()
    face = QImage()
    if not face.loadFromData(data, "JPEG"):  # named: no probing of every plugin (ui.screens.identity)
        raise RuntimeError("Qt has no JPEG decoder: the chip's face will not show")
    face.scaled(200, 270, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class TouchWatcher(QObject):
    """Any touch or click anywhere counts as activity for the idle timeout."""

    EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)

    def __init__(self, on_touch: Callable[[], None]) -> None:
        super().__init__()
        self._on_touch = on_touch

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.EVENTS:
            self._on_touch()
        return False


class KioskUi:
    """The Qt side of a running kiosk: window, timers and background warm-up."""

    def __init__(
        self,
        config: Config,
        *,
        windowed: bool,
        voice: Voice | None = None,
        link: StationLink | None = None,
        card_link: StationLink | None = None,
    ) -> None:
        from kiosk.app.root import build_app  # the core: imported once the first frame is up (`run`)
        from ui.accessibility import Accessibility
        from ui.compose import kiosk_window

        self.runner = QtRunner()
        # `link`, `card_link`: the channels of a station worker and of a card service (`kiosk
        # run`); without them, those are served on threads of this process, over the same
        # channels (tests).
        self.app = build_app(config, self.runner, link=link, card_link=card_link)
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
        self.events = AppEvents()  # the one application-wide filter; the others are asked through it
        self.serial_scanner: SerialLineReader | None = None
        self.scan_filter: ScanKeyFilter | None = None  # installed after the first paint
        self.windowed = windowed
        self.closed = False
        self.watchdog = Watchdog()  # systemd: READY=1 at the first paint, pings from this event loop
        self.first_frame_gone: FirstPaint | None = None  # `run`: closes the first frame
        # A finished session's freed memory goes back to the system once the kiosk is idle again.
        self.heap = HeapRelease(
            lambda: self.app.journey.state().phase is Phase.IDLE, busy=lambda: self.window.prebuilding
        )
        self.app.journey.subscribe(self.heap.heard)

    def _refresh_countdown(self) -> None:
        if self.app.journey.state().idle_warning:
            self.window.show_state(self.app.journey.state())

    def show(self) -> None:
        from ui.ui_thread_gc import collector

        if not getattr(self, "_collecting", False):  # garbage (Qt objects in it) freed on this thread
            collector().acquire()
            self._collecting = True
            # A card read runs Python on a pool thread (secure messaging; in demo, the chip too).
            # The UI thread gives the interpreter lock up at every Qt call that lets threads run
            # and waited up to the default 5 ms for it back each time: 50-100 ms stalls while a
            # screen was drawn during a read (bench/stalls.py). 1 ms bounds each wait.
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        self.window.kiosk_mode = not self.windowed
        present(self.window, windowed=self.windowed)
        qt_app = QApplication.instance()
        if qt_app is not None:
            # Each added filter is asked before those added earlier; the scan filter, added
            # after the first paint, is asked first.
            self.events.add(self.touch_watcher, TouchWatcher.EVENTS)
            self.events.add(self.accessibility, self.accessibility.EVENTS)
            self.events.add(self.lockdown, Lockdown.EVENTS)
            if self.window.officer is not None:  # its corner taps, and touches keeping it signed in
                self.events.add(self.window.officer, self.window.officer.EVENTS)
            qt_app.installEventFilter(self.events)
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
        self.events.add(self.scan_filter, ScanKeyFilter.EVENTS)
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
        # The kiosk's own periodic tasks (health, menu, its citizen's receipt retries) run on a
        # thread of their own, never on the UI thread; they, like every submission, reach the
        # station's services in the worker over the channel.
        self.app.worker.start()
        if self.app.side is not None:  # served in this process: so is the station's own work
            self.app.side.worker.start()
        self.window.prebuild()
        self._start_scanners()
        self._start_headset()
        # Code the first journey runs for the first time, run here so that its pages are mapped
        # before the idle memory rather than kept after the first citizen (issue 8); the card
        # service runs its own first read's code (chip crypto, the demo emulator) likewise.
        warming: list[tuple[Callable[[], object], str]] = [
            (self.app.controller.start, "card reader start failed"),
            (self.app.station.warm, "database start failed"),
            (warm_addresses, "address tables failed to load"),
            (lambda: self.app.card_reader().warm(), "card service warm-up failed"),
            (warm_image_decoder, "image decoder warm-up failed"),
        ]
        left = [len(warming)]

        def warmed() -> None:  # on the UI thread: once all are done, the idle memory is settled
            left[0] -= 1
            if not left[0]:
                self.heap.schedule()

        def failed_with(what: str) -> Callable[[BaseException], None]:
            def failed(exc: BaseException) -> None:
                log.error("%s: %s", what, exc)
                warmed()

            return failed

        for job, what in warming:
            self.runner.run(job, lambda _result: warmed(), failed_with(what))

    def close(self) -> None:
        self.closed = True
        if getattr(self, "_collecting", False):
            from ui.ui_thread_gc import collector

            self._collecting = False
            collector().release()
            sys.setswitchinterval(self._switch_interval)
        self.watchdog.stopping()
        self.ticker.stop()
        self.heap.timer.stop()
        if self.window.officer is not None:  # its time-out check would sign out over a closed channel
            self.window.officer.timer.stop()
        if not self.app.worker.stop():
            log.error("the kiosk's tasks did not stop in time")
        if self.app.side is not None and not self.app.side.worker.stop():
            log.error("the station worker did not stop in time")
        if self.serial_scanner is not None:
            self.serial_scanner.stop()
        if self.headset is not None:
            self.headset.stop()
        qt_app = QApplication.instance()
        if qt_app is not None:  # application-wide filters would outlive this kiosk (and eat keys)
            qt_app.removeEventFilter(self.events)
        self.app.controller.stop()
        self.runner.wait()
        self.app.close()
