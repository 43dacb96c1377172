"""What the slip says, before any drawing: wording, order, normalisation, optional parts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata

from devices.printer import layout
from devices.printer.layout import Field, Qr, Section, Text, receipt_blocks
from devices.printer.sample import sample_receipt


def texts(blocks: list[layout.Block]) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Text)]


def test_all_display_text_is_nfc() -> None:
    decomposed = dataclasses.replace(
        sample_receipt(),
        citizen_name=unicodedata.normalize("NFD", "Hoàng Đình Nguyễn Thượng Khải Hoàn"),
        lines=[(unicodedata.normalize("NFD", "Nơi đến:"), unicodedata.normalize("NFD", "Sa Pa"))],
    )
    blocks = receipt_blocks(decomposed)
    fields = {b.label: b.value for b in blocks if isinstance(b, Field)}
    assert fields["Người nộp"] == "Hoàng Đình Nguyễn Thượng Khải Hoàn"
    assert fields["Nơi đến"] == "Sa Pa"  # trailing colon dropped: the renderer adds one
    for b in blocks:
        for value in dataclasses.astuple(b):
            if isinstance(value, str):
                assert unicodedata.is_normalized("NFC", value), value


def test_time_is_day_first_24_hour() -> None:
    receipt = dataclasses.replace(sample_receipt(), submitted_at=dt.datetime(2026, 3, 4, 21, 7))
    assert "Thời gian nộp: 04/03/2026 21:07" in texts(receipt_blocks(receipt))


def test_qr_payload_untouched() -> None:
    payload = "https://example.vn/tra-cuu?ma=7K3QX  M9T2B&x=ă"
    blocks = receipt_blocks(dataclasses.replace(sample_receipt(), qr_payload=payload))
    assert [b.payload for b in blocks if isinstance(b, Qr)] == [payload]


def test_optional_parts_left_out_when_empty() -> None:
    bare = dataclasses.replace(
        sample_receipt(), fee_text=" ", queue_number="", next_steps="", where_to_ask=""
    )
    blocks = receipt_blocks(bare)
    labels = {b.label for b in blocks if isinstance(b, Field)}
    assert layout.LABEL_QUEUE not in labels and layout.LABEL_FEE not in labels
    assert not any(isinstance(b, Section) for b in blocks)
    full = {b.label for b in receipt_blocks(sample_receipt()) if isinstance(b, Field)}
    assert {layout.LABEL_QUEUE, layout.LABEL_FEE} <= full


def test_order_station_title_code_then_citizen() -> None:
    blocks = receipt_blocks(sample_receipt())
    kinds = [type(b).__name__ for b in blocks]
    assert blocks[0] == Text("Công an phường Hoàn Kiếm, thành phố Hà Nội", layout.Style.STATION)
    assert kinds.index("Code") < kinds.index("Qr") < kinds.index("Field")


def test_nfc_collapses_spaces_keeps_line_breaks() -> None:
    assert layout.nfc("  Bước 1:\tnộp \n\n Bước 2 ") == "Bước 1: nộp\nBước 2"
