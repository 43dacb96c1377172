"""Pictograms from resources/icons, rendered from SVG at the size asked (cached per size).

The pictograms are drawn in the normal theme's dark blue. Under the high-contrast theme (white
on black) that blue would vanish, so it is swapped for the theme's yellow; the theme is read from
the application (`THEME_PROPERTY`, set by the window), so every caller gets the right colours.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from PySide6.QtCore import QByteArray, QCoreApplication, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

THEME_PROPERTY = "kiosk-theme"
PRIMARY = b"#0B3D91"
RECOLOUR = {"high_contrast": b"#FFE600"}
# Which pictogram a rendered pixmap is, by its cache key (a QLabel's copy keeps the key): the tour
# records what each screen shows (`pictogram_of`). Bounded by the names × sizes × themes drawn.
_NAMES: dict[int, str] = {}


def _theme() -> str:
    app = QCoreApplication.instance()
    value = app.property(THEME_PROPERTY) if app is not None else None
    return str(value) if value else "normal"


def pixmap(name: str, width: int, height: int | None = None) -> QPixmap:
    return _render(name, width, height or width, _theme())


@lru_cache(maxsize=256)
def _render(name: str, width: int, height: int, theme: str) -> QPixmap:
    image = QPixmap(width, height)
    image.fill(Qt.GlobalColor.transparent)
    source = resources.files("resources.icons").joinpath(f"{name}.svg")
    if not source.is_file():
        return image  # a missing pictogram leaves a blank space, never a crash
    svg = source.read_bytes()
    if theme in RECOLOUR:
        svg = svg.replace(PRIMARY, RECOLOUR[theme])
    renderer = QSvgRenderer(QByteArray(svg))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = renderer.viewBoxF()
    ratio = min(width / box.width(), height / box.height()) if box.width() and box.height() else 1.0
    w, h = box.width() * ratio, box.height() * ratio
    renderer.render(painter, QRectF((width - w) / 2, (height - h) / 2, w, h))
    painter.end()
    _NAMES[image.cacheKey()] = name
    return image


def pictogram_of(image: QPixmap) -> str | None:
    """The name of the pictogram `image` shows, or None for any other picture (a card photo)."""
    return _NAMES.get(image.cacheKey())


def icon(name: str, size: int = 96) -> QIcon:
    return QIcon(pixmap(name, size))
