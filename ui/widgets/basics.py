"""Small building blocks shared by the screens."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QLayout, QPushButton, QScrollArea, QWidget

from kiosk.wrap import keep_phrases
from ui.widgets.icons import icon, pixmap
from ui.widgets.scroll import TouchScrollArea


def label(text: str = "", role: str = "", *, wrap: bool = True, center: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setObjectName(role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


STEP_PICTOGRAM_PX = 72


class StepHeading:
    """A step's title with the pictogram of its kind before it: a citizen who cannot read tells a
    question of dates from one of places or a list of guests at a glance (issue 11)."""

    def __init__(self, column: QBoxLayout) -> None:
        row = QHBoxLayout()
        row.setSpacing(20)
        self.picture = QLabel()
        self.picture.setFixedSize(STEP_PICTOGRAM_PX, STEP_PICTOGRAM_PX)
        self.title = label("", "h1")
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.title, 1)
        column.addLayout(row)
        self._shown = ""

    def show(self, title: str, pictogram: str) -> None:
        self.title.setText(keep_phrases(title))
        if pictogram != self._shown:
            self._shown = pictogram
            self.picture.setPixmap(pixmap(pictogram, STEP_PICTOGRAM_PX))


def button(text: str = "", role: str = "", pictogram: str = "", icon_size: int = 56) -> QPushButton:
    widget = QPushButton(text)
    if role:
        widget.setObjectName(role)
    if pictogram:
        widget.setProperty("pictogram", pictogram)  # which one it shows, for the tour's manifest
        widget.setIcon(icon(pictogram, icon_size))
        widget.setIconSize(QSize(icon_size, icon_size))
    widget.setCursor(Qt.CursorShape.BlankCursor)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return widget


def scroll_area(inner: QWidget) -> QScrollArea:
    """A scrolling area for long lists: swipe, scroll cues, the height the screen leaves it."""
    return TouchScrollArea(inner)


def clear_layout(widget: QWidget, keep: Collection[QWidget] = ()) -> None:
    """Remove and delete everything inside `widget`'s layout, nested layouts included; the
    widgets in `keep` are only taken out of it and hidden (they stay `widget`'s children, so
    putting them back in its layout later re-polishes nothing)."""
    _clear(widget.layout(), keep)


def _clear(layout: QLayout | None, keep: Collection[QWidget]) -> None:
    if layout is None:
        return
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        child = item.widget()
        if child is not None and child in keep:
            child.hide()
        elif child is not None:
            # Hidden first, explicitly: a widget added to a shown layout has a show queued for the
            # next turn of the event loop, and that show would make it, parentless now, a window
            # of its own, taking the activation from the kiosk's window (its shortcuts stop).
            child.hide()
            child.setParent(None)
            child.deleteLater()
        else:
            _clear(item.layout(), keep)
