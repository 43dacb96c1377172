"""The card step as a citizen sees it after typing a wrong number (issue 11, rows 6b and 6c of
docs/issue-11-checklist.md): the status line no longer says it is waiting beside the error, and
"Xóa hết" takes every typed digit away with one tap.

Driven through the real window: the card goes on the emulated reader (the device's side), the
digits are tapped on the card screen's keypad."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from devices.card.profiles import CitizenProfile
from kiosk import phrases
from kiosk.flow.state import CardPhase
from kiosk.ports.card import CardErrorReason
from tests.e2e.conftest import Citizen, find_button
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.screens.card import CardScreen, group_id

ABSENCE = "1.003677"  # temporary absence: the card is its first step after consent
NAME = "Trần Văn Đức"
# What the status line says while no read has failed: none of them may stand beside the error.
STATUS_TEXTS = {
    t.get("vi")
    for t in (
        phrases.CARD_WAITING,
        phrases.CARD_PRESENT,
        phrases.CARD_READING,
        phrases.CARD_READ,
        *phrases.CARD_STAGES.values(),
    )
}


def at_card_step(qtbot: Any, ui: KioskUi) -> tuple[Citizen, CardScreen, CitizenProfile]:
    """From idle to the card step of temporary absence, the citizen's card on the reader."""
    person = Citizen(qtbot, ui)
    person.tap(ui.window.screens["idle"])
    person.wait_for("menu")
    tile = ui.window.screens["menu"].tiles[ABSENCE]  # type: ignore[attr-defined]
    person.tap(tile)  # the first touch says its name, the second opens it
    person.tap(tile)
    person.wait_for("intro")
    person.next()
    person.wait_for("consent")
    person.next()
    person.wait_for("card")
    profile = next(p for p in ui.app.demo_profiles if p.holder.full_name == NAME)
    reader: Any = ui.app.card_reader()
    reader.insert(profile)
    qtbot.waitUntil(lambda: person.state().card.phase is CardPhase.PRESENT, timeout=WAIT_MS)
    screen = ui.window.screens["card"]
    assert isinstance(screen, CardScreen)
    return person, screen, profile


def wrong_number(right: str) -> str:
    """Twelve digits a citizen might type for `right`: one digit misread."""
    last = "1" if right[-1] != "1" else "2"
    return right[:-1] + last


def shown_texts(screen: CardScreen) -> list[str]:
    return [w.text() for w in screen.findChildren(QLabel) if w.isVisible() and w.text()]


def test_after_a_wrong_number_the_status_line_no_longer_says_it_is_waiting(
    qtbot: Any, kiosk_ui: KioskUi
) -> None:
    person, screen, profile = at_card_step(qtbot, kiosk_ui)
    assert screen.status.isVisible()  # before: the status says the card was found
    assert screen.status.text() == phrases.CARD_PRESENT.get("vi")

    person.keypad(screen.keypad, wrong_number(profile.holder.id_number))
    qtbot.waitUntil(lambda: person.state().card.phase is CardPhase.FAILED, timeout=WAIT_MS)
    person.wait_for("card")
    assert person.state().card.error is CardErrorReason.WRONG_KEY

    wrong_key = phrases.CARD_ERRORS[CardErrorReason.WRONG_KEY].get("vi")
    texts = shown_texts(screen)
    assert wrong_key in texts  # the error line says what the reader found
    assert not screen.status.isVisible()
    assert not STATUS_TEXTS & set(texts), texts  # and nothing beside it says "waiting" or "found"


def test_clear_all_takes_every_typed_digit_with_one_tap(qtbot: Any, kiosk_ui: KioskUi) -> None:
    person, screen, profile = at_card_step(qtbot, kiosk_ui)
    clear = find_button(screen, phrases.CLEAR_ALL.get("vi"))
    assert clear is screen.keypad.clear_button

    person.keypad(screen.keypad, "0791")  # four digits typed, all wrong
    assert screen.id_value.text() == group_id("0791")
    person.tap(clear)
    assert person.state().card.id_number == ""
    assert screen.id_value.text() == group_id("")  # "___ ___ ___ ___"

    # After a wrong number: one tap clears the twelve digits and the error, and the card is
    # said to be found again; the right number then reads it.
    person.keypad(screen.keypad, wrong_number(profile.holder.id_number))
    qtbot.waitUntil(lambda: person.state().card.phase is CardPhase.FAILED, timeout=WAIT_MS)
    person.tap(clear)
    assert person.state().card.id_number == ""
    assert screen.id_value.text() == group_id("")
    assert not screen.error.isVisible()
    assert screen.status.isVisible() and screen.status.text() == phrases.CARD_PRESENT.get("vi")
    person.keypad(screen.keypad, profile.holder.id_number)
    person.wait_for("identity")
