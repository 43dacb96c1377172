"""Demo mode's card buttons: the emulator makes the chip off the UI thread, then the read goes on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.waits import WAIT_MS
from ui.app import KioskUi

NAME = "Giàng Thị Mỷ"


def test_demo_card_button_places_the_card_and_reads_it(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    journey = kiosk_ui.app.journey
    journey.start()
    journey.choose_service("1.003677")
    journey.next()
    journey.consent(True)
    card = kiosk_ui.window.screens["card"]
    qtbot.waitUntil(card.isVisible, timeout=2000)
    button = next(b for b in card.findChildren(QPushButton) if b.text() == NAME and b.isVisible())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=WAIT_MS)
    holder = journey.state().card.holder
    assert holder is not None and holder.full_name == NAME
