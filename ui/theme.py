"""Fonts, the screen's physical size, and the QSS theme sized for both.

Text scales with the screen's resolution (body ≥ 24 px, headings ≥ 40 px at 1080p, ux.md); touch
targets are sized in millimetres (≥ 15 mm, ux.md), so they need the screen's physical size: from
`ui.screen_diagonal_inch` when set, else from the display (its EDID), else an assumed small panel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from string import Template

from PySide6.QtGui import QFontDatabase, QScreen

FONT_FILES = ("BeVietnamPro-Regular.ttf", "BeVietnamPro-SemiBold.ttf", "BeVietnamPro-Bold.ttf")
FONT_FAMILY = "Be Vietnam Pro"
# Read as files, not through importlib.resources: that module's import is ~2.5 ms of the time
# `kiosk run` takes to its first frame, and the package is always installed as files.
THEMES = Path(__file__).resolve().parent / "themes"

MM_PER_INCH = 25.4
TARGET_MM = 15.0  # the smallest thing a finger is asked to touch (ux.md)
TARGET_MARGIN_MM = 1.0  # borders and rounding: a button's box is drawn a little inside its widget
BODY_PX_AT_1080 = 24  # the smallest text, at 1080 px on the screen's short side (ux.md)
HEADING_PX_AT_1080 = 40
LARGE_TEXT = 1.25
# Narrower than this (a portrait 768 px panel), screens keep 20 px at the sides instead of 60:
# ten keys of 16 mm in a row take 712 px.
NARROW_PX = 1000
NARROW_SIDE_PX = 20
# Displays that report nonsense (virtual screens, some TVs: 0 mm, 160×90 mm, 1600×900 mm).
PLAUSIBLE_DIAGONAL_INCH = (10.0, 65.0)
# No size known: the density of the smallest panel common at the resolution, so targets come out
# too big rather than too small: 15.6" at 1366×768, 21.5" at 1920×1080 (pixels per millimetre).
FALLBACK_PX_PER_MM = (
    math.hypot(1366, 768) / (15.6 * MM_PER_INCH),
    math.hypot(1920, 1080) / (21.5 * MM_PER_INCH),
)


def load_fonts() -> str:
    """Register the bundled Vietnamese font with Qt; returns its family name."""
    import resources  # the package of the bundled files (fonts, icons, services)

    folder = Path(next(iter(resources.__path__))) / "fonts"
    for name in FONT_FILES:
        QFontDatabase.addApplicationFontFromData((folder / name).read_bytes())
    return FONT_FAMILY


@dataclass(frozen=True)
class Metrics:
    """The screen the kiosk is shown on: its size in pixels and how many pixels make a millimetre."""

    width: int
    height: int
    px_per_mm: float

    @classmethod
    def of(
        cls, width: int, height: int, diagonal_inch: float = 0.0, screen: QScreen | None = None
    ) -> Metrics:
        """`diagonal_inch` (config) if set; else the display's reported size if plausible; else
        the fallback panel for the resolution."""
        diagonal_px = math.hypot(width, height)
        if diagonal_inch <= 0 and screen is not None:
            size = screen.physicalSize()
            reported = math.hypot(size.width(), size.height()) / MM_PER_INCH
            geometry = screen.geometry()
            low, high = PLAUSIBLE_DIAGONAL_INCH
            if low <= reported <= high and geometry.width() > 0:
                # The reported size is the whole screen's; the window may be smaller (windowed).
                diagonal_inch = reported * diagonal_px / math.hypot(geometry.width(), geometry.height())
        if diagonal_inch <= 0:
            low_res, full_hd = FALLBACK_PX_PER_MM
            return cls(width, height, low_res if min(width, height) < 1000 else full_hd)
        return cls(width, height, diagonal_px / (diagonal_inch * MM_PER_INCH))

    def mm(self, millimetres: float) -> int:
        return math.ceil(millimetres * self.px_per_mm)

    @property
    def text_scale(self) -> float:
        """Text sizes relative to 1080p, by the short side (a portrait 1080×1920 panel is 1080p)."""
        return min(self.width, self.height) / 1080

    def smallest_text_px(self, large_text: bool = False) -> int:
        return math.floor(BODY_PX_AT_1080 * self.text_scale * (LARGE_TEXT if large_text else 1.0))

    @property
    def target_px(self) -> int:
        """The smallest height and width a touch target may have on this screen."""
        return self.mm(TARGET_MM)


def text_px(metrics: Metrics, large_text: bool) -> dict[str, int]:
    """The text sizes of the theme's roles (QLabel#h2 …) on this screen, in pixels."""
    scale = metrics.text_scale * (LARGE_TEXT if large_text else 1.0)
    return {
        "body": round(28 * scale),
        "small": math.ceil(BODY_PX_AT_1080 * scale),
        "big": round(34 * scale),
        "h2": round(HEADING_PX_AT_1080 * scale),
        "h1": round(48 * scale),
        "code": round(72 * scale),
    }


def stylesheet(theme: str, metrics: Metrics, large_text: bool) -> str:
    """The theme's QSS with sizes for this screen: text by resolution, touch targets by millimetres."""
    target = metrics.mm(TARGET_MM + TARGET_MARGIN_MM)
    # QSS min-height is the content's: a button adds its padding and border (normal.qss: 8 + 3
    # above and below; a key has no padding), a text box likewise.
    button_frame, key_frame = 2 * (8 + 3), 2 * 3
    sizes = {
        **text_px(metrics, large_text),
        # − / + and « ‹ › »: symbols, not reading text, so large text leaves them as they are
        # (scaled with it they no longer fit their keys).
        "glyph": round(56 * metrics.text_scale),
        "touch": target - button_frame,
        "key": target - key_frame,
        "wide": max(metrics.mm(60), round(300 * metrics.text_scale)),
        "bar": round(36 * metrics.text_scale),
    }
    text = (THEMES / f"{theme}.qss").read_text("utf-8")
    return Template(text).substitute({k: str(v) for k, v in sizes.items()})
