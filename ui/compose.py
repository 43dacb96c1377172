"""The Qt half of the composition root: the kiosk window for a built application.

`kiosk run` (ui/app.py), `kiosk tour` (ui/tour.py) and the tests all make their window here, so
they show the same screens with the same offers for the same config.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.app.root import KioskApp
from kiosk.ports.voice import Voice
from ui.screens.base import ScreenContext
from ui.theme import load_fonts
from ui.window import KioskWindow


def screen_context(app: KioskApp) -> ScreenContext:
    cards: list[tuple[str, Callable[[], None]]] = list(app.demo.cards)
    passports: list[tuple[str, Callable[[], None]]] = list(app.demo.passports)
    return ScreenContext(
        app.journey,
        demo_cards=cards,
        demo_passports=passports,
    )


def kiosk_window(app: KioskApp, voice: Voice, screen_height: int) -> KioskWindow:
    from ui.officer.mode import OfficerUi

    load_fonts()
    window = KioskWindow(screen_context(app), voice, app.config.ui.theme, screen_height)
    window.officer = OfficerUi(window, app, app.controller.runner, window.leave_kiosk_mode)
    window.add_band(window.officer.assist_bar)
    return window
