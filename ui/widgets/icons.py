"""Pictograms from resources/icons, rendered from SVG at the size asked (cached per size).

The pictograms are drawn in the normal theme's dark blue. Under the high-contrast theme (white
on black) that blue would vanish, so it is swapped for the theme's yellow; the theme is read from
the application (`THEME_PROPERTY`, set by the window), so every caller gets the right colours.

`stored` serves the first frame (ui/first_frame.py) from PNGs that an earlier start rendered, so
that `kiosk run` paints without importing QtSvg or parsing an SVG. Nothing at this module's top
touches the `Qt` namespace (its first use builds every Qt enum in Python, ~18 ms), QIcon or
QPainter (~1 ms each) either.
"""

from __future__ import annotations

import os
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtGui import QColor, QPixmap

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

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


def _svg(name: str, theme: str) -> bytes | None:
    import resources  # read as files, not through importlib.resources (ui/theme.py says why)

    try:
        svg = (Path(next(iter(resources.__path__))) / "icons" / f"{name}.svg").read_bytes()
    except OSError:
        return None
    return svg.replace(PRIMARY, RECOLOUR[theme]) if theme in RECOLOUR else svg


def _blank(width: int, height: int) -> QPixmap:
    image = QPixmap(width, height)
    image.fill(QColor(0, 0, 0, 0))  # Qt.GlobalColor.transparent, without the Qt namespace
    return image


@lru_cache(maxsize=256)
def _render(name: str, width: int, height: int, theme: str) -> QPixmap:
    svg = _svg(name, theme)
    if svg is None:
        return _blank(width, height)  # a missing pictogram leaves a blank space, never a crash
    return _draw(name, svg, width, height)


def _draw(name: str, svg: bytes, width: int, height: int) -> QPixmap:
    # Only where an SVG is drawn, which the first frame does not (QPainter's enums alone ~0.6 ms).
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = _blank(width, height)
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


def stored(name: str, size: int, theme: str, folder: Path) -> Path | None:
    """The PNG of `pixmap(name, size)` under `theme`, in `folder`: drawn from the SVG and written
    there by the first call, read by Qt at paint time afterwards, without QtSvg (the first frame:
    ui/first_frame.py). Named by a hash of the SVG (recoloured for the theme), the size and the Qt
    version, so an edited pictogram or another Qt is drawn anew. Written under another name and
    renamed, so no half-written file is read; an empty one (a power cut between the rename and the
    data reaching the disk) is drawn again. None if the pictogram is missing or cannot be written."""
    svg = _svg(name, theme)
    if svg is None:
        return None
    key = zlib.crc32(b"%s|%d|%s" % (svg, size, qVersion().encode()))
    path = folder / f"{name}-{size}-{key:08x}.png"
    try:
        if path.stat().st_size > 0:
            return path
    except OSError:
        pass  # not there yet, or no folder to hold it (then it is drawn, and not kept)
    image = _draw(name, svg, size, size)
    part = folder / f".{path.name}.{os.getpid()}"  # another process may be writing it too
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not image.save(str(part), "PNG"):
            part.unlink(missing_ok=True)
            return None
        os.replace(part, path)
    except OSError:
        return None  # a read-only or full disk: drawn from the SVG at every start, as before
    return path


def drawn(name: str, size: int, theme: str) -> QPixmap:
    """`pixmap(name, size)` under `theme`, whatever the application's theme property says."""
    return _render(name, size, size, theme)


def pictogram_of(image: QPixmap) -> str | None:
    """The name of the pictogram `image` shows, or None for any other picture (a card photo)."""
    return _NAMES.get(image.cacheKey())


def icon(name: str, size: int = 96) -> QIcon:
    from PySide6.QtGui import QIcon  # not at the top: its Python type costs ~1 ms (the first frame)

    return QIcon(pixmap(name, size))
