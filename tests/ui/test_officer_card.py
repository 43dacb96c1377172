"""The officer's own chip card through the real kiosk window and real PC/SC: pcscd with the vpcd
reader, the emulated chip on its socket (as in tests/devices/card), the kiosk's pcsc backend.

An officer's card placed on the idle screen opens that officer's PIN keypad (the card alone signs
no one in; wrong PINs count towards the same lock); a card placed on the sign-in keypad does the
same; a citizen's card shows nothing and the citizen's journey reads it as always."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import personalise_cccd
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.vpcd import VPCD_READER, VirtualCardSlot
from devices.card.profiles import CitizenProfile, load_profiles
from kiosk import phrases
from kiosk.app.root import make_officer_cards, make_officer_desk
from kiosk.config import load_config
from kiosk.officers import MAX_WRONG_PINS, Actor
from kiosk.permissions import Role
from tests.devices.card.conftest import pcscd, vpcd_slot  # noqa: F401  (fixtures)
from tests.e2e.conftest import find_button
from tests.ui.conftest import RecordingVoice
from tests.ui.test_officer_mode import K, M, audit_actions, officer_ui, type_on_keypad
from tests.waits import WAIT_MS
from ui.app import KioskUi

PIN = "135790"
OFFICER_NAME = "Nguyễn Thị Hằng"  # the officer's own card: one of the fictional citizens
CITIZEN_NAME = "Trần Văn Đức"


@pytest.fixture(scope="module")
def people() -> dict[str, CitizenProfile]:
    return {p.holder.full_name: p for p in load_profiles()}


@pytest.fixture
def kiosk(
    qtbot: Any,
    tmp_path: Path,
    vpcd_slot: VirtualCardSlot,  # noqa: F811 (the fixture imported above)
    people: dict[str, CitizenProfile],
) -> Iterator[KioskUi]:
    overrides = {
        "paths.data_dir": str(tmp_path),
        "card.backend": "pcsc",
        "card.reader": VPCD_READER,
        "card.trust_dir": str(TEST_TRUST_DIR),
        "printer.backend": "pdf",
        "submission.target": "local",
    }
    config = load_config(overrides=overrides, environ={})
    desk = make_officer_desk(config)
    cli = Actor.command_line("test")
    desk.officers.add(cli, "1001", OFFICER_NAME, Role.OFFICER, PIN)
    make_officer_cards(config, desk).set_card(cli, "1001", people[OFFICER_NAME].holder.id_number)
    ui = KioskUi(config, windowed=True, voice=RecordingVoice())
    qtbot.addWidget(ui.window)
    ui.window.resize(1366, 768)
    ui.show()
    qtbot.waitExposed(ui.window)
    ui.window.activateWindow()
    qtbot.waitUntil(ui.window.isActiveWindow, timeout=5000)
    yield ui
    ui.close()


def place(slot: VirtualCardSlot, profile: CitizenProfile) -> None:
    slot.insert(EmulatedChip(personalise_cccd(profile)))


def test_the_officers_card_on_the_idle_screen_asks_that_officers_pin(
    qtbot: Any,
    kiosk: KioskUi,
    vpcd_slot: VirtualCardSlot,  # noqa: F811 (the fixture imported above)
    people: dict[str, CitizenProfile],
) -> None:
    officer = officer_ui(kiosk)
    assert kiosk.app.journey.state().screen == "idle"
    place(vpcd_slot, people[OFFICER_NAME])
    qtbot.waitUntil(lambda: officer.isVisible() and officer.login.asking_pin, timeout=WAIT_MS)
    login = officer.login
    assert login.prompt.text() == phrases.OFFICER_CARD_PIN.get("vi").format(name=OFFICER_NAME)
    assert kiosk.app.officer_mode.session is None  # the card alone signs no one in

    type_on_keypad(qtbot, kiosk, "246802")  # a wrong PIN: the same officer is asked again
    assert login.message.text() == phrases.OFFICER_WRONG.get("vi") and login.asking_pin
    type_on_keypad(qtbot, kiosk, PIN)
    qtbot.waitUntil(lambda: officer.pages.currentWidget() is officer.menu, timeout=5000)
    session = kiosk.app.officer_mode.session
    assert session is not None and session.officer.officer_id == "1001"
    actions = audit_actions(kiosk)
    assert ("1001", "card_placed", "kiosk: own card read, PIN asked") in actions
    assert ("1001", "pin_failed", "kiosk card: wrong PIN 1") in actions
    assert actions[-1] == ("1001", "login", "kiosk card (PIN)")
    assert kiosk.app.officer_desk().audit.verify().ok


def test_wrong_pins_after_the_card_lock_the_officer(
    qtbot: Any,
    kiosk: KioskUi,
    vpcd_slot: VirtualCardSlot,  # noqa: F811 (the fixture imported above)
    people: dict[str, CitizenProfile],
) -> None:
    officer = officer_ui(kiosk)
    place(vpcd_slot, people[OFFICER_NAME])
    qtbot.waitUntil(lambda: officer.isVisible() and officer.login.asking_pin, timeout=WAIT_MS)
    for _ in range(MAX_WRONG_PINS):
        type_on_keypad(qtbot, kiosk, "246802")
    assert "Đã khóa" in officer.login.message.text()
    assert not officer.login.asking_pin  # locked: back to the officer id, the card's turn is over
    assert kiosk.app.side is not None  # the station's side, served on a thread of this process
    stored = kiosk.app.side.officer_desk().officers.get("1001")
    assert stored is not None and stored.locked_until is not None
    assert kiosk.app.officer_mode.session is None


def test_the_card_placed_on_the_sign_in_keypad(
    qtbot: Any,
    kiosk: KioskUi,
    vpcd_slot: VirtualCardSlot,  # noqa: F811 (the fixture imported above)
    people: dict[str, CitizenProfile],
) -> None:
    officer = officer_ui(kiosk)
    kiosk.app.journey.start()  # a citizen at the menu: the gesture opens the keypad over it
    qtbot.keyClick(kiosk.window, K.Key_F12, M.ControlModifier | M.ShiftModifier)
    qtbot.waitUntil(officer.isVisible, timeout=2000)
    assert not officer.login.asking_pin
    place(vpcd_slot, people[CITIZEN_NAME])  # not an officer's card: said so on the keypad
    unknown = phrases.OFFICER_CARD_UNKNOWN.get("vi")
    qtbot.waitUntil(lambda: officer.login.message.text() == unknown, timeout=WAIT_MS)
    vpcd_slot.remove()
    place(vpcd_slot, people[OFFICER_NAME])
    qtbot.waitUntil(lambda: officer.login.asking_pin, timeout=WAIT_MS)
    type_on_keypad(qtbot, kiosk, PIN)
    qtbot.waitUntil(lambda: kiosk.app.officer_mode.session is not None, timeout=5000)


def test_a_citizens_card_still_starts_a_citizen_journey(
    qtbot: Any,
    kiosk: KioskUi,
    vpcd_slot: VirtualCardSlot,  # noqa: F811 (the fixture imported above)
    people: dict[str, CitizenProfile],
) -> None:
    from tests.e2e.conftest import Citizen

    officer = officer_ui(kiosk)
    citizen = people[CITIZEN_NAME]
    rows = len(audit_actions(kiosk))
    place(vpcd_slot, citizen)  # on the idle screen, before any touch
    qtbot.waitUntil(lambda: kiosk.app.journey.state().card.phase.value == "present", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not officer._recognising, timeout=WAIT_MS)
    assert not officer.isVisible()
    assert len(audit_actions(kiosk)) == rows  # a citizen's card is nobody's officer action

    person = Citizen(qtbot, kiosk)
    person.tap(kiosk.window.screens["idle"])
    person.wait_for("menu")
    tile = kiosk.window.screens["menu"].tiles["1.003677"]  # type: ignore[attr-defined]
    person.tap(tile)
    person.tap(tile)
    person.wait_for("intro")
    person.next()
    person.wait_for("consent")
    person.next()
    person.wait_for("card")
    card = kiosk.window.screens["card"]
    for digit in citizen.holder.id_number:
        person.tap(find_button(card.keypad, digit))  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: person.screen() == "identity", timeout=WAIT_MS)
    holder = kiosk.app.journey.state().card.holder
    assert holder is not None and holder.full_name == CITIZEN_NAME
    assert not officer.isVisible()


def test_a_disabled_officers_card_on_the_keypad_says_the_account_is_disabled(
    qtbot: Any,
    kiosk: KioskUi,
    vpcd_slot: VirtualCardSlot,  # noqa: F811 (the fixture imported above)
    people: dict[str, CitizenProfile],
) -> None:
    assert kiosk.app.side is not None  # the station's side, served on a thread of this process
    kiosk.app.side.officer_desk().officers.set_active(Actor.command_line("test"), "1001", False)
    officer = officer_ui(kiosk)
    qtbot.keyClick(kiosk.window, K.Key_F12, M.ControlModifier | M.ShiftModifier)
    qtbot.waitUntil(officer.isVisible, timeout=2000)
    place(vpcd_slot, people[OFFICER_NAME])  # not "not registered": the owner is told why
    disabled = phrases.OFFICER_DISABLED.get("vi")
    qtbot.waitUntil(lambda: officer.login.message.text() == disabled, timeout=WAIT_MS)
    assert not officer.login.asking_pin and kiosk.app.officer_mode.session is None
    assert ("1001", "card_refused", "kiosk: account disabled") in audit_actions(kiosk)
