"""Bar charts of the report's figures, drawn on the server: SVG for the console, reportlab for the PDF.

One `BarChart` (categories × series of whole numbers) is drawn twice: `to_svg` builds the SVG as a
string (no library; text escaped, labels in the page's font, so diacritics render as the browser
renders any text), `to_drawing` builds the same chart with `reportlab.graphics` for the one-page
PDF (the caller registers the font). Qt Charts is deprecated and pyqtgraph breaks on PySide6
updates: neither is used (see ../shared/reference/officers-hub.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from kiosk.stats import Figures, vi_int

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

# Colour-blind-safe pair (Okabe–Ito blue and orange), then green.
COLOURS = ("#0072B2", "#E69F00", "#009E73")
MAX_CATEGORIES = 31  # a daily chart of a month; longer ranges are charted per week or month


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]

    @property
    def top(self) -> int:
        """The axis maximum: a round number at or above the largest bar (1 for an empty chart)."""
        largest = max((v for s in self.series for v in s.values), default=0)
        if largest <= 0:
            return 1
        step = 10 ** math.floor(math.log10(largest))
        for factor in (1, 2, 2.5, 5, 10):
            if largest <= factor * step:
                return int(factor * step) if factor * step >= 1 else 1
        raise AssertionError("unreachable")


COMPACT_FROM = 16  # categories: from here on a day is labelled by its number only ("01")


def short_label(period: str, compact: bool = False) -> str:
    """A category label that fits under a bar: "2026-12-01" -> "01/12" ("01" compact),
    "2026-W49" -> "T49" (tuần), "2026-12" -> "12/2026"."""
    if "-W" in period:
        return "T" + period.split("-W")[1]
    parts = period.split("-")
    if len(parts) == 3:
        return parts[2] if compact else f"{parts[2]}/{parts[1]}"
    if len(parts) == 2:
        return f"{parts[1]}/{parts[0]}"
    return period


def figures_chart(figures: Figures) -> BarChart:
    """Submitted and finished dossiers per period, all services together."""
    rows = [figures.row(p) for p in figures.periods[-MAX_CATEGORIES:]]
    present = [r for r in rows if r is not None]
    return BarChart(
        "Hồ sơ tiếp nhận và đã giải quyết",
        tuple(short_label(r.period, len(present) >= COMPACT_FROM) for r in present),
        (
            Series("Tiếp nhận", tuple(r.submitted for r in present)),
            Series("Đã giải quyết", tuple(r.finished for r in present)),
        ),
    )


# -- SVG -----------------------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 56
GRID_LINES = 4


def _ticks(top: int) -> Sequence[int]:
    return [round(top * i / GRID_LINES) for i in range(GRID_LINES + 1)]


def to_svg(chart: BarChart, font_family: str = "'Be Vietnam Pro', 'Noto Sans', sans-serif") -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = chart.top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label={quoteattr(chart.title)} font-family={quoteattr(font_family)} font-size="12">',
        f"<title>{escape(chart.title)}</title>",
        f'<text x="{LEFT}" y="20" font-size="15" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for tick in _ticks(top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{vi_int(tick)}</text>')
    n = max(len(chart.categories), 1)
    group = plot_w / n
    bar = group * 0.8 / max(len(chart.series), 1)
    for i, category in enumerate(chart.categories):
        x0 = LEFT + group * i + group * 0.1
        for j, series in enumerate(chart.series):
            value = series.values[i]
            h = plot_h * value / top
            parts.append(
                f'<rect x="{x0 + bar * j:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[j % len(COLOURS)]}">'
                f"<title>{escape(f'{series.name} {category}: {vi_int(value)}')}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + group * 0.4:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    for j, series in enumerate(chart.series):
        x = LEFT + j * 160
        y = HEIGHT - 14
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{COLOURS[j % len(COLOURS)]}"/>'
        )
        parts.append(f'<text x="{x + 18}" y="{y}">{escape(series.name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# -- reportlab -----------------------------------------------------------------------------------


def to_drawing(chart: BarChart, font: str, width: float = 500, height: float = 200) -> Drawing:
    """The same chart as a reportlab Drawing, its text in `font` (registered by the caller)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib.colors import HexColor

    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, chart.title, fontName=font, fontSize=11))
    bars = VerticalBarChart()
    bars.x, bars.y = 44, 36
    bars.width, bars.height = width - 54, height - 76
    bars.data = [list(s.values) or [0] for s in chart.series]
    bars.categoryAxis.categoryNames = list(chart.categories) or [""]
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 7 if len(chart.categories) > 12 else 8
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = chart.top
    bars.valueAxis.valueStep = max(chart.top // GRID_LINES, 1)
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.labels.fontSize = 8
    bars.valueAxis.labelTextFormat = lambda v: vi_int(int(v))
    for j in range(len(chart.series)):
        bars.bars[j].fillColor = HexColor(COLOURS[j % len(COLOURS)])
        bars.bars[j].strokeColor = None
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = 44, 12
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 110
    legend.colorNamePairs = [
        (HexColor(COLOURS[j % len(COLOURS)]), s.name) for j, s in enumerate(chart.series)
    ]
    drawing.add(legend)
    return drawing
