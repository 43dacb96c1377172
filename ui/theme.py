"""Fonts and the QSS theme, sized for the screen and the text-size switch."""

from __future__ import annotations

from importlib import resources
from string import Template

from PySide6.QtGui import QFontDatabase

FONT_FILES = ("BeVietnamPro-Regular.ttf", "BeVietnamPro-SemiBold.ttf", "BeVietnamPro-Bold.ttf")
FONT_FAMILY = "Be Vietnam Pro"


def load_fonts() -> str:
    """Register the bundled Vietnamese font with Qt; returns its family name."""
    folder = resources.files("resources.fonts")
    for name in FONT_FILES:
        QFontDatabase.addApplicationFontFromData(folder.joinpath(name).read_bytes())
    return FONT_FAMILY


def stylesheet(theme: str, screen_height: int, large_text: bool) -> str:
    """The theme's QSS with sizes for this screen: body ≥ 24 px and headings ≥ 40 px at 1080p (ux.md)."""
    scale = max(0.7, screen_height / 1080) * (1.25 if large_text else 1.0)
    touch_scale = max(0.7, screen_height / 1080)  # touch targets never shrink below 15 mm
    sizes = {
        "body": round(28 * scale),
        "small": round(22 * scale),
        "big": round(34 * scale),
        "h2": round(36 * scale),
        "h1": round(48 * scale),
        "code": round(72 * scale),
        "touch": round(72 * touch_scale),
        "key": round(64 * touch_scale),
        "wide": round(300 * touch_scale),
        "bar": round(36 * touch_scale),
    }
    text = resources.files("ui.themes").joinpath(f"{theme}.qss").read_text("utf-8")
    return Template(text).substitute({k: str(v) for k, v in sizes.items()})
