"""Reprint a receipt by its tracking code, typed on the code keypad (Crockford's alphabet)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.trackcode import LENGTH, display
from ui.widgets.basics import button, label
from ui.widgets.code_keypad import CodeKeypad


class ReprintPanel(QWidget):
    def __init__(self, on_print: Callable[[str], None], on_back: Callable[[], None]) -> None:
        super().__init__()
        self.typed = ""
        column = QVBoxLayout(self)
        column.setSpacing(10)
        self.title = label("", "h2", center=True)
        self.shown = label(" ", "code", center=True)
        self.message = label("", "", center=True)
        self.keypad = CodeKeypad()
        self.keypad.char.connect(self._type)
        self.keypad.erase.connect(lambda: self._set(self.typed[:-1]))
        self.keypad.clear.connect(lambda: self._set(""))
        for widget in (self.title, self.shown, self.message):
            column.addWidget(widget)
        column.addWidget(self.keypad, 1)
        row = QHBoxLayout()
        self.back_button = button("", "")
        self.back_button.clicked.connect(on_back)
        self.print_button = button("", "primary")
        self.print_button.clicked.connect(lambda: on_print(self.typed) if self.typed else None)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.print_button)
        column.addLayout(row)

    def open(self, language: str) -> None:
        self.title.setText(phrases.OFFICER_REPRINT_TITLE.get(language))
        self.back_button.setText(phrases.BACK.get(language))
        self.print_button.setText(phrases.OFFICER_REPRINT.get(language))
        self.say("")
        self._set("")

    def _type(self, ch: str) -> None:
        if len(self.typed) < LENGTH:
            self._set(self.typed + ch)

    def _set(self, typed: str) -> None:
        self.typed = typed
        self.shown.setText(display(typed) if len(typed) == LENGTH else typed or " ")

    def say(self, text: str, role: str = "") -> None:
        self.message.setObjectName(role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))
