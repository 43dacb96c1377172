"""A large keypad for tracking codes: Crockford's alphabet only (digits, letters without I L O U).

Laid out in 10 columns so it fits beside the code at 1366×768: the digits in the first row, then
the 22 letters in alphabetical order, then erase-one and clear-all as wide keys.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from kiosk.trackcode import ALPHABET
from ui.widgets.basics import button

COLUMNS = 10
DIGITS = "1234567890"
LETTERS = "".join(ch for ch in ALPHABET if ch.isalpha())  # ABCDEFGHJKMNPQRSTVWXYZ


class CodeKeypad(QWidget):
    char = Signal(str)
    erase = Signal()
    clear = Signal()

    def __init__(self, erase_text: str = "⌫", clear_text: str = "Xóa hết") -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        for index, ch in enumerate(DIGITS + LETTERS):
            key = self._key(ch)
            key.clicked.connect(lambda _checked=False, ch=ch: self.char.emit(ch))
            grid.addWidget(key, index // COLUMNS, index % COLUMNS)
            self.keys[ch] = key
        used = len(DIGITS + LETTERS)
        row, col = used // COLUMNS, used % COLUMNS
        span = (COLUMNS - col) // 2
        self.erase_button = self._key(erase_text)
        self.erase_button.clicked.connect(self.erase.emit)
        grid.addWidget(self.erase_button, row, col, 1, span)
        self.clear_button = self._key(clear_text)
        self.clear_button.clicked.connect(self.clear.emit)
        grid.addWidget(self.clear_button, row, col + span, 1, COLUMNS - col - span)
        for r in range(row + 1):
            grid.setRowStretch(r, 1)

    @staticmethod
    def _key(text: str) -> QPushButton:
        key = button(text, "key")
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return key

    def set_clear_text(self, text: str) -> None:
        self.clear_button.setText(text)
