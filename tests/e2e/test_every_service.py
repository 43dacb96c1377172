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
from kiosk.samples import sample_value
from kiosk.validation import display_value

SERVICES = [service.code for service in load_catalog().services]
NAME = "Trần Văn Đức"


def shown_texts(widget: Any) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]


def answer_step(citizen: Any) -> dict[str, Any]:
    """Every question of the form step on screen (a choice may reveal another one), as tapped."""
    given: dict[str, Any] = {}
    journey = citizen.ui.app.journey
    while True:
        state = citizen.state()
        asked = [
            f
            for f in state.service.fields_of(state.step, state.values)
            if not f.readonly and f.id not in given
        ]
        if not asked:
            return given
        fdef = asked[0]
        value = sample_value(fdef, dict(state.values), journey.today())
        citizen.answer(fdef, value)
        assert citizen.state().values.get(fdef.id) == value, fdef.id
        given[fdef.id] = value


def add_guests(citizen: Any, guests: list[Any]) -> None:
    people = citizen.window.screens["people"]
    for count, guest in enumerate(guests, 1):
        citizen.tap(people.add)
        citizen.wait_for("card")
        citizen.place_card(guest)
        citizen.qtbot.waitUntil(
            lambda n=count: citizen.screen() == "people" and len(citizen.state().people) == n, timeout=10000
        )


@pytest.mark.parametrize("code", SERVICES)
def test_service_tapped_to_printed_receipt(citizen: Any, code: str) -> None:
    window = citizen.window
    app = citizen.ui.app
    profile = next(p for p in app.demo_profiles if p.holder.full_name == NAME)
    guests = [p for p in app.demo_profiles if p.holder.full_name != NAME][:2]

    citizen.tap(window.screens["idle"])
    citizen.wait_for("menu")
    citizen.tap(window.screens["menu"].tiles[code])
    citizen.wait_for("intro")
    citizen.next()
    citizen.wait_for("consent")
    citizen.next()
    citizen.wait_for("card")
    citizen.place_card(profile)
    citizen.wait_for("identity")
    citizen.next()

    service = citizen.state().service
    answers: dict[str, Any] = {}
    for _ in range(len(service.steps)):
        screen = citizen.screen()
        step = citizen.state().step
        if screen == "review":
            break
        if screen == "people":
            add_guests(citizen, guests)
        else:
            assert screen == "form", screen
            answers.update(answer_step(citizen))
        citizen.next()
        state = citizen.state()
        assert not state.errors, (step.id, state.errors)
        assert state.step is not step, f"stuck on {step.id}"
        citizen.wait_for(state.screen)
    assert citizen.screen() == "review"

    review = shown_texts(window.screens["review"])
    assert f"{NAME} — {profile.holder.id_number}" in review
    for fid, value in answers.items():
        assert display_value(service.fields[fid], value, "vi") in review, fid
    if any(step.kind == "people" for step in service.steps):
        for guest in guests:
            assert any(text.startswith(guest.holder.full_name) for text in review), guest.holder.full_name
    assert window.overflow() == 0

    citizen.next()  # send
    citizen.qtbot.waitUntil(lambda: citizen.state().print_state in ("printed", "failed"), timeout=20000)
    state = citizen.state()
    assert state.print_state == "printed"
    stored = app.store().get(state.tracking_code)
    assert stored is not None and stored.dossier is not None
    assert stored.dossier.service_code == code
    assert stored.dossier.holder["full_name"] == NAME
    assert stored.dossier.consented_at is not None
    for fid, value in answers.items():
        assert stored.dossier.fields[fid] == value, fid
    code_shown = f"{state.tracking_code[:5]}-{state.tracking_code[5:]}"
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
