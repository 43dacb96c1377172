"""Pictograms from resources/icons, rendered from SVG at the size asked (cached per size)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer


@lru_cache(maxsize=256)
def pixmap(name: str, width: int, height: int | None = None) -> QPixmap:
    height = height or width
    image = QPixmap(width, height)
    image.fill(Qt.GlobalColor.transparent)
    source = resources.files("resources.icons").joinpath(f"{name}.svg")
    if not source.is_file():
        return image  # a missing pictogram leaves a blank space, never a crash
    renderer = QSvgRenderer(QByteArray(source.read_bytes()))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = renderer.viewBoxF()
    ratio = min(width / box.width(), height / box.height()) if box.width() and box.height() else 1.0
    w, h = box.width() * ratio, box.height() * ratio
    renderer.render(painter, QRectF((width - w) / 2, (height - h) / 2, w, h))
    painter.end()
    return image


def icon(name: str, size: int = 96) -> QIcon:
    return QIcon(pixmap(name, size))
