"""What a citizen scanned does not outlive their session: the scanner filter forgets at the reset."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from kiosk.catalog import load_catalog
from kiosk.flow.journey import Journey
from kiosk.trackcode import new_code
from ui.scan_filter import ScanKeyFilter


def test_scans_are_wiped_with_the_session(qtbot) -> None:  # type: ignore[no-untyped-def]
    journey = Journey(load_catalog(), lambda: dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    journey.start()
    box = QLineEdit()
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    scan_filter = ScanKeyFilter.for_journey(journey)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(scan_filter)
    try:
        line = new_code()
        qtbot.keyClicks(box, line)  # a scanner burst
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert scan_filter.scans == [line]
        qtbot.keyClicks(box, "0791")  # the start of another burst, still held in the detector
        journey.reset()
        assert scan_filter.scans == []
        assert scan_filter._detector.pending == ""
        assert scan_filter._held == []
    finally:
        app.removeEventFilter(scan_filter)
