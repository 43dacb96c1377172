"""The idle screen before the kiosk exists: what `kiosk run` paints first (ui/launch.py).

A station starts the kiosk at every boot and after every power cut, and the citizen in front of it
sees the screen come up, so this module is built for the time to its paint: it imports Qt's widget
classes, the theme and the phrases, and nothing else. In particular it never touches PySide6's
`Qt` namespace (its first use builds all 93 of Qt's enums in Python, ~18 ms): alignments and focus
policies are set as properties by name, the top bar's background comes from the style sheet (a
plain QWidget with a style-sheet background paints it without WA_StyledBackground), and the
pictograms come from PNGs an earlier start drew (`icons.stored`) instead of QtSvg.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QIcon, QPaintEvent, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk import phrases
from ui.theme import Metrics, load_fonts, stylesheet
from ui.widgets import icons


class FirstFrame(QWidget):
    """The window's top bar and the idle screen's title, "touch" pictogram, prompt and status
    button, laid out as `KioskWindow` and `IdleScreen` lay them out (same style sheet, same object
    names), from the phrases alone. It takes no touch: the real window replaces it once built, a
    fraction of a second later, with the services' pictures added in the row left empty here.

    `pictograms`: the folder of pre-drawn pictograms (the cache's); None draws them from SVG."""

    PICTURE_ROW = 130  # IdleScreen's service pictograms, drawn by the real window

    def __init__(self, theme: str, metrics: Metrics, language: str, pictograms: Path | None = None) -> None:
        super().__init__()
        self._theme, self._pictograms = theme, pictograms
        self._painted: Callable[[], None] | None = None
        load_fonts()
        self.setWindowTitle("Kiosk")
        self.setStyleSheet(stylesheet(theme, metrics, False))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)

        top = QWidget()
        top.setObjectName("topbar")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(20, 6, 20, 6)
        heading_box = QVBoxLayout()
        heading_box.addWidget(_label(phrases.IDLE_TITLE.get(language), "h2"))
        heading_box.addWidget(_label(phrases.IDLE_SUBTITLE.get(language), "muted"))
        top_row.addLayout(heading_box, 1)
        for text, role, pictogram, size in (
            (phrases.OTHER_LANGUAGE, "", "language", 44),
            (phrases.TEXT_SIZE, "", "text-size", 44),
            (phrases.COMFORT, "", "volume", 44),
            (phrases.LISTEN_AGAIN, "", "speaker", 44),
            (phrases.CALL_OFFICER, "officer", "officer", 52),
        ):
            top_row.addWidget(self._button(text.get(language), role, pictogram, size))
        column.addWidget(top)

        body = QWidget()
        body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)  # as the window's stack
        idle = QVBoxLayout(body)
        idle.setContentsMargins(60, 40, 60, 40)
        idle.addStretch(1)
        idle.addWidget(_label(phrases.IDLE_TITLE.get(language), "h1", center=True))
        idle.addSpacing(30)
        idle.addSpacing(self.PICTURE_ROW)
        idle.addSpacing(30)
        touch = QLabel()
        touch.setPixmap(self._pixmap("touch", 180))
        touch.setProperty("alignment", "AlignCenter")
        idle.addWidget(touch)
        idle.addSpacing(30)
        idle.addWidget(_label(phrases.IDLE_TOUCH.get(language), "h2", center=True))
        idle.addStretch(1)
        status = QHBoxLayout()  # centred by the stretches either side, as AlignCenter would
        status.addStretch(1)
        status.addWidget(self._button(phrases.CHECK_STATUS.get(language), "", "search-doc", 64))
        status.addStretch(1)
        idle.addLayout(status)
        column.addWidget(body, 1)

    def when_painted(self, then: Callable[[], None]) -> None:
        """Call `then` once, on the turn after this frame's first paint (it has reached the screen)."""
        self._painted = then

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._painted is not None:
            then, self._painted = self._painted, None
            QTimer.singleShot(0, self, then)

    def _pixmap(self, name: str, size: int) -> QPixmap:
        return icons.stored(name, size, self._theme, self._pictograms)

    def _button(self, text: str, role: str, pictogram: str, size: int) -> QPushButton:
        """`ui.widgets.basics.button` as the first frame needs it: it takes no touch, so no cursor."""
        widget = QPushButton(text)
        if role:
            widget.setObjectName(role)
        widget.setProperty("pictogram", pictogram)
        widget.setIcon(QIcon(self._pixmap(pictogram, size)))
        widget.setIconSize(QSize(size, size))
        widget.setProperty("focusPolicy", "NoFocus")
        return widget


def _label(text: str, role: str, *, center: bool = False) -> QLabel:
    """`ui.widgets.basics.label(text, role, wrap=center, center=center)`, its enums set by name."""
    widget = QLabel(text)
    widget.setObjectName(role)
    widget.setWordWrap(center)
    widget.setProperty("textFormat", "PlainText")
    if center:
        widget.setProperty("alignment", "AlignCenter")
    return widget
