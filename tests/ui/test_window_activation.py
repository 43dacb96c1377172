"""The kiosk's window stays the active window while screens are built and rebuilt: Qt sends a
shortcut (Ctrl+Shift+F12, officer mode) only to the active window. A widget that is shown while it
has no parent is a window of its own for a moment and takes the activation with it (the compositor
would not give it back either: cage activates a new window). Both ways it happened are here."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from tests.ui.test_month_calendar import START, TEXTS
from ui.widgets.basics import clear_layout, label
from ui.widgets.date_picker import DatePicker
from ui.window import settle


def shown_host(qtbot: Any) -> QWidget:
    host = QWidget()
    QVBoxLayout(host)
    qtbot.addWidget(host)
    host.resize(800, 600)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow, timeout=5000)
    return host


def focus_changes(qapp: QApplication) -> list[QWindow | None]:
    changes: list[QWindow | None] = []
    qapp.focusWindowChanged.connect(changes.append)
    return changes


def test_a_layout_cleared_before_its_widgets_showed_opens_no_window(qtbot: Any, qapp: QApplication) -> None:
    host = shown_host(qtbot)
    changes = focus_changes(qapp)
    layout = host.layout()
    assert layout is not None
    layout.addWidget(label("Giấy tờ đưa vào VNeID", "h2"))  # its show waits for the next turn
    clear_layout(host)  # the form rebuilt again in the same turn (an answer revealed a question)
    settle()
    assert changes == [] and host.isActiveWindow()
    assert QGuiApplication.focusWindow() is host.windowHandle()


def test_a_date_picker_with_its_question_opens_no_window(qtbot: Any, qapp: QApplication) -> None:
    host = shown_host(qtbot)
    changes = focus_changes(qapp)
    texts = dataclasses.replace(TEXTS, field="Ngày đến")  # the calendar's header names the date
    picker = DatePicker(("Ngày", "Tháng", "Năm"), START, None, ("+1 tuần", "+1 tháng"), texts, host)
    layout = host.layout()
    assert layout is not None
    layout.addWidget(picker)
    settle()
    assert changes == [] and host.isActiveWindow()
