"""The one-page PDF report for upward reporting: station, period, figures, a chart, targets and the
audit chain head, in the receipts' embedded Be Vietnam Pro (so diacritics print anywhere).

Laid out with reportlab's platypus inside one frame that shrinks its content to fit: the report
is one page however many services it lists.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from devices.printer.layout import BOLD, REGULAR
from devices.printer.receipt_pdf import register_fonts
from kiosk.charts import figures_chart, to_drawing
from kiosk.report import NOT_APPLICABLE, ReportHeader, summary_lines, title, vi_date
from kiosk.stats import Figures, Row, seconds_text, vi_int, vi_percent

MARGIN = 15 * mm


def _style(size: float, font: str = REGULAR, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(f"{font}-{size}", fontName=font, fontSize=size, leading=leading or size * 1.3)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _grid(data: list[list[str]], widths: list[float], font_size: float = 8, text_columns: int = 1) -> Table:
    """A ruled table: the first `text_columns` columns left-aligned, the figures right-aligned."""
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, font_size),
                ("FONT", (0, 0), (-1, 0), BOLD, font_size),
                ("ALIGN", (text_columns, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _service_cells(row: Row) -> list[str]:
    on_time = (
        NOT_APPLICABLE if row.on_time is None else f"{vi_int(row.on_time)} ({vi_percent(row.on_time_share)})"
    )
    return [
        row.service_name,
        vi_int(row.submitted),
        vi_int(row.assisted),
        vi_int(row.finished),
        on_time,
        seconds_text(row.median_seconds),
        vi_int(row.abandoned),
    ]


def render_pdf(figures: Figures, header: ReportHeader) -> bytes:
    register_fonts()
    width = A4[0] - 2 * MARGIN
    story: list[Flowable] = [
        Paragraph(_escape(header.station_name), _style(11, BOLD)),
        Paragraph(_escape(title(figures)), _style(15, BOLD)),
        Spacer(0, 3 * mm),
        _grid(
            [["Chỉ số", "Cả kỳ"], *[[k, v] for k, v in summary_lines(figures)]],
            [width * 0.45, width * 0.55],
            9,
        ),
        Spacer(0, 4 * mm),
        to_drawing(figures_chart(figures), REGULAR, width, 62 * mm),
        Spacer(0, 3 * mm),
        Paragraph("Theo dịch vụ", _style(10, BOLD)),
        _grid(
            [
                ["Dịch vụ", "Tiếp nhận", "Hỗ trợ", "Giải quyết", "Đúng hạn", "Trung vị", "Bỏ dở"],
                *[_service_cells(r) for r in figures.totals],
            ],
            [width * f for f in (0.34, 0.09, 0.08, 0.1, 0.17, 0.13, 0.09)],
            7.5,
        ),
    ]
    if figures.targets:
        story += [
            Spacer(0, 3 * mm),
            Paragraph("Chỉ tiêu", _style(10, BOLD)),
            _grid(
                [
                    ["Kỳ", "Chỉ tiêu", "Đạt / chỉ tiêu — tỷ lệ"],
                    *[[t.period, t.label, t.text] for t in figures.targets],
                ],
                [width * 0.14, width * 0.52, width * 0.34],
                text_columns=2,
            ),
        ]
    if figures.abandoned_steps:
        steps = ", ".join(f"{step}: {vi_int(n)}" for step, n in figures.abandoned_steps)
        story += [Spacer(0, 2 * mm), Paragraph(_escape(f"Phiên bỏ dở theo bước — {steps}"), _style(8))]
    story += [
        Spacer(0, 4 * mm),
        Paragraph(
            _escape(
                "Đúng hạn: trong số ngày làm việc của thủ tục (không tính thứ Bảy, Chủ nhật; "
                "chưa trừ ngày lễ). "
                f"Lập lúc {header.made_at:%H:%M} ngày {vi_date(header.made_at.date())}."
            ),
            _style(7.5),
        ),
        Paragraph(_escape(f"Đầu chuỗi nhật ký: {header.chain_head}"), _style(9, BOLD)),
    ]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title(figures))
    canvas.setAuthor(header.station_name)
    frame = Frame(MARGIN, MARGIN, width, A4[1] - 2 * MARGIN, leftPadding=0, rightPadding=0, topPadding=0)
    frame.addFromList([KeepInFrame(width, A4[1] - 2 * MARGIN, story, mode="shrink")], canvas)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
