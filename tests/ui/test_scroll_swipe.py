"""Every scroll area scrolls under a finger, through one shared gesture recognizer (issue 9: a new
recognizer per scroll area, and a new PySide enum member for it, grew the kiosk at each journey)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QInputDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QScroller, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.scroll import TouchScrollArea


def _area(qtbot: QtBot) -> TouchScrollArea:
    inner = QWidget()
    column = QVBoxLayout(inner)
    for row in range(60):
        column.addWidget(QLabel(f"Dòng {row}"))
    area = TouchScrollArea(inner)
    qtbot.addWidget(area)
    area.resize(400, 300)
    area.show()
    qtbot.waitExposed(area)
    return area


def _swipe_up(area: TouchScrollArea) -> int:
    device = QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)
    viewport, y = area.viewport(), 250
    QTest.touchEvent(viewport, device).press(0, QPoint(200, y), viewport).commit()
    for _ in range(20):
        y -= 10
        QTest.qWait(16)
        QTest.touchEvent(viewport, device).move(0, QPoint(200, y), viewport).commit()
    QTest.touchEvent(viewport, device).release(0, QPoint(200, y), viewport).commit()
    QTest.qWait(300)
    return area.verticalScrollBar().value()


def test_a_swipe_scrolls_each_area_also_after_others_were_deleted(qtbot: QtBot) -> None:
    first = _area(qtbot)
    assert _swipe_up(first) > 100
    first.close()
    first.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    second, third = _area(qtbot), _area(qtbot)
    third.move(450, 0)
    assert _swipe_up(second) > 100
    assert _swipe_up(third) > 100


def test_scroll_areas_register_no_gesture_recognizer_of_their_own(qtbot: QtBot) -> None:
    probe = QWidget()
    before = QScroller.grabGesture(probe, QScroller.ScrollerGestureType.TouchGesture).value
    for _ in range(5):
        _area(qtbot)
    after = QScroller.grabGesture(QWidget(), QScroller.ScrollerGestureType.TouchGesture).value
    assert after == before + 1  # only the probe's own second grab took a new number
