"""The Qt half of the composition root: the kiosk window for a built application.

`kiosk run` (ui/app.py), `kiosk tour` (ui/tour.py) and the tests all make their window here, so
they show the same screens with the same offers for the same config. What `kiosk run` paints
before this is imported is `ui.first_frame.FirstFrame`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QScreen

from ui.theme import Metrics, load_fonts

if TYPE_CHECKING:
    from kiosk.app.root import KioskApp
    from kiosk.ports.voice import Voice
    from ui.screens.base import ScreenContext
    from ui.window import KioskWindow


def screen_context(app: KioskApp) -> ScreenContext:
    from ui.screens.base import ScreenContext

    cards: list[tuple[str, Callable[[], None]]] = list(app.demo.cards)
    passports: list[tuple[str, Callable[[], None]]] = list(app.demo.passports)
    return ScreenContext(
        app.journey,
        demo_cards=cards,
        demo_passports=passports,
        station_name=app.config.station.name,
    )


def kiosk_window(
    app: KioskApp, voice: Voice, size: tuple[int, int], screen: QScreen | None = None
) -> KioskWindow:
    """The window for a screen of `size` pixels; its physical size from `ui.screen_diagonal_inch`,
    else from `screen` (the display the kiosk is shown on)."""
    from ui.officer.mode import OfficerUi
    from ui.window import KioskWindow

    load_fonts()
    metrics = Metrics.of(*size, app.config.ui.screen_diagonal_inch, screen)
    window = KioskWindow(screen_context(app), voice, app.config.ui.theme, metrics)
    window.officer = OfficerUi(window, app, app.controller.runner, window.leave_kiosk_mode)
    window.add_band(window.officer.assist_bar)
    return window
