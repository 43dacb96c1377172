"""The idle screen before the kiosk exists: what `kiosk run` paints first (ui/launch.py).

A station starts the kiosk at every boot and after every power cut, and the citizen in front of it
sees the screen come up, so this module is built for the time to its paint. It imports Qt's widget
classes, the theme and the phrases, and nothing else, and it creates none of the Python types
that cost a millisecond or more each to make: PySide6's `Qt` namespace (its first use builds all
93 Qt enums in Python, ~18 ms), QIcon, QEvent and its subclasses, QPainter, QtSvg. So alignments
and focus policies are set as properties by name, the top bar's background comes from the style
sheet (a plain QWidget with a style-sheet background paints it without WA_StyledBackground), the
buttons' pictograms are PNGs that an earlier start drew (`icons.stored`), named in the style sheet
and read by Qt in C++ when it paints, and the paint is seen from the window's exposure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QPixmap
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
    POLL_MS = 1  # how often `when_painted` looks whether the window has been exposed

    def __init__(
        self, theme: str, metrics: Metrics, language: str, pictograms: Path | None = None, station: str = ""
    ) -> None:
        """`station`: the station's name, shown under the title as the kiosk's window shows it."""
        super().__init__()
        self._theme, self._pictograms = theme, pictograms
        self._rules: list[str] = []  # the pictograms named in the style sheet
        self._painted: Callable[[], None] | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._look)
        load_fonts()
        self.setWindowTitle("Kiosk")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)

        top = QWidget()
        top.setObjectName("topbar")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(20, 6, 20, 6)
        heading_box = QVBoxLayout()
        heading_box.addWidget(_label(phrases.IDLE_TITLE.get(language), "h2"))
        heading_box.addWidget(_label(station or phrases.IDLE_SUBTITLE.get(language), "muted"))
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
        self.setStyleSheet("\n".join([stylesheet(theme, metrics, False), *self._rules]))

    def when_painted(self, then: Callable[[], None]) -> None:
        """Call `then` once, on a turn of the event loop after this frame has first been painted.

        Seen from the window's exposure rather than from a paint event: Qt paints a widget window
        and flushes it to the display while it handles the window's first expose, and a Python
        `paintEvent` or event filter would make PySide6 build QEvent's Python type (~1.5 ms)
        before that paint."""
        self._painted = then
        self._poll.start()

    def _look(self) -> None:
        window = self.windowHandle()
        if self._painted is None or window is None or not window.isExposed():
            return
        self._poll.stop()
        then, self._painted = self._painted, None
        then()

    def _stored(self, name: str, size: int) -> Path | None:
        return None if self._pictograms is None else icons.stored(name, size, self._theme, self._pictograms)

    def _pixmap(self, name: str, size: int) -> QPixmap:
        path = self._stored(name, size)
        return icons.drawn(name, size, self._theme) if path is None else QPixmap(str(path))

    def _button(self, text: str, role: str, pictogram: str, size: int) -> QPushButton:
        """`ui.widgets.basics.button` as the first frame needs it: it takes no touch, so no cursor."""
        widget = QPushButton(text)
        if role:
            widget.setObjectName(role)
        widget.setProperty("pictogram", pictogram)
        widget.setIconSize(QSize(size, size))
        widget.setProperty("focusPolicy", "NoFocus")
        path = self._stored(pictogram, size)
        if path is not None and '"' not in str(path):
            # Read and drawn by Qt when it paints the button: no QIcon made in Python.
            self._rules.append(f'QPushButton[pictogram="{pictogram}"] {{ qproperty-icon: url("{path}"); }}')
        else:
            from PySide6.QtGui import QIcon

            widget.setIcon(QIcon(icons.drawn(pictogram, size, self._theme)))
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
