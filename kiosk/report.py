"""The report's table: the figures as labelled cells, one way for the CSV, the PDF and the console.

The CSV is UTF-8 with a byte-order mark, so spreadsheets (Excel) open it as UTF-8 and show the
diacritics; counts are plain integers (they add up in a spreadsheet), shares are written the
Vietnamese way ("86,22%").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from kiosk.stats import NOT_APPLICABLE, Figures, Grain, Row, seconds_text, vi_int, vi_percent

WHOLE_RANGE = "Cả kỳ"
GRAIN_LABELS = {Grain.DAY: "ngày", Grain.WEEK: "tuần", Grain.MONTH: "tháng"}

COLUMNS = (
    "Kỳ",
    "Mã dịch vụ",
    "Dịch vụ",
    "Tiếp nhận",
    "Tự làm",
    "Có cán bộ hỗ trợ",
    "Đã giải quyết",
    "Đúng hạn",
    "Tỷ lệ đúng hạn",
    "Thời gian tại kiosk, trung vị (giây)",
    "Thời gian tại kiosk, p90 (giây)",
    "Phiên bỏ dở",
    "Kích hoạt định danh điện tử",
)
TARGET_COLUMNS = ("Kỳ", "Chỉ tiêu", "Mã dịch vụ", "Đạt", "Chỉ tiêu giao", "Tỷ lệ", "Tóm tắt")


@dataclass(frozen=True)
class ReportHeader:
    station_name: str
    chain_head: str  # `kiosk.audit.ChainHead.short` when the report was made
    made_at: dt.datetime


def vi_date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _seconds(value: float | None) -> str:
    return "" if value is None else str(round(value))


def row_cells(row: Row) -> list[str]:
    on_time = NOT_APPLICABLE if row.on_time is None else str(row.on_time)
    share = NOT_APPLICABLE if row.on_time is None else vi_percent(row.on_time_share)
    return [
        row.period or WHOLE_RANGE,
        row.service_code,
        row.service_name,
        str(row.submitted),
        str(row.alone),
        str(row.assisted),
        str(row.finished),
        on_time,
        share,
        _seconds(row.median_seconds),
        _seconds(row.p90_seconds),
        str(row.abandoned),
        str(row.eid),
    ]


def title(figures: Figures) -> str:
    return f"Báo cáo thống kê từ {vi_date(figures.first)} đến {vi_date(figures.last)}"


def csv_lines(figures: Figures, header: ReportHeader) -> Iterator[list[str]]:
    yield [title(figures)]
    yield ["Đơn vị", header.station_name]
    yield ["Theo", GRAIN_LABELS[figures.grain]]
    yield ["Lập lúc", f"{header.made_at:%d/%m/%Y %H:%M}"]
    yield ["Đầu chuỗi nhật ký", header.chain_head]
    yield []
    yield list(COLUMNS)
    for row in (*figures.rows, *figures.totals):
        yield row_cells(row)
    yield []
    yield list(TARGET_COLUMNS)
    for t in figures.targets:
        yield [t.period, t.label, t.service_code, str(t.achieved), str(t.target), vi_percent(t.share), t.text]
    yield []
    yield ["Bước bỏ dở", "Số phiên"]
    for step, count in figures.abandoned_steps:
        yield [step, str(count)]


def to_csv(figures: Figures, header: ReportHeader) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as spreadsheets write it
    writer.writerows(csv_lines(figures, header))
    return out.getvalue().encode("utf-8-sig")


def summary_lines(figures: Figures) -> list[tuple[str, str]]:
    """The headline figures of the whole range, labelled, as the PDF and the console show them."""
    total = figures.total
    on_time = (
        NOT_APPLICABLE
        if total.on_time is None
        else f"{vi_int(total.on_time)} / {vi_int(total.timed)} — {vi_percent(total.on_time_share)}"
    )
    share_assisted = total.assisted / total.submitted if total.submitted else None
    return [
        ("Hồ sơ tiếp nhận", vi_int(total.submitted)),
        (
            "Tự làm / có cán bộ hỗ trợ",
            f"{vi_int(total.alone)} / {vi_int(total.assisted)} ({vi_percent(share_assisted)} có hỗ trợ)",
        ),
        ("Đã giải quyết", vi_int(total.finished)),
        ("Giải quyết đúng hạn", on_time),
        (
            "Thời gian tại kiosk (trung vị / p90)",
            f"{seconds_text(total.median_seconds)} / {seconds_text(total.p90_seconds)}",
        ),
        ("Phiên bỏ dở", vi_int(total.abandoned)),
        ("Kích hoạt định danh điện tử", vi_int(total.eid)),
    ]
