"""Keypad only, from idle to receipt, for every service in the catalog (issue 11): accessibility
mode is started by holding F1, then every answer is given with the arrows and Enter alone, as a
blind citizen with a keypad would: tiles, choices, checklists, date and appointment pickers, the
address picker, the on-screen keyboard and keypad, the guests of a people step. Each control the
arrows reach is spoken. Only the card (and a guest's card) is placed on the reader by hand.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk import phrases
from kiosk.catalog import load_catalog
from ui.accessibility import spoken_name, unscrolled_box
from ui.app import KioskUi
from ui.widgets.address_picker import AddressPicker
from ui.window import settle

# Every service with KIOSK_TOUR_ALL=1; otherwise (CI's 15 minutes) one of each kind of step: guests,
# dates and papers, address, appointment and codes, e-mail, choices and delivery.
EVERY = [service.code for service in load_catalog().services]
SAMPLE = ["2.001159", "1.004194", "1.003677", "1.010910", "1.011411", "1.001456"]
SERVICES = EVERY if os.environ.get("KIOSK_TOUR_ALL") == "1" else [c for c in EVERY if c in SAMPLE]
TEXT_BY_KEYBOARD = {"vietnamese": "thoon 3", "name": "traafn hoa", "code": "43A12345", "email": "ten@vidu.vn"}
DIGITS = {"phone": "0912345678", "id_number": "049098007788"}


class Keypad:
    """The citizen's keys: arrows, Enter, and F1 held (on a fake clock)."""

    def __init__(self, ui: KioskUi) -> None:
        self.ui = ui
        self.access = ui.accessibility
        self.now = 0.0
        self.access.clock = lambda: self.now
        self.presses = 0
        self.before_key: Callable[[], None] = lambda: None  # e.g. wait until what was said has played

    def send(self, key: Qt.Key, *, release: bool = False, repeat: bool = False) -> None:
        settle()
        self.before_key()
        kind = QEvent.Type.KeyRelease if release else QEvent.Type.KeyPress
        event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, "", repeat)
        QApplication.sendEvent(self.ui.window, event)
        self.presses += 1
        settle()

    def hold_f1(self) -> None:
        self.send(Qt.Key.Key_F1)
        self.now += 2.5
        self.send(Qt.Key.Key_F1, repeat=True)
        self.send(Qt.Key.Key_F1, release=True)

    def arrow(self, key: Qt.Key) -> None:
        self.send(key)
        focused = self.access.focused
        assert focused is not None
        said = self.ui.window.voice.said[-1][0]  # type: ignore[attr-defined]
        assert said == spoken_name(focused, "vi")  # every control reached is spoken

    def focus(self, target: QWidget) -> None:
        """Arrows towards `target`; if they go round in circles, Right alone (it reaches all)."""
        window = self.ui.window
        for count in range(400):
            focused = self.access.focused
            if focused is target:
                return
            if focused is None or count > 40:
                self.arrow(Qt.Key.Key_Right)
                continue
            here, there = unscrolled_box(focused, window), unscrolled_box(target, window)
            if here.top() < there.bottom() and there.top() < here.bottom():
                self.arrow(Qt.Key.Key_Right if there.center().x() > here.center().x() else Qt.Key.Key_Left)
            else:
                self.arrow(Qt.Key.Key_Down if there.center().y() > here.center().y() else Qt.Key.Key_Up)
        raise AssertionError(f"arrows never reached {target!r} ({getattr(target, 'text', lambda: '')()})")

    def press(self, target: QWidget) -> None:
        self.focus(target)
        self.send(Qt.Key.Key_Return)

    def key_labelled(self, text: str) -> QPushButton:
        wanted = text.casefold()
        for widget in self.access.targets():
            if isinstance(widget, QPushButton) and widget.text().casefold() == wanted:
                return widget
        raise AssertionError(f"no on-screen key {text!r}")

    def type(self, text: str) -> None:
        for ch in text:
            self.press(self.key_labelled(phrases.KEY_SPACE.get("vi") if ch == " " else ch))

    def primary(self) -> None:
        self.press(self.ui.window.primary_button)


def state(ui: KioskUi) -> Any:
    return ui.app.journey.state()


