"""A large numeric keypad for ID numbers and phone numbers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from ui.widgets.basics import button


class Keypad(QWidget):
    digit = Signal(str)
    erase = Signal()
    clear = Signal()  # wrong digits go with one key

    def __init__(self, erase_text: str = "⌫", clear_text: str = "Xóa hết") -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        for index, digit in enumerate("123456789"):
            self._add(grid, digit, index // 3, index % 3)
        self._add(grid, "0", 3, 1)
        self.erase_button = button(erase_text, "key")
        self.erase_button.clicked.connect(self.erase.emit)
        grid.addWidget(self.erase_button, 3, 2)
        self.clear_button = button(clear_text, "key")
        self.clear_button.clicked.connect(self.clear.emit)
        grid.addWidget(self.clear_button, 3, 0)

    def set_clear_text(self, text: str) -> None:
        self.clear_button.setText(text)

    def _add(self, grid: QGridLayout, digit: str, row: int, col: int) -> None:
        key = button(digit, "key")
        key.clicked.connect(lambda: self.digit.emit(digit))
        grid.addWidget(key, row, col)
