"""A guest's passport: its number and two dates from the data page, typed on the keyboard."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QLineEdit, QVBoxLayout, QWidget

from ui.widgets.basics import button, label
from ui.widgets.keyboard import Keyboard


class _Box(QLineEdit):
    touched = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        super().mousePressEvent(event)


def parse_day(text: str) -> dt.date | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    try:
        return dt.datetime.strptime(digits, "%d%m%Y").date() if len(digits) == 8 else None
    except ValueError:
        return None


class PassportEntry(QWidget):
    """Emits `entered(number, birth ISO, expiry ISO)`; shows `problem` text for a bad date."""

    entered = Signal(str, str, str)

    def __init__(self, labels: dict[str, str]) -> None:
        super().__init__()
        self._labels = labels
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.keyboard: Keyboard | None = None  # the screen's keyboard, see use_keyboard()
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        self.number = _Box()
        self.birth = _Box()
        self.expiry = _Box()
        for row, (key, box) in enumerate(
            (("number", self.number), ("birth", self.birth), ("expiry", self.expiry))
        ):
            grid.addWidget(label(labels[key], "muted"), row, 0)
            grid.addWidget(box, row, 1)
            box.touched.connect(lambda b=box: self._attach(b))
        for box in (self.number, self.birth, self.expiry):
            box.setObjectName("compact")
        self.birth.setPlaceholderText("dd/mm/yyyy")
        self.expiry.setPlaceholderText("dd/mm/yyyy")
        column.addLayout(grid)
        self.problem = label("", "error")
        self.problem.hide()  # shown with its text: empty, its line took the boxes' room in large text
        column.addWidget(self.problem)
        self.read_button = button(labels["read"], "primary")
        self.read_button.clicked.connect(self._submit)
        column.addWidget(self.read_button)
        column.addStretch(1)

    def use_keyboard(self, keyboard: Keyboard) -> None:
        self.keyboard = keyboard
        self._attach(self.number)

    def _attach(self, box: QLineEdit) -> None:
        if self.keyboard is not None:
            self.keyboard.attach(box)

    def clear(self) -> None:
        for box in (self.number, self.birth, self.expiry):
            box.clear()
        self.problem.setText("")
        self.problem.hide()
        self._attach(self.number)

    def _submit(self) -> None:
        number = "".join(ch for ch in self.number.text().upper() if ch.isalnum())
        birth, expiry = parse_day(self.birth.text()), parse_day(self.expiry.text())
        if not number or birth is None or expiry is None:
            self.problem.setText(self._labels["problem"])
            self.problem.show()
            return
        self.problem.setText("")
        self.problem.hide()
        self.entered.emit(number, birth.isoformat(), expiry.isoformat())
