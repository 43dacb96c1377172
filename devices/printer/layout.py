"""What goes on a receipt slip, in order, independent of how it is drawn.

`receipt_blocks` turns a `Receipt` into a list of blocks with the fixed Vietnamese wording, dates
formatted and all text NFC-normalised. Both renderers draw this list, the PDF page
(`receipt_pdf.py`, for the pdf and cups backends) and the thermal raster (`raster.py`, for escpos),
so every slip says the same thing.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from dataclasses import dataclass

from kiosk.receipt import Receipt

DOC_TITLE = "PHIẾU TIẾP NHẬN HỒ SƠ"
LABEL_PROCEDURE = "Mã thủ tục"
LABEL_SUBMITTED = "Thời gian nộp"
LABEL_TRACKING = "MÃ HỒ SƠ"
QR_CAPTION = "Quét mã để tra cứu kết quả hồ sơ"
LABEL_CITIZEN = "Người nộp"
LABEL_FEE = "Lệ phí"
LABEL_QUEUE = "Số thứ tự"
LABEL_APPOINTMENT = "Ngày giờ hẹn"
LABEL_RESULT_DUE = "Ngày hẹn trả kết quả"
RESULT_DUE_NOTE = "dự kiến, chưa trừ ngày nghỉ lễ"
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
LABEL_NEXT = "Bước tiếp theo"
LABEL_ASK = "Cần hỏi thêm"
FOOTER = "Ông/Bà vui lòng giữ phiếu này để tra cứu và nhận kết quả."


class Style(enum.Enum):
    STATION = "station"  # issuing station, top line
    DOC_TITLE = "doc_title"  # PHIẾU TIẾP NHẬN HỒ SƠ
    SERVICE = "service"  # official service name, may wrap
    META = "meta"  # procedure code, time
    NOTE = "note"  # captions, footer


@dataclass(frozen=True)
class Text:
    text: str
    style: Style
    centered: bool = True


@dataclass(frozen=True)
class Field:
    """`label: value` on one flowing paragraph; `emphasis` draws the value larger."""

    label: str
    value: str
    emphasis: bool = False


@dataclass(frozen=True)
class Section:
    """A small heading over a paragraph (next steps, where to ask)."""

    title: str
    text: str


@dataclass(frozen=True)
class Code:
    """The tracking code: the one thing on the slip that must be unmistakable."""

    label: str
    code: str


@dataclass(frozen=True)
class Qr:
    payload: str
    caption: str


@dataclass(frozen=True)
class Rule:
    pass


Block = Text | Field | Section | Code | Qr | Rule


def nfc(text: str) -> str:
    """NFC (card chips and some keyboards give decomposed marks), spaces collapsed, line breaks kept."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


def format_time(moment: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM, 24-hour, as the citizen reads dates (printed as stored: local time)."""
    return moment.strftime("%d/%m/%Y %H:%M")


def format_day(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day.strftime('%d/%m/%Y')}"


def receipt_blocks(receipt: Receipt) -> list[Block]:
    r = receipt
    blocks: list[Block] = [
        Text(nfc(r.station_name), Style.STATION),
        Text(DOC_TITLE, Style.DOC_TITLE),
        Rule(),
        Text(nfc(r.service_title), Style.SERVICE),
        Text(f"{LABEL_PROCEDURE}: {nfc(r.service_code)}", Style.META),
        Text(f"{LABEL_SUBMITTED}: {format_time(r.submitted_at)}", Style.META),
        Code(LABEL_TRACKING, nfc(r.tracking_code)),
        # The payload goes into the QR byte for byte; only displayed text is normalised.
        Qr(r.qr_payload, QR_CAPTION),
        Rule(),
        Field(LABEL_CITIZEN, nfc(r.citizen_name), emphasis=True),
    ]
    # The day to come back, in large type right under the name: what the citizen looks for later.
    if r.appointment.strip():
        blocks.append(Field(LABEL_APPOINTMENT, nfc(r.appointment), emphasis=True))
    elif r.result_due is not None:
        due = f"{format_day(r.result_due)} ({RESULT_DUE_NOTE})"
        blocks.append(Field(LABEL_RESULT_DUE, due, emphasis=True))
    # Labels come from service definitions, some with a trailing colon already.
    blocks += [Field(nfc(label).rstrip(":").rstrip(), nfc(value)) for label, value in r.lines]
    if r.fee_text.strip():
        blocks.append(Field(LABEL_FEE, nfc(r.fee_text)))
    if r.queue_number.strip():
        blocks.append(Field(LABEL_QUEUE, nfc(r.queue_number), emphasis=True))
    if r.next_steps.strip() or r.where_to_ask.strip():
        blocks.append(Rule())
    if r.next_steps.strip():
        blocks.append(Section(LABEL_NEXT, nfc(r.next_steps)))
    if r.where_to_ask.strip():
        blocks.append(Section(LABEL_ASK, nfc(r.where_to_ask)))
    blocks.append(Text(FOOTER, Style.NOTE))
    return blocks


# Shared by the PDF and the thermal raster renderers: the bundled faces and their line geometry
# in ems (Be Vietnam Pro's stacked capitals reach 1.223 em above the baseline).
REGULAR = "BeVietnamPro-Regular"
SEMIBOLD = "BeVietnamPro-SemiBold"
BOLD = "BeVietnamPro-Bold"
GLYPH_TOP = 1.23
GLYPH_BOTTOM = 0.27
LEADING = 1.5  # ≥ GLYPH_TOP + GLYPH_BOTTOM: a stacked capital never touches the line above
CAP_HEIGHT = 0.74  # OS/2 capHeight 740/1000
