"""Scroll cues (issue 11, rows W2 and 3b of docs/issue-11-checklist.md): a list longer than the
screen shows an arrow at its bottom edge saying there is more below; swiped to its end, the arrow
at the top says there is more above and the one below is gone. A list that fits shows neither.

Through the real window at 1366×768: the menu's 18 services do not fit (its tiles scroll); the
temporary absence's intro fits."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QInputDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScroller

from tests.e2e.conftest import Citizen
from ui.app import KioskUi
from ui.widgets.scroll import ScrollCue, TouchScrollArea
from ui.window import settle


def menu_area(qtbot: Any, ui: KioskUi) -> tuple[Citizen, TouchScrollArea]:
    person = Citizen(qtbot, ui)
    person.tap(ui.window.screens["idle"])
    person.wait_for("menu")
    (area,) = ui.window.screens["menu"].findChildren(TouchScrollArea)
    return person, area


def shown_cues(area: TouchScrollArea) -> set[str]:
    return {("down" if cue.down else "up") for cue in area.findChildren(ScrollCue) if cue.isVisible()}


def drawn(area: TouchScrollArea, cue: ScrollCue) -> bool:
    """Whether the cue is painted over the list: a good part of its box changes when it is hidden
    (its triangle is half the box; where it lies on text of its own blue, nothing changes)."""
    box = cue.geometry()
    with_cue = area.grab(box).toImage()
    cue.hide()
    without = area.grab(box).toImage()
    cue.show()
    changed = sum(
        with_cue.pixel(x, y) != without.pixel(x, y) for x in range(box.width()) for y in range(box.height())
    )
    return changed >= box.width() * box.height() // 4


def swipe_up(area: TouchScrollArea) -> None:
    """A finger drawn up the list (the content follows it down), then let go."""
    device = QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)
    viewport = area.viewport()
    x, y = viewport.width() // 2, viewport.height() - 40
    QTest.touchEvent(viewport, device).press(0, QPoint(x, y), viewport).commit()
    for _ in range(20):
        y -= 15
        QTest.qWait(16)
        QTest.touchEvent(viewport, device).move(0, QPoint(x, y), viewport).commit()
    QTest.touchEvent(viewport, device).release(0, QPoint(x, y), viewport).commit()


def test_a_long_list_shows_more_below_then_more_above_at_its_end(qtbot: Any, kiosk_ui: KioskUi) -> None:
    _, area = menu_area(qtbot, kiosk_ui)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0  # the menu is longer than the screen
    assert shown_cues(area) == {"down"}
    assert drawn(area, area.cue_down)

    scroller = QScroller.scroller(area.viewport())
    for _ in range(12):  # swipes until the last services are in view
        swipe_up(area)
        qtbot.waitUntil(lambda: scroller.state() is QScroller.State.Inactive, timeout=5000)
        if bar.value() == bar.maximum():
            break
    settle()
    assert bar.value() == bar.maximum()
    assert shown_cues(area) == {"up"}  # nothing below any more
    assert drawn(area, area.cue_up)
    tiles: dict[str, Any] = kiosk_ui.window.screens["menu"].tiles  # type: ignore[attr-defined]
    last = max(tiles.values(), key=lambda t: t.mapTo(area, t.rect().bottomLeft()).y())
    assert last.mapTo(area.viewport(), last.rect().bottomLeft()).y() < area.viewport().height()

    # Back to the top: the cue below again, none above.
    bar.setValue(bar.minimum())
    settle()
    assert shown_cues(area) == {"down"}
    # A cue takes no touch: a finger on it lands on the tile beneath.
    window = kiosk_ui.window
    touched = window.childAt(area.cue_down.mapTo(window, area.cue_down.rect().center()))
    while touched is not None and touched not in tiles.values():
        assert not isinstance(touched, ScrollCue)
        touched = touched.parentWidget()
    assert touched is not None, "no tile under the cue"


def test_a_list_that_fits_shows_no_cue(qtbot: Any, kiosk_ui: KioskUi) -> None:
    person, _ = menu_area(qtbot, kiosk_ui)
    tile = kiosk_ui.window.screens["menu"].tiles["1.003677"]  # type: ignore[attr-defined]
    person.tap(tile)
    person.tap(tile)
    person.wait_for("intro")
    (area,) = kiosk_ui.window.screens["intro"].findChildren(TouchScrollArea)
    assert area.isVisible() and area.verticalScrollBar().maximum() == 0
    assert shown_cues(area) == set()
