"""Pictograms follow the theme: the normal blue becomes the high-contrast yellow."""

from __future__ import annotations

from PySide6.QtGui import QColor

from ui.widgets.icons import THEME_PROPERTY, pixmap


def colours(qapp, theme: str) -> set[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    qapp.setProperty(THEME_PROPERTY, theme)
    image = pixmap("house", 64).toImage()
    found = set()
    for x in range(0, 64, 2):
        for y in range(0, 64, 2):
            colour = QColor(image.pixel(x, y))
            if QColor.fromRgba(image.pixel(x, y)).alpha() == 255:
                found.add((colour.red(), colour.green(), colour.blue()))
    return found


def test_high_contrast_pictograms_are_yellow(qapp) -> None:  # type: ignore[no-untyped-def]
    try:
        assert (0x0B, 0x3D, 0x91) in colours(qapp, "normal")
        high = colours(qapp, "high_contrast")
        assert (0xFF, 0xE6, 0x00) in high and (0x0B, 0x3D, 0x91) not in high
    finally:
        qapp.setProperty(THEME_PROPERTY, "normal")
