"""The screens the window builds ahead (issue 8: idle memory): while idle only what one touch on the
idle screen opens; in a session the screens of the steps still to come, built before the citizen
touches towards them; after the session's wipe, only the kept ones stay."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.app.scripted import DESTINATION, TAM_VANG
from kiosk.catalog import load_catalog
from kiosk.flow.state import FlowState, Phase
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.widgets.address_picker import AddressPicker
from ui.window import IDLE_AHEAD, SCREEN_MODULES, KioskWindow, likely_screens

NAME = "Giàng Thị Mỷ"  # a demo card, placed by its button on the card screen
CATALOG = load_catalog()


def at(step_id: str) -> FlowState:
    service = CATALOG.get(TAM_VANG)
    index = next(i for i, s in enumerate(service.steps) if s.id == step_id)
    return FlowState(phase=Phase.STEP, service=service, step_index=index)


def test_likely_screens_follow_the_walk() -> None:
    services = CATALOG.services
    assert likely_screens(FlowState(), services) == IDLE_AHEAD == ("menu", "status", "form")
    assert likely_screens(FlowState(phase=Phase.MENU), services) == ("intro", "consent")
    service = CATALOG.get(TAM_VANG)  # intro, consent, card, identity, three form steps, review
    intro = FlowState(phase=Phase.STEP, service=service, step_index=0)
    assert likely_screens(intro, services) == ("consent", "card", "identity", "form", "review")
    assert likely_screens(at("destination"), services) == ("form", "review")  # the review 3 steps away
    assert likely_screens(at("dates"), services) == ("form", "review", "submitting", "done")
    review = FlowState(phase=Phase.STEP, service=service, step_index=len(service.steps) - 1)
    assert likely_screens(review, services) == ("submitting", "done")
    assert likely_screens(FlowState(phase=Phase.SUBMITTING, service=service), services) == ("done",)
    for phase in (Phase.DONE, Phase.STATUS):
        assert likely_screens(FlowState(phase=phase, service=service), services) == ()


def built(window: KioskWindow) -> set[str]:
    return set(window.screens)  # the keys: looking a name up would build it


def idle_done(qtbot, window: KioskWindow) -> None:
    qtbot.waitUntil(lambda: "menu" in window.screens and not window.prebuilding, timeout=20000)


def tap(qtbot, window: KioskWindow, widget: QWidget) -> None:
    """A finger's touch, once the window has made ahead what the screen shown leads to."""
    qtbot.waitUntil(lambda: not window.preparing and widget.isVisible(), timeout=20000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def button(qtbot, parent: QWidget, text: str) -> QPushButton:
    shown = lambda: [b for b in parent.findChildren(QPushButton) if b.text() == text and b.isVisible()]  # noqa: E731
    qtbot.waitUntil(lambda: bool(shown()), timeout=2000)  # new widgets show on the next turn
    return shown()[0]


def test_idle_builds_only_what_one_touch_opens(qtbot, kiosk_ui: KioskUi) -> None:
    window = kiosk_ui.window
    idle_done(qtbot, window)
    # The idle screen's status button is one touch; the form is kept from one session to the next.
    assert built(window) == {"idle", "menu", "status", "form"}
    assert not window.screens["form"].findChildren(AddressPicker)  # its pickers: made with a session
    assert all(module in sys.modules for module in SCREEN_MODULES)  # every screen's code
    menu = window.screens["menu"]
    assert menu.grid.count() == len(menu.tiles)  # type: ignore[attr-defined]  # laid out ahead too


def test_the_next_screens_are_built_before_the_touch_then_go_with_the_session(
    qtbot, kiosk_ui: KioskUi
) -> None:
    ui = kiosk_ui
    window, journey = ui.window, ui.app.journey
    idle_done(qtbot, window)
    menu = window.screens["menu"]
    tap(qtbot, window, window.screens["idle"])
    assert window.current_screen() is menu  # the one built while idle

    tile = menu.tiles[TAM_VANG]  # type: ignore[attr-defined]
    tap(qtbot, window, tile)  # the first touch says the tile's name
    assert {"intro", "consent"} <= built(window) and "card" not in built(window)
    ahead = {name: window.screens[name] for name in ("intro", "consent")}
    tap(qtbot, window, tile)  # the second opens it
    assert window.current_screen() is ahead["intro"]
    tap(qtbot, window, window.primary_button)
    assert window.current_screen() is ahead["consent"]
    qtbot.waitUntil(lambda: not window.preparing, timeout=20000)
    assert {"card", "identity", "form", "review"} <= built(window)  # all the steps to come
    assert not {"submitting", "done", "people"} & built(window)  # the review is not near; no guests
    ahead = {name: window.screens[name] for name in ("card", "identity", "form")}
    tap(qtbot, window, window.primary_button)
    assert window.current_screen() is ahead["card"]

    tap(qtbot, window, button(qtbot, ahead["card"], NAME))  # the demo card placed, then read
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=WAIT_MS)
    assert window.current_screen() is ahead["identity"]
    tap(qtbot, window, window.primary_button)
    form = window.current_screen()
    assert form is ahead["form"]

    # Destination: province and commune tiles, the village typed; then the dates, then the reason.
    (place,) = [p for p in form.findChildren(AddressPicker) if p.isVisible()]
    tap(qtbot, window, place.province_buttons()[DESTINATION["province_code"]])
    tap(qtbot, window, place.commune_buttons()[DESTINATION["commune_code"]])
    for key in "thoon 3":
        keys = [b for b in place.keyboard.findChildren(QPushButton) if b.isVisible()]
        letter = (
            place.keyboard.space_button if key == " " else next(b for b in keys if b.text().lower() == key)
        )
        tap(qtbot, window, letter)
    assert place.value() == DESTINATION
    tap(qtbot, window, window.primary_button)
    assert journey.state().step.id == "dates"  # type: ignore[union-attr]
    for picker in form.value_widgets().values():  # type: ignore[attr-defined]
        tap(qtbot, window, picker.month_button)
    tap(qtbot, window, window.primary_button)
    assert journey.state().step.id == "reason"  # type: ignore[union-attr]
    tap(qtbot, window, button(qtbot, form, "Thăm người thân"))
    qtbot.waitUntil(lambda: not window.preparing, timeout=20000)
    ahead = {name: window.screens[name] for name in ("review", "submitting", "done")}  # the review near
    tap(qtbot, window, window.primary_button)
    assert window.current_screen() is ahead["review"]
    tap(qtbot, window, window.primary_button)  # "Gửi hồ sơ": sending, then sent
    qtbot.waitUntil(lambda: journey.state().review.print_state == "printed", timeout=WAIT_MS)
    assert window.current_screen() is ahead["done"]

    tap(qtbot, window, window.primary_button)  # "Xong": the session's wipe
    assert journey.state().phase is Phase.IDLE
    assert built(window) == {"idle", "menu", "form"}  # the kept ones; the status screen is built again
    idle_done(qtbot, window)
    assert built(window) == {"idle", "menu", "form", "status"}
    assert window.screens["menu"] is menu
