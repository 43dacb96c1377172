"""Date entry with big − / + buttons for day, month and year: no typing, no tiny calendar."""

from __future__ import annotations

import calendar
import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from ui.widgets.basics import button, label


class DatePicker(QWidget):
    changed = Signal(str)  # ISO date

    def __init__(self, titles: tuple[str, str, str], start: dt.date) -> None:
        super().__init__()
        self._date = start
        grid = QGridLayout(self)
        grid.setSpacing(8)
        self._labels: list[QLabel] = []
        for col, title in enumerate(titles):
            grid.addWidget(label(title, "muted", center=True), 0, col)
            plus = button("+", "key")
            minus = button("−", "key")
            value = label("", "big", center=True)
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            plus.clicked.connect(lambda _=False, c=col: self._step(c, +1))
            minus.clicked.connect(lambda _=False, c=col: self._step(c, -1))
            grid.addWidget(plus, 1, col)
            grid.addWidget(value, 2, col)
            grid.addWidget(minus, 3, col)
            self._labels.append(value)
        self._show()

    def set_date(self, date: dt.date) -> None:
        self._date = date
        self._show()

    def date(self) -> dt.date:
        return self._date

    def _step(self, column: int, delta: int) -> None:
        d = self._date
        if column == 0:
            self._date = d + dt.timedelta(days=delta)
        else:
            year, month = d.year, d.month
            if column == 1:
                month += delta
                year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            else:
                year += delta
            day = min(d.day, calendar.monthrange(year, month)[1])
            self._date = dt.date(year, month, day)
        self._show()
        self.changed.emit(self._date.isoformat())

    def _show(self) -> None:
        d = self._date
        for widget, text in zip(self._labels, (f"{d.day:02d}", f"{d.month:02d}", str(d.year)), strict=True):
            widget.setText(text)
