"""One application-wide event filter (ui.app_events): the kiosk's filters see only the events they
look at, in Qt's order, and the kiosk still gets every key and touch it handled before."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.app_events import AppEvents


class Seen(QObject):
    def __init__(self, name: str, log: list[tuple[str, QEvent.Type]], takes: bool = False) -> None:
        super().__init__()
        self.name, self.log, self.takes = name, log, takes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.log.append((self.name, event.type()))
        return self.takes


def _key(kind: QEvent.Type = QEvent.Type.KeyPress) -> QKeyEvent:
    return QKeyEvent(kind, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")


def test_each_filter_sees_its_types_the_last_added_first_until_one_takes_it(qapp: QApplication) -> None:
    log: list[tuple[str, QEvent.Type]] = []
    events = AppEvents()
    first, second = Seen("first", log), Seen("second", log)
    events.add(first, (QEvent.Type.KeyPress, QEvent.Type.KeyRelease))
    events.add(second, (QEvent.Type.KeyPress,))
    target = QObject()
    assert not events.eventFilter(target, _key())
    assert not events.eventFilter(target, _key(QEvent.Type.KeyRelease))
    assert not events.eventFilter(target, QEvent(QEvent.Type.Paint))
    assert log == [
        ("second", QEvent.Type.KeyPress), ("first", QEvent.Type.KeyPress), ("first", QEvent.Type.KeyRelease)
    ]  # fmt: skip

    log.clear()
    second.takes = True
    assert events.eventFilter(target, _key())
    assert log == [("second", QEvent.Type.KeyPress)]  # taken: the filters added earlier never see it

    log.clear()
    events.add(first, (QEvent.Type.KeyPress,))  # added again: asked first, as Qt's installEventFilter
    events.eventFilter(target, _key())
    assert log == [("first", QEvent.Type.KeyPress), ("second", QEvent.Type.KeyPress)]

    log.clear()
    events.remove(second)
    events.eventFilter(target, _key())
    assert log == [("first", QEvent.Type.KeyPress)]


def test_the_kiosks_filters_see_only_what_they_look_at(kiosk_ui: KioskUi, qtbot) -> None:
    qtbot.waitUntil(lambda: kiosk_ui.scan_filter is not None, timeout=WAIT_MS)  # added after the first paint
    log: list[tuple[str, QEvent.Type]] = []
    scan_filter = kiosk_ui.scan_filter
    assert scan_filter is not None
    watched: dict[str, Any] = {
        "touch": kiosk_ui.touch_watcher,
        "accessibility": kiosk_ui.accessibility,
        "lockdown": kiosk_ui.lockdown,
        "scan": scan_filter,
    }
    if kiosk_ui.window.officer is not None:
        watched["officer"] = kiosk_ui.window.officer
    for name, event_filter in watched.items():
        real = event_filter.eventFilter

        def spy(obj: QObject, event: QEvent, name: str = name, real: Any = real) -> bool:
            log.append((name, event.type()))
            return bool(real(obj, event))

        event_filter.eventFilter = spy
    kiosk_ui.window.update()  # paints, layouts: many events, none for the kiosk's filters
    kiosk_ui.window.resize(1360, 760)
    qtbot.wait(50)
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.keyClicks(edit, "Thon 3")
    qtbot.waitUntil(lambda: edit.text() == "Thon 3", timeout=WAIT_MS)  # the scan filter lets typing through
    seen = {kind for _name, kind in log}
    assert QEvent.Type.KeyPress in seen
    for name, kind in log:
        assert kind in type(watched[name]).EVENTS, (name, kind)
    # Every one of them is still asked about a key it looks at (the officer's filter looks at touches).
    asked = {name for name, kind in log if kind == QEvent.Type.KeyPress}
    assert asked == {"touch", "accessibility", "lockdown", "scan"}