def fill_form(keys: Keypad, ui: KioskUi) -> None:
    form: Any = ui.window.screens["form"]
    current = state(ui)
    widgets = form.value_widgets()
    for fdef in current.service.fields_of(current.step, current.form.values):
        if fdef.readonly:
            continue
        if fdef.type in ("choice", "checklist"):
            tiles = [tile for _, tile in form._tiles[fdef.id]]
            for tile in tiles[:1] if fdef.type == "choice" else tiles:
                keys.press(tile)
                assert tile.isChecked()
        elif fdef.type == "date":
            plus = next(b for b in widgets[fdef.id].findChildren(QPushButton) if b.text() == "+")
            keys.press(plus)
        elif fdef.type == "appointment":
            booking = form._bookings[fdef.id]
            day, slot = (group.buttons()[0] for group in (booking._days, booking._slots))
            keys.press(day)
            keys.press(slot)
        elif fdef.type == "address":
            (picker,) = [p for p in form.findChildren(AddressPicker) if p.isVisible()]
            keys.press(picker.province_buttons()["48"])  # Đà Nẵng
            keys.press(next(iter(picker.commune_buttons().values())))
            keys.type("thoon 3")
            assert state(ui).form.values[fdef.id]["street"] == "Thôn 3"
        else:
            keys.press(widgets[fdef.id])  # Enter on the box: the keyboard types into it
            text = DIGITS.get(fdef.type) or TEXT_BY_KEYBOARD[fdef.keyboard or "vietnamese"]
            keys.type(text[: fdef.max_length])
    step = current.step
    keys.primary()
    assert state(ui).step is not step or state(ui).screen != "form", state(ui).form.errors


def read_card(keys: Keypad, ui: KioskUi, profile: Any) -> None:
    reader: Any = ui.app.card_reader()
    reader.remove()
    reader.insert(profile)  # the one thing done by hand: the card on the reader
    keys.type(profile.holder.id_number)


@pytest.mark.parametrize("code", SERVICES)
def test_keypad_only_journey_to_receipt(qtbot, kiosk_ui: KioskUi, code: str) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    keys = Keypad(ui)
    assert state(ui).screen == "idle"
    keys.hold_f1()
    assert state(ui).accessible and state(ui).screen == "menu"
    keys.press(ui.window.screens["menu"].tiles[code])  # type: ignore[attr-defined]
    profile = ui.app.demo_profiles[-1]  # the long name and address, as the tour
    guests = [p for p in ui.app.demo_profiles if p is not profile][:2]
    for _ in range(60):
        current = state(ui)
        if current.screen == "done":
            break
        step = current.step
        assert step is not None, current.screen
        if current.screen == "card" and current.people.adding:
            read_card(keys, ui, guests.pop(0))
            qtbot.waitUntil(lambda: not state(ui).people.adding, timeout=10000)
        elif current.screen == "card":
            read_card(keys, ui, profile)
            qtbot.waitUntil(lambda: state(ui).screen == "identity", timeout=10000)
        elif current.screen == "people":
            if not current.guests:
                keys.press(ui.window.screens["people"].add)  # type: ignore[attr-defined]
            else:
                keys.primary()
        elif current.screen == "form":
            fill_form(keys, ui)
        else:  # intro, consent, identity, review: the bottom-right answer
            keys.primary()
            if current.screen == "review":
                qtbot.waitUntil(lambda: state(ui).screen == "done", timeout=20000)
    assert state(ui).screen == "done"
    assert state(ui).accessible  # the mode lasts the session
    qtbot.waitUntil(lambda: state(ui).review.print_state == "printed", timeout=20000)
    tracking = state(ui).review.tracking_code
    stored = ui.app.side.store().get(tracking)
    assert stored is not None and stored.dossier is not None and stored.dossier.service_code == code
    receipts = list(Path(ui.app.config.receipts_dir).glob(f"{tracking[:5]}-{tracking[5:]}-*.pdf"))
    assert len(receipts) == 1
    keys.primary()  # "Xong": the session ends, and the mode with it
    assert state(ui).screen == "idle" and not state(ui).accessible
    assert ui.window.theme == "normal"
