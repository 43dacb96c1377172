"""Date entry with big − / + keys for day, month and year and "+1 tuần" / "+1 tháng" steps: no
typing. It shows no date until the citizen chooses one (issue 11): the first key steps from
where the journey says to start (`FormState.date_starts`: today, or the day after the date
this one must follow)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from ui.widgets.basics import button, label

UNCHOSEN = ("––", "––", "––––")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (31/01 + 1 month = 28 or 29/02)."""
    year, month = day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DatePicker(QWidget):
    changed = Signal(str)  # ISO date

    def __init__(
        self, titles: tuple[str, str, str], start: dt.date, chosen: dt.date | None, steps: tuple[str, str]
    ) -> None:
        super().__init__()
        self._start = start
        self._date = chosen
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
        jumps = QHBoxLayout()  # a return date months ahead took 16 taps on the month's +
        self.week_button = button(steps[0], "")
        self.week_button.clicked.connect(lambda: self._jump(lambda d: d + dt.timedelta(days=7)))
        self.month_button = button(steps[1], "")
        self.month_button.clicked.connect(lambda: self._jump(lambda d: add_months(d, 1)))
        jumps.addWidget(self.week_button)
        jumps.addWidget(self.month_button)
        grid.addLayout(jumps, 4, 0, 1, 3)
        self._show()

    def set_date(self, date: dt.date | None, start: dt.date | None = None) -> None:
        self._date = date
        if start is not None:
            self._start = start
        self._show()

    def date(self) -> dt.date | None:
        """The date chosen, or None while none is."""
        return self._date

    def shown_from(self) -> dt.date:
        """The date the next key steps from: the chosen one, or where the picker starts."""
        return self._date or self._start

    def _step(self, column: int, delta: int) -> None:
        d = self.shown_from()
        if column == 0:
            new = d + dt.timedelta(days=delta)
        elif column == 1:
            new = add_months(d, delta)
        else:
            new = add_months(d, 12 * delta)
        self._choose(new)

    def _jump(self, step: Callable[[dt.date], dt.date]) -> None:
        self._choose(step(self.shown_from()))

    def _choose(self, date: dt.date) -> None:
        self._date = date
        self._show()
        self.changed.emit(date.isoformat())

    def _show(self) -> None:
        d = self._date
        texts = UNCHOSEN if d is None else (f"{d.day:02d}", f"{d.month:02d}", str(d.year))
        for widget, text in zip(self._labels, texts, strict=True):
            widget.setText(text)
