"""Officer sign-in: the officer ID, then the PIN, on the shuffled keypad; or the officer's own
chip card (`kiosk.officer_cards`), then the PIN. The PIN shows as dots and is dropped as soon as
it has been checked; a refusal says plainly why (locked: until when)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.officer_mode import MAX_ENTRY, OfficerMode, OfficerSession, shuffled_digits
from kiosk.officers import PinRefused
from kiosk.ports.officers import Officer
from ui.officer.keypad import ShuffledKeypad
from ui.widgets.basics import button, label

log = logging.getLogger(__name__)


class OfficerLogin(QWidget):
    def __init__(
        self, mode: OfficerMode, on_signed_in: Callable[[OfficerSession], None], on_cancel: Callable[[], None]
    ) -> None:
        super().__init__()
        self._mode = mode
        self._on_signed_in = on_signed_in
        self._language = "vi"
        self._officer_id = ""
        self._by_card: Officer | None = None  # the officer whose own card was placed
        self._typed = ""
        column = QVBoxLayout(self)
        column.setSpacing(12)
        self.title = label("", "h2", center=True)
        self.prompt = label("", "", center=True)
        self.shown = label(" ", "h1", center=True)  # the ID as typed; the PIN as dots only
        self.message = label("", "error", center=True)
        self.keypad = ShuffledKeypad()
        self.keypad.digit.connect(self._press)
        self.keypad.erase.connect(self._erase)
        self.keypad.ok.connect(self._submit)
        self.cancel_button = button("", "")
        self.cancel_button.clicked.connect(on_cancel)
        for widget in (self.title, self.prompt, self.shown, self.message):
            column.addWidget(widget)
        column.addWidget(self.keypad, 1)
        column.addWidget(self.cancel_button)

    @property
    def asking_pin(self) -> bool:
        return bool(self._officer_id)

    def open(self, language: str) -> None:
        """A fresh sign-in: nothing typed, and the digits in a new order."""
        self._language = language
        self._officer_id = self._typed = ""
        self._by_card = None
        self.keypad.shuffle(shuffled_digits())
        self.title.setText(phrases.OFFICER_SIGN_IN.get(language))
        self.cancel_button.setText(phrases.CLOSE.get(language))
        self._show_message("")
        self._refresh()

    def open_for_card(self, officer: Officer, language: str) -> None:
        """The officer's own card was read: only that officer's PIN is asked."""
        self.open(language)
        self._by_card = officer
        self._officer_id = officer.officer_id
        self._refresh()

    def say(self, text: str) -> None:
        self._show_message(text)

    def _press(self, digit: str) -> None:
        if len(self._typed) < MAX_ENTRY:
            self._typed += digit
        self._refresh()

    def _erase(self) -> None:
        self._typed = self._typed[:-1]
        self._refresh()

    def _submit(self) -> None:
        typed, self._typed = self._typed, ""
        if not typed:
            return
        if not self._officer_id:
            self._officer_id = typed
            self.keypad.shuffle(shuffled_digits())  # a new order for the PIN too
            self._show_message("")
            self._refresh()
            return
        officer_id, self._officer_id = self._officer_id, ""
        by_card, self._by_card = self._by_card, None
        try:
            session = self._mode.sign_in(officer_id, typed, by_card=by_card is not None)
        except PinRefused as exc:
            if by_card is not None and exc.locked_until is None:  # the card's officer tries again
                self._by_card, self._officer_id = by_card, officer_id
            self._refused(exc)
            return
        except Exception:  # the database or the audit key: the officer is told, the kiosk goes on
            log.exception("officer sign-in failed")
            self._show_message(phrases.OFFICER_UNAVAILABLE.get(self._language))
            self._refresh()
            return
        self._on_signed_in(session)

    def _refused(self, exc: PinRefused) -> None:
        lang = self._language
        if exc.locked_until is not None:
            until = exc.locked_until.astimezone().strftime("%H:%M")
            text = phrases.OFFICER_LOCKED.get(lang).format(time=until)
        elif "disabled" in str(exc):
            text = phrases.OFFICER_DISABLED.get(lang)
        else:
            text = phrases.OFFICER_WRONG.get(lang)
        self.keypad.shuffle(shuffled_digits())
        self._show_message(text)
        self._refresh()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _refresh(self) -> None:
        lang = self._language
        if self._by_card is not None:
            self.prompt.setText(phrases.OFFICER_CARD_PIN.get(lang).format(name=self._by_card.name))
        else:
            self.prompt.setText(
                (phrases.OFFICER_ENTER_PIN if self._officer_id else phrases.OFFICER_ENTER_ID).get(lang)
            )
        self.shown.setText(("●" * len(self._typed) if self._officer_id else self._typed) or " ")
