"""The charts and the console's statistics fragment: well-formed SVG with the labels' diacritics,
one bar per period and series, the same chart through reportlab into a PDF, and escaped text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from console.stats_view import render_stats
from kiosk.charts import BarChart, Series, figures_chart, short_label, to_drawing, to_svg
from kiosk.ports import stats as port
from kiosk.stats import Figures, Grain, ServiceInfo, Statistics

SVG = "{http://www.w3.org/2000/svg}"


class Source:
    """A `StatsSource` answering fixed groups (the database side is tested in test_stats.py)."""

    def submitted(self, days: port.DayRange) -> list[port.SubmittedCount]:
        return [
            port.SubmittedCount("2026-12-01", "X", False, 3),
            port.SubmittedCount("2026-12-02", "X", True, 1200),
        ]

    def finished(self, days: port.DayRange) -> list[port.FinishedCount]:
        return [port.FinishedCount("2026-12-02", "X", "2026-12-01", 2)]

    def kiosk_seconds_by_day(self, days: port.DayRange, step: int) -> list[port.SecondsCount]:
        return []

    def kiosk_seconds_by_service(self, days: port.DayRange, step: int) -> list[port.SecondsCount]:
        return []

    def abandoned(self, days: port.DayRange) -> list[port.AbandonedCount]:
        return [port.AbandonedCount("2026-12-02", "X", "card", 4)]

    def purged(self, first: dt.date, last: dt.date) -> list[port.PurgedCount]:
        return []

    def targets(self, periods: list[str]) -> list[port.TargetRow]:
        return [
            port.TargetRow("2026-12-01", "dossiers", "", 4),
            port.TargetRow("2026-12-02", "dossiers", "X", 1000),
        ]

    def station_name(self) -> str | None:
        return None


def figures(name: str = "Đăng ký thường trú") -> Figures:
    stats = Statistics(Source(), [ServiceInfo("X", name, 7)], dt.UTC)
    return stats.figures(dt.date(2026, 12, 1), dt.date(2026, 12, 3), Grain.DAY, "Công an xã Hòa Bình")


def test_svg_is_well_formed_with_one_bar_per_value() -> None:
    chart = figures_chart(figures())
    assert chart.categories == ("01/12", "02/12", "03/12")
    assert chart.series[0].values == (3, 1200, 0) and chart.series[1].values == (0, 2, 0)
    root = ET.fromstring(to_svg(chart))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 6
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Hồ sơ tiếp nhận và đã giải quyết" in texts and "Đã giải quyết" in texts
    assert "2.000" in texts  # axis top above 1.200, written the Vietnamese way
    tallest = max(bars, key=lambda r: float(r.get("height", 0)))
    assert tallest.find(f"{SVG}title").text == "Tiếp nhận 02/12: 1.200"  # type: ignore[union-attr]


def test_axis_tops_are_round() -> None:
    def top(*values: int) -> int:
        return BarChart("t", tuple(str(i) for i in range(len(values))), (Series("s", values),)).top

    assert (top(), top(0), top(1), top(7), top(13), top(40), top(99), top(60905)) == (
        1,
        1,
        1,
        10,
        20,
        50,
        100,
        100000,
    )


def test_labels() -> None:
    assert short_label("2026-12-01") == "01/12" and short_label("2026-12-01", compact=True) == "01"
    assert short_label("2026-W49") == "T49" and short_label("2026-12") == "12/2026"


def test_the_same_chart_through_reportlab(tmp_path: Path) -> None:
    from reportlab.graphics import renderPDF

    from devices.printer.layout import REGULAR
    from devices.printer.receipt_pdf import register_fonts

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    register_fonts()
    out = tmp_path / "chart.pdf"
    renderPDF.drawToFile(to_drawing(figures_chart(figures()), REGULAR), str(out))
    text = subprocess.run([pdftotext, str(out), "-"], check=True, capture_output=True, text=True).stdout
    for label in ("Hồ sơ tiếp nhận và đã giải quyết", "Tiếp nhận", "Đã giải quyết", "02/12", "2.000"):
        assert label in text, label


def test_console_fragment() -> None:
    html = render_stats(figures())
    assert html.startswith("<section class='stats'>") and html.endswith("</section>")
    assert "Công an xã Hòa Bình" in html and "<svg" in html
    assert "3 / 4 — 75,00%" in html and "<meter min='0' max='100' value='75.0'>" in html
    assert "1.200 / 1.000 — 120,00%" in html  # beyond the target: the bar stops at full
    assert "<meter min='0' max='100' value='100.0'>" in html
    assert "<td>card</td><td>4</td>" in html


def test_console_fragment_escapes_names() -> None:
    html = render_stats(figures("<script>alert(1)</script> & co"))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None
    ET.fromstring(svg.group(0))  # still well-formed
