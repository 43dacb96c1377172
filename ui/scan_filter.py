"""Keyboard-wedge QR scanners, application-wide: scanner bursts become scans, typing goes through."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from devices.scanner.wedge import WedgeDetector, WedgeVerdict
from kiosk.flow.journey import Journey
from kiosk.flow.state import Phase
from kiosk.scan import ScanKind, parse_scan
from kiosk.status import ScanRoute, route_scan


class ScanKeyFilter(QObject):
    """Application-wide event filter: scanner bursts become `on_scan(line)`, typing goes through.

    Install once, on the QApplication (it must see key presses before the focused widget does):

        scan_filter = ScanKeyFilter.for_journey(journey)
        QApplication.instance().installEventFilter(scan_filter)

    A person's keys are held for at most `max_gap` (30 ms) and then replayed to the widget they
    were meant for, in order. A scanner's keys and its Enter reach no widget when `on_scan`
    returns True (consumed); when it returns False the line is replayed as typing — what a wedge
    scanner does without this filter — so text that means nothing here still reaches a text box.
    """

    def __init__(
        self,
        on_scan: Callable[[str], bool],
        *,
        detector: WedgeDetector | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._on_scan = on_scan
        self._detector = detector or WedgeDetector()
        self._clock = clock
        self._held: list[tuple[QObject, QKeyEvent]] = []
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)
        # Lines taken as scans in this session (tests and diagnostics). They can hold an ID card's
        # QR (number, name, birth date, address): wiped with the session by `forget`.
        self.scans: list[str] = []

    @classmethod
    def for_journey(
        cls,
        journey: Journey,
        *,
        detector: WedgeDetector | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> ScanKeyFilter:
        """Scans go to `kiosk.status.route_scan`: what a scan means depends on the screen. Slips,
        codes and ID card QRs are always consumed (never typed into a field mid-application);
        other lines nobody wanted are typed."""

        def on_scan(line: str) -> bool:
            routed = route_scan(journey, line)
            return routed is not ScanRoute.IGNORED or parse_scan(line).kind is not ScanKind.UNKNOWN

        scan_filter = cls(on_scan, detector=detector, clock=clock)
        journey.subscribe(lambda state: scan_filter.forget() if state.phase is Phase.IDLE else None)
        return scan_filter

    def forget(self) -> None:
        """Session wipe: nothing scanned for the last citizen stays in memory."""
        self.scans.clear()
        self._held.clear()
        self._detector.reset()
        self._timer.stop()

    EVENTS = (QEvent.Type.KeyPress,)  # what `eventFilter` looks at (ui.app_events)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        ):
            return False  # shortcuts (the officer's exit) are never part of a scan
        now = self._clock()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            verdict = self._detector.enter(now)
            consumed = self._apply(verdict)
            return consumed and not verdict.pass_enter
        text = event.text()
        if len(text) != 1 or not text.isprintable() or event.isAutoRepeat():
            return False
        self._apply(self._detector.key(text, now))
        self._held.append((watched, QKeyEvent(event.type(), event.key(), event.modifiers(), text)))
        self._arm()
        return True

    def _arm(self) -> None:
        deadline = self._detector.deadline
        if deadline is None:
            self._timer.stop()
            return
        self._timer.start(max(1, math.ceil((deadline - self._clock()) * 1000)))

    def _on_timer(self) -> None:
        self._apply(self._detector.idle(self._clock()))
        self._arm()

    def _apply(self, verdict: WedgeVerdict) -> bool:
        """Act on a verdict; True when a scan was consumed."""
        if verdict.scan is not None:
            self.scans.append(verdict.scan)
            if self._on_scan(verdict.scan):
                self._held.clear()  # the scanner's keys are consumed
                return True
            self._replay()
        elif verdict.typed:
            self._replay()
        return False

    def _replay(self) -> None:
        held, self._held = self._held, []
        self._replaying = True
        try:
            for receiver, key_event in held:
                try:
                    QApplication.sendEvent(receiver, key_event)
                except RuntimeError:  # the widget went away meanwhile (screen rebuilt)
                    continue
        finally:
            self._replaying = False
