"""What the window makes ahead so that a touch does not wait for it (issue 8, bench/stalls.py): the
menu laid out while idle; the form's address and date pickers made while the citizen reads the
screens before the form, used by its steps, wiped with the session and deleted while idle."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from kiosk.app.scripted import DESTINATION, journey_steps
from kiosk.flow.state import Phase
from ui.app import KioskUi
from ui.widgets.address_picker import COMMUNE_TILES, AddressPicker
from ui.widgets.date_picker import DatePicker


def tap(qtbot, widget: QWidget) -> None:
    qtbot.waitUntil(widget.isVisible, timeout=2000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def letter(picker: AddressPicker, key: str) -> QPushButton:
    keys = picker.keyboard.findChildren(QPushButton)
    return next(b for b in keys if b.isVisible() and b.text().lower() == key)


def test_the_menu_is_laid_out_while_idle(qtbot, kiosk_ui: KioskUi) -> None:
    window = kiosk_ui.window
    qtbot.waitUntil(lambda: "menu" in window.screens and not window.prebuilding, timeout=20000)
    menu = window.screens["menu"]
    assert menu.grid.count() == len(menu.tiles)  # type: ignore[attr-defined]  # placed before the first touch
    assert not menu.isVisible()


def test_pickers_made_ahead_serve_the_steps_then_go_with_the_session(qtbot, kiosk_ui: KioskUi) -> None:
    ui = kiosk_ui
    window, journey = ui.window, ui.app.journey
    qtbot.waitUntil(lambda: "menu" in window.screens and not window.prebuilding, timeout=20000)
    assert not window.screens["form"].findChildren(
        AddressPicker
    )  # no pickers while idle: made with a session

    steps = dict(journey_steps(ui.app))
    steps["start"]()
    steps["choose service"]()  # the intro: the citizen reads, the form and its pickers are made
    qtbot.waitUntil(lambda: not window.preparing, timeout=20000)
    assert "form" in window.screens
    form = window.screens["form"]
    (address,) = form.findChildren(AddressPicker)
    dates = form.findChildren(DatePicker)
    assert len(dates) == 2 and address.tiles_made() == COMMUNE_TILES
    assert not address.isVisible() and journey.state().screen == "intro"

    for name in ("begin", "consent", "read card"):
        steps[name]()
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=20000)
    steps["confirm identity"]()
    assert journey.state().step.id == "destination"  # type: ignore[union-attr]
    qtbot.waitUntil(address.isVisible, timeout=2000)
    assert form.findChildren(AddressPicker) == [address]  # the one made ahead, not a new one
    # Answered on the widgets, as a finger does: what they then hold is what the wipe must clear.
    tap(qtbot, address.province_buttons()[DESTINATION["province_code"]])
    tap(qtbot, address.commune_buttons()[DESTINATION["commune_code"]])
    for key in "thoon 3":
        tap(qtbot, address.keyboard.space_button if key == " " else letter(address, key))
    assert address.value() == DESTINATION
    tap(qtbot, window.primary_button)
    assert journey.state().step.id == "dates"  # type: ignore[union-attr]
    shown = form.value_widgets()  # type: ignore[attr-defined]
    assert {id(shown["date_from"]), id(shown["date_to"])} == {id(d) for d in dates}
    for picker in (shown["date_from"], shown["date_to"]):
        tap(qtbot, picker.month_button)
    assert all(d.date() is not None for d in dates)
    tap(qtbot, window.primary_button)
    steps["reason"]()
    steps["submit"]()
    qtbot.waitUntil(lambda: journey.state().review.print_state == "printed", timeout=20000)
    name = journey.state().card.holder.full_name  # type: ignore[union-attr]

    journey.reset()  # the session wipe: the pickers still exist, with nothing of the citizen's
    assert journey.state().phase is Phase.IDLE
    texts = [w.text() for w in form.findChildren(QLabel)] + [w.text() for w in form.findChildren(QLineEdit)]
    for secret in (name, DESTINATION["commune_name"], DESTINATION["province_name"], DESTINATION["street"]):
        assert not any(secret in text for text in texts), secret
    assert not any(b.text() == DESTINATION["commune_name"] for b in form.findChildren(QPushButton))
    assert not any(b.isChecked() for b in address.province_buttons().values())
    assert address.value() is None and all(d.date() is None for d in dates)
    assert not any(d.calendar is not None and d.calendar.isVisible() for d in dates)
    # … and are deleted while the kiosk is idle: it keeps no ~450 widgets for the next citizen.
    gone = lambda: not form.findChildren(AddressPicker) and not form.findChildren(DatePicker)  # noqa: E731
    qtbot.waitUntil(gone, timeout=5000)
