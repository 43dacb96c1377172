"""A citizen's finger on the real kiosk window: every answer is given by tapping the buttons a
person sees (keypad digits, keyboard letters and tone keys, date − / +, tiles, the address lists).

The journey is only read, to know which step is shown; it is never told what the citizen did.
Placing a card on the reader is the device's side and goes to the emulated reader.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QScrollArea, QWidget

from devices.card.profiles import CitizenProfile
from kiosk.catalog import Field
from kiosk.config import load_config
from kiosk.flow.state import FlowState
from kiosk.ports.voice import Silent
from kiosk.samples import sample_value
from kiosk.telex import TONES
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.widgets.address_picker import AddressPicker
from ui.widgets.appointment import AppointmentPicker
from ui.widgets.date_picker import DatePicker
from ui.widgets.keyboard import MARKED, TONE_BUTTONS, Keyboard
from ui.widgets.keypad import Keypad
from ui.window import settle

TONE_KEY = {mark: key for key, mark in TONES.items()}  # combining mark -> Telex key
TONE_SAMPLE = dict(TONE_BUTTONS)  # Telex key -> the letter printed on its button


def visible_buttons(parent: QWidget) -> list[QPushButton]:
    return [b for b in parent.findChildren(QPushButton) if b.isVisible()]


def find_button(parent: QWidget, text: str) -> QPushButton:
    matches = [b for b in visible_buttons(parent) if b.text() == text]
    assert matches, f"no visible button {text!r}; have {[b.text() for b in visible_buttons(parent)]}"
    return matches[0]


class Citizen:
    def __init__(self, qtbot: Any, ui: KioskUi) -> None:
        self.qtbot = qtbot
        self.ui = ui
        self.window = ui.window
        self.stored: Any = None  # tracking code -> the dossier the station worker stored

    # -- looking -------------------------------------------------------------------------
    def state(self) -> FlowState:
        return self.ui.app.journey.state()

    def screen(self) -> str:
        return self.state().screen

    def wait_for(self, screen: str, timeout: int = 10000) -> None:
        self.qtbot.waitUntil(lambda: self.screen() == screen, timeout=timeout)
        self.qtbot.waitUntil(lambda: self.window.stack.currentWidget().isVisible(), timeout=2000)
        settle()

    # -- touching ------------------------------------------------------------------------
    def tap(self, widget: QWidget) -> None:
        self.qtbot.waitUntil(widget.isVisible, timeout=2000)  # new widgets show on the next turn
        area = next((a for a in _ancestors(widget) if isinstance(a, QScrollArea)), None)
        if area is not None:
            area.ensureWidgetVisible(widget)  # the finger swipes the list until it is in view
        assert widget.isEnabled(), f"{widget!r} {getattr(widget, 'text', lambda: '')()!r} is disabled"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def next(self) -> None:
        self.tap(self.window.primary_button)

    def keypad(self, keypad: Keypad, digits: str) -> None:
        for digit in digits:
            self.tap(find_button(keypad, digit))

    def type_text(self, keyboard: Keyboard, edit: QLineEdit, text: str) -> None:
        """Type as a person without Telex would: letters, the marked letters (ă â đ ê ô ơ ư), then
        the tone key once the word's letters are in; ⇧ when the case on the keys is not wanted."""
        start = edit.text()
        for index, word in enumerate(text.split(" ")):
            if index:
                self.tap(keyboard.space_button)
            letters, tone = _split(word)
            last_letter = max((i for i, ch in enumerate(letters) if ch.isalpha()), default=-1)
            for position, ch in enumerate(letters):
                self._key(keyboard, ch)
                if position == last_letter and tone:
                    self.tap(find_button(keyboard, TONE_SAMPLE[tone]))
        assert edit.text() == start + text, (edit.text(), text)

    def _key(self, keyboard: Keyboard, ch: str) -> None:
        if ch.isalpha() and ch.isupper() != _shifted(keyboard):
            self.tap(keyboard.shift_button)
        # Marked letters have their own keys, always printed in lower case.
        self.tap(find_button(keyboard, ch.lower() if ch.lower() in MARKED else ch))

    # -- a journey -----------------------------------------------------------------------
    def start(self, code: str, profile: CitizenProfile) -> None:
        """From the idle screen to the service's first question, the citizen's card read."""
        self.tap(self.window.screens["idle"])
        self.wait_for("menu")
        tile = self.window.screens["menu"].tiles[code]  # type: ignore[attr-defined]
        self.tap(tile)  # the first touch says its name, the second opens it
        self.tap(tile)
        self.wait_for("intro")
        self.next()
        self.wait_for("consent")
        self.next()
        self.wait_for("card")
        self.place_card(profile)
        self.wait_for("identity")
        self.next()

    def walk_to_review(self, guests: list[CitizenProfile]) -> dict[str, Any]:
        """Every step answered (the guests' cards read on a people step); the answers given."""
        answers: dict[str, Any] = {}
        service = self.state().service
        assert service is not None
        for _ in range(len(service.steps)):
            screen = self.screen()
            step = self.state().step
            assert step is not None
            if screen == "review":
                break
            if screen == "people":
                self.add_guests(guests)
            else:
                assert screen == "form", screen
                answers.update(self.answer_step())
            self.next()
            state = self.state()
            assert not state.form.errors, (step.id, state.form.errors)
            assert state.step is not step, f"stuck on {step.id}"
            self.wait_for(state.screen)
        assert self.screen() == "review"
        return answers

    def answer_step(self) -> dict[str, Any]:
        """Every question of the form step on screen (a choice may reveal another one)."""
        given: dict[str, Any] = {}
        while True:
            state = self.state()
            assert state.service is not None and state.step is not None
            asked = [
                f
                for f in state.service.fields_of(state.step, state.form.values)
                if not f.readonly and f.id not in given
            ]
            if not asked:
                return given
            fdef = asked[0]
            value = sample_value(fdef, dict(state.form.values), self.ui.app.journey.today())
            self.answer(fdef, value)
            assert self.state().form.values.get(fdef.id) == value, fdef.id
            given[fdef.id] = value

    def add_guests(self, guests: list[CitizenProfile]) -> None:
        people: Any = self.window.screens["people"]
        for count, guest in enumerate(guests, 1):
            self.tap(people.add)
            self.wait_for("card")
            self.place_card(guest)
            self.qtbot.waitUntil(
                lambda n=count: self.screen() == "people" and len(self.state().guests) == n, timeout=WAIT_MS
            )

    # -- steps ---------------------------------------------------------------------------
    def place_card(self, profile: CitizenProfile) -> None:
        """The card on the reader (device side), then its 12 digits on the screen's keypad."""
        reader: Any = self.ui.app.card_reader()
        reader.remove()
        reader.insert(profile)
        card = self.window.screens["card"]
        self.keypad(card.keypad, profile.holder.id_number)  # type: ignore[attr-defined]

    def answer(self, fdef: Field, value: Any) -> None:
        """One form question, answered with the widget made for its type."""
        form: Any = self.window.screens["form"]
        if fdef.type in ("choice", "checklist"):
            chosen = value if isinstance(value, list) else [value]
            for option in fdef.options:
                if option.value in chosen:
                    tile = find_button(form.body, option.label.get(self.state().language))
                    if not tile.isChecked():
                        self.tap(tile)
        elif fdef.type == "date":
            self.pick_date(form.value_widgets()[fdef.id], dt.date.fromisoformat(value))
        elif fdef.type == "appointment":
            (picker,) = [p for p in form.findChildren(AppointmentPicker) if p.isVisible()]
            tiles = visible_buttons(picker)
            self.tap(next(t for t in tiles if t.property("iso") == value["date"]))
            self.tap(next(t for t in tiles if t.property("iso") == value["time"]))
        elif fdef.type == "address":
            (picker,) = [p for p in form.findChildren(AddressPicker) if p.isVisible()]
            self.pick_address(picker, value)
        else:
            edit = form.value_widgets()[fdef.id]
            self.tap(edit)  # the keyboard or keypad follows the box touched
            if fdef.type in ("phone", "id_number"):
                (keypad,) = [k for k in form.findChildren(Keypad) if k.isVisible()]
                self.keypad(keypad, value)
            else:
                (keyboard,) = [k for k in form.findChildren(Keyboard) if k.isVisible()]
                self.type_text(keyboard, edit, value)

    def pick_date(self, picker: DatePicker, target: dt.date) -> None:
        if abs((target - picker.shown_from()).days) >= 60:  # far off: on the month calendar
            self.pick_on_calendar(picker, target)
            return
        plus_minus = [b for b in picker.findChildren(QPushButton) if b.text() in ("+", "−")]  # per column
        while (target - picker.shown_from()).days >= 30:  # a month ahead: "+1 tháng" steps
            self.tap(picker.month_button)
        for column, wanted in ((2, lambda d: d.year), (1, lambda d: d.month), (0, lambda d: d)):
            for _ in range(400):
                have, want = wanted(picker.shown_from()), wanted(target)
                if have == want:
                    break
                self.tap(plus_minus[2 * column + (0 if have < want else 1)])
        if picker.date() is None:  # the start itself: a step forward and back chooses it
            self.tap(plus_minus[0])
            self.tap(plus_minus[1])
        assert picker.date() == target

    def pick_on_calendar(self, picker: DatePicker, target: dt.date) -> None:
        calendar = picker.calendar
        assert calendar is not None
        self.tap(picker.calendar_button)
        assert calendar.isVisible()
        month = target.replace(day=1)
        for _ in range(200):  # years with « », then months with ‹ ›
            day = calendar.day_button(target)
            if day is not None:
                break
            months = (month.year - calendar.month().year) * 12 + month.month - calendar.month().month
            if abs(months) >= 12:
                self.tap(calendar.next_year if months > 0 else calendar.previous_year)
            else:
                self.tap(calendar.next if months > 0 else calendar.previous)
        assert day is not None and day.text() == str(target.day)
        self.tap(day)
        assert picker.date() == target and not calendar.isVisible()

    def pick_address(self, picker: AddressPicker, value: dict[str, str]) -> None:
        self.tap(picker.province_buttons()[value["province_code"]])
        self.tap(picker.commune_buttons()[value["commune_code"]])
        self.type_text(picker.keyboard, picker.street, value["street"])


