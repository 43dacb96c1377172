"""A scroll area for a finger: swipe to scroll (QScroller), a wide bar, and arrows that show there
is more above or below (a thin bar alone went unseen, issue 11)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import QScrollArea, QScroller, QScrollerProperties, QSizePolicy, QWidget

from ui.widgets.icons import THEME_PROPERTY

CUE_COLOUR = QColor(0x0B, 0x3D, 0x91, 200)
# Dark blue vanishes on the high-contrast theme's black (1.7:1): there the cue is its yellow.
CUE_COLOURS = {"high_contrast": QColor(0xFF, 0xE6, 0x00, 230)}


class ScrollCue(QWidget):
    """A chevron at the top or bottom edge of the viewport: 'there is more this way'."""

    def __init__(self, parent: QWidget, down: bool) -> None:
        super().__init__(parent)
        self.down = down
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)  # taps go through
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        app = QCoreApplication.instance()
        theme = str(app.property(THEME_PROPERTY)) if app is not None else ""
        painter.setBrush(CUE_COLOURS.get(theme, CUE_COLOUR))
        w, h = self.width(), self.height()
        tip, base = (h - 2.0, 2.0) if self.down else (2.0, h - 2.0)
        painter.drawPolygon(QPolygonF([QPointF(0, base), QPointF(w, base), QPointF(w / 2, tip)]))


_SWIPE: list[tuple[QWidget, Qt.GestureType]] = []


def swipe_gesture() -> Qt.GestureType:
    """The one touch-flick gesture every scroll area grabs.

    `QScroller.grabGesture` registers a new gesture recognizer for each widget and never
    unregisters it while the widget lives on elsewhere in Qt's gesture manager; PySide6 then makes
    a new enum member for each new gesture number it returns. A kiosk that builds its screens anew
    for every citizen grew by ~10 KB a journey that way (bench/soak.py). One recognizer, registered
    through a widget that lives as long as the application, serves them all: a flick gesture
    drives the scroller of the widget it happens on."""
    if not _SWIPE:
        holder = QWidget()  # never shown; keeps the recognizer registered
        _SWIPE.append((holder, QScroller.grabGesture(holder, QScroller.ScrollerGestureType.TouchGesture)))
    return _SWIPE[0][1]


class TouchScrollArea(QScrollArea):
    """Scrolls up and down only; its content keeps its natural height (never squeezed)."""

    def __init__(self, inner: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setWidget(inner)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Takes the height the screen leaves it, so a long list never pushes Back and the
        # primary action off the screen.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        viewport = self.viewport()
        # Touches swipe; a tap still reaches the button under the finger. (The left-mouse gesture
        # would hold back every press for a quarter second to see whether it becomes a drag.)
        scroller = QScroller.scroller(viewport)  # before the grab: a flick gesture finds it there
        viewport.grabGesture(swipe_gesture())
        properties = scroller.scrollerProperties()
        no_overshoot = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
        properties.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, no_overshoot)
        properties.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, no_overshoot)
        scroller.setScrollerProperties(properties)
        self.cue_up = ScrollCue(self, down=False)
        self.cue_down = ScrollCue(self, down=True)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._update_cues)
        bar.rangeChanged.connect(self._update_cues)
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() is QEvent.Type.Resize:
            self._update_cues()
        return super().eventFilter(watched, event)

    def _update_cues(self) -> None:
        bar = self.verticalScrollBar()
        viewport = self.viewport().geometry()
        size = max(24, min(56, viewport.width() // 12))
        x = viewport.left() + (viewport.width() - size * 2) // 2
        self.cue_up.setGeometry(x, viewport.top() + 2, size * 2, size)
        self.cue_down.setGeometry(x, viewport.bottom() - size - 1, size * 2, size)
        self.cue_up.setVisible(bar.value() > bar.minimum())
        self.cue_down.setVisible(bar.value() < bar.maximum())
        self.cue_up.raise_()
        self.cue_down.raise_()

    def more_below(self) -> bool:
        return self.cue_down.isVisibleTo(self)

    def more_above(self) -> bool:
        return self.cue_up.isVisibleTo(self)
