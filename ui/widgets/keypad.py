"""A large numeric keypad for ID numbers and phone numbers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from ui.widgets.basics import button


class Keypad(QWidget):
    digit = Signal(str)
    erase = Signal()
    clear = Signal()  # wrong digits go with one key
    cursor_moved = Signal(int)  # the cursor one place left (-1) or right (+1)

    def __init__(self, erase_text: str = "⌫", clear_text: str = "Xóa hết", cursor: bool = False) -> None:
        """`cursor`: ◀ ▶ keys under the digits, for a text box where a digit in the middle can be
        put right (a phone number); the card's number is typed into the journey, end first."""
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
        self.left_button: QPushButton | None = None
        self.right_button: QPushButton | None = None
        if cursor:
            row = QHBoxLayout()
            row.setSpacing(8)
            self.left_button, self.right_button = button("◀", "key"), button("▶", "key")
            self.left_button.clicked.connect(lambda: self.cursor_moved.emit(-1))
            self.right_button.clicked.connect(lambda: self.cursor_moved.emit(1))
            row.addWidget(self.left_button)
            row.addWidget(self.right_button)
            grid.addLayout(row, 4, 0, 1, 3)

    def set_clear_text(self, text: str) -> None:
        self.clear_button.setText(text)

    def _add(self, grid: QGridLayout, digit: str, row: int, col: int) -> None:
        key = button(digit, "key")
        key.clicked.connect(lambda: self.digit.emit(digit))
        grid.addWidget(key, row, col)
