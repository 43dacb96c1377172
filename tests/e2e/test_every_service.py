"""Every catalog service, tapped through the real window from idle to the printed receipt: the
card and its number on the keypad, every question with its own widget, the guests' cards, the
review, send; then the stored dossier and the PDF receipt are checked."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QLabel

from kiosk.catalog import load_catalog
from kiosk.payment import format_money
from kiosk.validation import display_value

SERVICES = [service.code for service in load_catalog().services]
NAME = "Trần Văn Đức"


def shown_texts(widget: Any) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]


@pytest.mark.parametrize("code", SERVICES)
def test_service_tapped_to_printed_receipt(citizen: Any, code: str) -> None:
    window = citizen.window
    app = citizen.ui.app
    profile = next(p for p in app.demo_profiles if p.holder.full_name == NAME)
    guests = [p for p in app.demo_profiles if p.holder.full_name != NAME][:2]

    citizen.start(code, profile)
    service = citizen.state().service
    answers = citizen.walk_to_review(guests)

    review = shown_texts(window.screens["review"])
    assert f"{NAME} — {profile.holder.id_number}" in review
    for fid, value in answers.items():
        assert display_value(service.fields[fid], value, "vi") in review, fid
    if any(step.kind == "people" for step in service.steps):
        for guest in guests:
            assert any(text.startswith(guest.holder.full_name) for text in review), guest.holder.full_name
    fee = citizen.state().fee_amount  # shown and said before sending (issue 11), free or not
    shown_fee = format_money(fee) if fee else "Không thu lệ phí"
    assert shown_fee in review
    assert shown_fee in window.screens["review"].spoken(citizen.state())
    assert window.overflow() == 0

    citizen.next()  # send
    citizen.qtbot.waitUntil(
        lambda: citizen.state().review.print_state in ("printed", "failed"), timeout=20000
    )
    state = citizen.state()
    assert state.review.print_state == "printed"
    stored = citizen.stored(state.review.tracking_code)
    assert stored is not None and stored.dossier is not None
    assert stored.dossier.service_code == code
    assert stored.dossier.holder["full_name"] == NAME
    assert stored.dossier.consented_at is not None
    for fid, value in answers.items():
        assert stored.dossier.fields[fid] == value, fid
    code_shown = f"{state.review.tracking_code[:5]}-{state.review.tracking_code[5:]}"
    (pdf,) = app.config.receipts_dir.glob(f"{code_shown}-*.pdf")
    text = unicodedata.normalize("NFC", "".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert NAME in text and code_shown in text

    done = window.screens["done"]
    if state.fee_amount:  # the configured VietQR is offered, with its QR code
        citizen.tap(done.pay_button)
        citizen.qtbot.waitUntil(lambda: bool(done.panel.qr_labels), timeout=2000)
        citizen.next()  # back to the summary
    citizen.next()  # "Xong"
    citizen.wait_for("idle")
