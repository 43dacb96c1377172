"""The Qt half of the composition root: the kiosk window for a built application, and the first
frame shown before it exists.

`kiosk run` (ui/app.py), `kiosk tour` (ui/tour.py) and the tests all make their window here, so
they show the same screens with the same offers for the same config.

This module imports only Qt, the phrases and the theme at its top: `kiosk run` paints
`FirstFrame` (the idle screen as a citizen first sees it) before the core (catalog, journey,
screens) is imported, then builds the real window behind it (`kiosk_window`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk import phrases
from ui.theme import Metrics, load_fonts, stylesheet
from ui.widgets.basics import button, label
from ui.widgets.icons import pixmap

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


class FirstFrame(QWidget):
    """The idle screen before the kiosk exists: the window's top bar and the idle screen's title,
    "touch" pictogram, prompt and status button, laid out as `KioskWindow` and `IdleScreen` lay them
    out (same style sheet, same object names), from the phrases alone. It takes no touch: the real
    window replaces it once built, a fraction of a second later, with the services' pictures added
    in the row left empty here."""

    PICTURE_ROW = 130  # IdleScreen's service pictograms, drawn by the real window

    def __init__(self, theme: str, metrics: Metrics, language: str) -> None:
        super().__init__()
        load_fonts()
        self.setWindowTitle("Kiosk")
        self.setStyleSheet(stylesheet(theme, metrics, False))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)

        top = QWidget()
        top.setObjectName("topbar")
        top.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(20, 6, 20, 6)
        heading_box = QVBoxLayout()
        heading_box.addWidget(label(phrases.IDLE_TITLE.get(language), "h2", wrap=False))
        heading_box.addWidget(label(phrases.IDLE_SUBTITLE.get(language), "muted", wrap=False))
        top_row.addLayout(heading_box, 1)
        for text, role, pictogram, size in (
            (phrases.OTHER_LANGUAGE, "", "language", 44),
            (phrases.TEXT_SIZE, "", "text-size", 44),
            (phrases.COMFORT, "", "volume", 44),
            (phrases.LISTEN_AGAIN, "", "speaker", 44),
            (phrases.CALL_OFFICER, "officer", "officer", 52),
        ):
            top_row.addWidget(button(text.get(language), role, pictogram, size))
        column.addWidget(top)

        body = QWidget()
        body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)  # as the window's stack
        idle = QVBoxLayout(body)
        idle.setContentsMargins(60, 40, 60, 40)
        idle.addStretch(1)
        idle.addWidget(label(phrases.IDLE_TITLE.get(language), "h1", center=True))
        idle.addSpacing(30)
        idle.addSpacing(self.PICTURE_ROW)
        idle.addSpacing(30)
        touch = QLabel()
        touch.setPixmap(pixmap("touch", 180))
        touch.setAlignment(Qt.AlignmentFlag.AlignCenter)
        idle.addWidget(touch)
        idle.addSpacing(30)
        idle.addWidget(label(phrases.IDLE_TOUCH.get(language), "h2", center=True))
        idle.addStretch(1)
        idle.addWidget(
            button(phrases.CHECK_STATUS.get(language), "", "search-doc", 64), 0, Qt.AlignmentFlag.AlignCenter
        )
        column.addWidget(body, 1)
