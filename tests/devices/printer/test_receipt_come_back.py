"""The receipt shows when to come back (issue 11): the appointment chosen, else the day the result is
due by the service's working days, drawn on both the PDF page and the thermal raster."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata

import pytest
from pypdf import PdfReader

from devices.printer import layout
from devices.printer.raster import render_receipt_image
from devices.printer.receipt_pdf import render_receipt_pdf
from kiosk.catalog import load_catalog
from kiosk.controller import Station, build_receipt
from kiosk.dossier import Dossier
from kiosk.ports.card import Holder
from kiosk.printing import receipt_from_json, receipt_to_json
from kiosk.receipt import Receipt, result_due

CATALOG = load_catalog()
STATION = Station("st-1", "Công an phường Trúc Bạch", "Hỏi cán bộ tại quầy số 1")
HOLDER = Holder(id_number="001099012345", full_name="Nguyễn Văn An", date_of_birth="01/02/1990")
FRIDAY = dt.datetime(2026, 12, 4, 10, 15)


def receipt_for(slug: str, fields: dict[str, object] | None = None) -> Receipt:
    service = CATALOG.get(slug)
    dossier = Dossier("7K3QXM9T2B", service.code, service.version, "st-1", FRIDAY, fields or {})
    return build_receipt(STATION, dossier, service, HOLDER, "vi")


def pdf_text(receipt: Receipt) -> str:
    import io

    text = PdfReader(io.BytesIO(render_receipt_pdf(receipt))).pages[0].extract_text()
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_working_days_skip_the_weekend() -> None:
    assert result_due(FRIDAY.date(), 3) == dt.date(2026, 12, 9)  # Mon, Tue, Wed
    assert result_due(dt.date(2026, 12, 5), 1) == dt.date(2026, 12, 7)  # a Saturday: Monday
    assert result_due(FRIDAY.date(), 5) == dt.date(2026, 12, 11)


def test_a_service_with_working_days_prints_the_expected_result_day() -> None:
    receipt = receipt_for("dang-ky-tam-tru")  # 3 working days (processing_days)
    assert receipt.result_due == dt.date(2026, 12, 9) and receipt.appointment == ""
    text = pdf_text(receipt)
    assert "Ngày hẹn trả kết quả: Thứ Tư, 09/12/2026 (dự kiến, chưa trừ ngày nghỉ lễ)" in text
    assert receipt_from_json(receipt_to_json(receipt)) == receipt  # a queued receipt keeps it


def test_an_appointment_is_the_day_to_come_back_not_a_line_among_the_answers() -> None:
    receipt = receipt_for("cap-lai-the-can-cuoc", {"appointment": {"date": "2026-12-10", "time": "09:30"}})
    assert receipt.appointment == "09:30 10/12/2026" and receipt.result_due is None
    assert all(value != receipt.appointment for _label, value in receipt.lines)
    assert "Ngày giờ hẹn: 09:30 10/12/2026" in pdf_text(receipt)
    blocks = layout.receipt_blocks(receipt)
    citizen = next(i for i, b in enumerate(blocks) if isinstance(b, layout.Field) and b.label == "Người nộp")
    assert blocks[citizen + 1] == layout.Field("Ngày giờ hẹn", "09:30 10/12/2026", emphasis=True)


def test_a_service_with_neither_prints_no_day() -> None:
    receipt = receipt_for("khai-bao-tam-vang")  # "1 ngày làm việc, tối đa 2": no single number
    assert (receipt.appointment, receipt.result_due) == ("", None)
    assert "Ngày hẹn" not in pdf_text(receipt)


@pytest.mark.parametrize("which", ["appointment", "result_due"])
def test_the_thermal_slip_draws_the_day_too(which: str) -> None:
    """The raster draws the same blocks: the day takes room of its own in large type."""
    base = receipt_for("khai-bao-tam-vang")
    day = {
        "appointment": {"appointment": "09:30 10/12/2026"},
        "result_due": {"result_due": dt.date(2026, 12, 9)},
    }
    with_day = dataclasses.replace(base, **day[which])  # type: ignore[arg-type]
    plain, drawn = render_receipt_image(base), render_receipt_image(with_day)
    assert drawn.width == plain.width and drawn.height > plain.height + 40


def test_the_receipt_lists_only_the_questions_asked_and_says_fee_once() -> None:
    # Renting: the papers of a relative's or one's own home were never asked, so never printed
    # (they came out as two empty "Giấy tờ cần có: —" lines).
    dossier_fields = {"basis": "rented", "papers_rented": ["lease"], "phone": ""}
    service = CATALOG.get("dang-ky-tam-tru")
    dossier = Dossier(
        "7K3QXM9T2B", service.code, service.version, "st-1", FRIDAY, dossier_fields, fee_amount=15_000
    )
    receipt = build_receipt(STATION, dossier, service, HOLDER, "vi")
    labels = [label for label, _value in receipt.lines]
    assert labels.count("Giấy tờ cần có") == 1
    text = pdf_text(receipt)
    assert "Lệ phí: 15.000 đồng — chưa nộp" in text
    assert text.count("Lệ phí") == 1
    assert text.count("Giấy tờ cần có") == 1