def _ancestors(widget: QWidget) -> list[QWidget]:
    chain = []
    parent = widget.parentWidget()
    while parent is not None:
        chain.append(parent)
        parent = parent.parentWidget()
    return chain


def _split(word: str) -> tuple[str, str]:
    """A word's letters without its tone (NFC) and the Telex key of the tone ('' if none)."""
    tone = ""
    kept = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in TONE_KEY:
            tone = TONE_KEY[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _shifted(keyboard: Keyboard) -> bool:
    """Whether the letter keys show capitals (the next letter comes out upper-case)."""
    return any(b.text() == "Q" for b in visible_buttons(keyboard))


# The station of issue 8: VietQR and cash configured (VietQR used to reach only the tour).
PAYMENT = {
    "payment.methods": ["vietqr", "cash"],
    "payment.vietqr_bin": "970436",
    "payment.vietqr_account": "0000000000",
    "payment.vietqr_account_name": "DEMO - KHONG CHUYEN TIEN",
}


@pytest.fixture
def citizen(qtbot, tmp_path: Path) -> Iterator[Citizen]:  # type: ignore[no-untyped-def]
    """`kiosk run --demo` in a window of 1366×768 (the smallest station screen), a finger on it,
    with its station worker as `kiosk run` starts it: a real `kiosk worker` child process."""
    from kiosk.app.root import make_store
    from kiosk.app.worker_child import station_for_run

    config = load_config(overrides={"paths.data_dir": str(tmp_path), **PAYMENT}, demo=True, environ={})
    link, child = station_for_run(config)
    assert child is not None  # nothing else serves this new station
    ui = KioskUi(config, windowed=True, voice=Silent(), link=link)
    qtbot.addWidget(ui.window)
    ui.show()
    ui.window.resize(1366, 768)
    citizen = Citizen(qtbot, ui)
    citizen.stored = lambda code: make_store(config).get(code)  # read in the test's own process
    yield citizen
    ui.close()
    assert child.stop()
