"""The officer's numeric keypad, its digits in a new order at every opening
(`kiosk.officer_mode.shuffled_digits`), so the PIN is not read from the hand's movements."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from ui.widgets.basics import button

COLUMNS = 3


class ShuffledKeypad(QWidget):
    digit = Signal(str)
    erase = Signal()
    ok = Signal()

    def __init__(self) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        # Ten places, labelled by `shuffle`; the places stay, the digits on them move.
        self.places: list[QPushButton] = []
        for index in range(10):
            key = self._key("")
            key.clicked.connect(lambda _checked=False, key=key: self.digit.emit(key.text()))
            row, col = divmod(index, COLUMNS) if index < 9 else (3, 1)
            grid.addWidget(key, row, col)
            self.places.append(key)
        self.erase_key = self._key("⌫")
        self.erase_key.clicked.connect(self.erase.emit)
        grid.addWidget(self.erase_key, 3, 0)
        self.ok_key = self._key("OK")
        self.ok_key.clicked.connect(self.ok.emit)
        grid.addWidget(self.ok_key, 3, 2)

    @staticmethod
    def _key(text: str, role: str = "key") -> QPushButton:
        key = button(text, role)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return key

    def shuffle(self, order: str) -> None:
        for key, digit in zip(self.places, order, strict=True):
            key.setText(digit)

    def order(self) -> str:
        return "".join(key.text() for key in self.places)

    def key_for(self, digit: str) -> QPushButton:
        return next(key for key in self.places if key.text() == digit)
