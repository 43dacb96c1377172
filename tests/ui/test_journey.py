"""A citizen's whole journey through the real UI: idle → card → form → review → printed receipt.

Drives the widgets with clicks, as a finger would, with the real journey, emulated card, SQLite
database and PDF printer; then checks the stored dossier and the receipt's text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.widgets.address_picker import AddressPicker
from ui.widgets.date_picker import add_months

NAME = "Hoàng Đình Nguyễn Thượng Khải Hoàn"


def click(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(widget.isVisible, timeout=2000)  # new widgets show on the next event-loop turn
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def find_button(parent: QWidget, text: str) -> QPushButton:
    matches = [b for b in parent.findChildren(QPushButton) if b.text() == text and not b.isHidden()]
    assert matches, f"no visible button {text!r}; have {[b.text() for b in parent.findChildren(QPushButton)]}"
    return matches[0]


def screen(ui: KioskUi) -> str:
    return ui.app.journey.state().screen


def type_on_keyboard(qtbot, ui: KioskUi, keys: str) -> None:  # type: ignore[no-untyped-def]
    form = ui.window.screens["form"]
    for key in keys:
        if key == " ":
            click(qtbot, find_button(form, "Dấu cách"))
        else:
            button = next(
                b for b in form.findChildren(QPushButton) if b.isVisible() and b.text().lower() == key.lower()
            )
            click(qtbot, button)


def test_citizen_journey_to_printed_receipt(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    window = ui.window
    assert screen(ui) == "idle"
    click(qtbot, window.screens["idle"])
    assert screen(ui) == "menu"
    tile = window.screens["menu"].tiles["1.003677"]  # type: ignore[attr-defined]
    click(qtbot, tile)  # the first touch says the tile's name
    assert screen(ui) == "menu"
    click(qtbot, tile)  # the second opens it
    assert screen(ui) == "intro"
    click(qtbot, window.primary_button)
    assert screen(ui) == "consent"  # Law 91/2025/QH15: asked before the card is read
    click(qtbot, window.primary_button)
    assert screen(ui) == "card"
    assert not window.primary_button.isVisible()  # nothing to continue with before the card is read

    # Demo mode: the long-named citizen's card is placed and its number filled as a QR scan would.
    reader = ui.app.card_reader()
    profile = next(p for p in ui.app.demo_profiles if p.holder.full_name == NAME)
    reader.insert(profile)  # type: ignore[attr-defined]
    card_screen = window.screens["card"]
    for digit in profile.holder.id_number:
        click(qtbot, find_button(card_screen, digit))
    qtbot.waitUntil(lambda: screen(ui) == "identity", timeout=WAIT_MS)
    identity = window.screens["identity"]
    assert NAME in [v.text() for v in identity.values]  # type: ignore[attr-defined]
    click(qtbot, window.primary_button)

    assert ui.app.journey.state().step.id == "destination"  # type: ignore[union-attr]
    click(qtbot, window.primary_button)  # empty: refused with a message saying what to do
    errors = [w.text() for w in window.screens["form"].findChildren(QWidget, "error")]
    assert "Ông/Bà chạm vào tỉnh, rồi xã nơi sẽ đến, rồi ghi thôn hoặc số nhà" in errors
    (picker,) = window.screens["form"].findChildren(AddressPicker)  # the place is picked, not typed
    click(qtbot, picker.province_buttons()["48"])
    click(qtbot, picker.commune_buttons()["20200"])
    type_on_keyboard(qtbot, ui, "thoon 3")
    # words start upper-case
    assert ui.app.journey.state().form.values["destination"]["street"] == "Thôn 3"
    assert ui.app.journey.state().form.values["destination"]["commune_name"] == "Phường Hòa Khánh"
    click(qtbot, window.primary_button)

    assert ui.app.journey.state().step.id == "dates"  # type: ignore[union-attr]
    values = ui.app.journey.state().form.values
    today = dt.date.today()
    assert "date_from" not in values and "date_to" not in values  # chosen, never pre-filled
    pickers = window.screens["form"].value_widgets()  # type: ignore[attr-defined]
    assert pickers["date_from"].date() is None
    click(qtbot, window.primary_button)  # nothing chosen: refused, each date says so
    assert set(ui.app.journey.state().form.errors) == {"date_from", "date_to"}
    plus_day_from = next(b for b in pickers["date_from"].findChildren(QPushButton) if b.text() == "+")
    click(qtbot, plus_day_from)  # steps from today: tomorrow
    assert ui.app.journey.state().form.values["date_from"] == (today + dt.timedelta(days=1)).isoformat()
    click(qtbot, pickers["date_to"].month_button)  # "+1 tháng" from the day after leaving
    leave = today + dt.timedelta(days=1)
    back_on = add_months(leave + dt.timedelta(days=1), 1)
    assert ui.app.journey.state().form.values["date_to"] == back_on.isoformat()
    click(qtbot, window.primary_button)

    assert ui.app.journey.state().step.id == "reason"  # type: ignore[union-attr]
    click(qtbot, find_button(window.screens["form"], "Thăm người thân"))
    click(qtbot, window.primary_button)
    assert screen(ui) == "review"
    click(qtbot, window.primary_button)

    qtbot.waitUntil(lambda: ui.app.journey.state().review.print_state == "printed", timeout=20000)
    state = ui.app.journey.state()
    assert screen(ui) == "done"
    code = state.review.tracking_code
    assert len(code) == 10

    stored = ui.app.side.store().get(code)
    assert stored is not None and stored.readable
    assert stored.status == "received"
    assert stored.dossier is not None
    assert stored.dossier.service_code == "1.003677"
    assert stored.dossier.holder["full_name"] == NAME
    assert stored.dossier.fields["reason"] == "family"
    assert stored.dossier.holder["passive_auth"] == "valid"  # the emulated chip's SOD chains to the test CSCA

    pdfs = list(ui.app.config.receipts_dir.glob(f"{code[:5]}-{code[5:]}-*.pdf"))
    assert len(pdfs) == 1
    text = unicodedata.normalize("NFC", "".join(page.extract_text() for page in PdfReader(pdfs[0]).pages))
    assert NAME in text
    assert "Khai báo tạm vắng" in text
    assert f"{code[:5]}-{code[5:]}" in text

    click(qtbot, window.primary_button)  # "Xong": back to the start, session wiped
    assert screen(ui) == "idle"
    assert ui.app.journey.state().card.holder is None
    qtbot.wait(50)  # let the dropped screens be deleted
    shown = [w.text() for w in window.findChildren(QLabel)] + [
        w.text() for w in window.findChildren(QLineEdit)
    ]
    assert not any(NAME in text or "Tam Thăng" in text for text in shown)  # nothing of theirs left on screen
    assert ui.app.controller.last_receipt is None
    assert ui.app.card_side is not None  # the card service, served on a thread here
    assert ui.app.card_side.reader().last_outcome is None  # type: ignore[attr-defined]  # it forgot the read


def test_every_screen_has_officer_button_and_way_back(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    window = ui.window
    ui.app.journey.start()
    ui.app.journey.choose_service("1.003677")
    seen = set()
    for _ in range(3):
        seen.add(screen(ui))
        assert window.officer_button.isVisible()
        assert window.back_button.isVisible()
        if screen(ui) == "consent":
            ui.app.journey.consent(True)
        else:
            ui.app.journey.next()
    click(qtbot, window.officer_button)
    assert window.overlay.isVisible()
    assert seen == {"intro", "consent", "card"}


def test_idle_warning_then_wipe(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    journey = ui.app.journey
    journey.start()
    journey.choose_service("1.003677")
    journey._last_touch -= dt.timedelta(seconds=61)
    qtbot.waitUntil(lambda: journey.state().idle_warning, timeout=3000)
    assert ui.window.overlay.isVisible()
    journey._last_touch -= dt.timedelta(seconds=20)
    qtbot.waitUntil(lambda: screen(ui) == "idle", timeout=3000)
    assert not ui.window.overlay.isVisible()
