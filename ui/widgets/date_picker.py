"""Date entry without typing, two ways: big − / + keys for day, month and year with "+1 tuần" /
"+1 tháng" steps, or a month calendar to tap a day on. It shows no date until the citizen
chooses one (issue 11): the first key steps from where the journey says to start
(`FormState.date_starts`: today, or the day after the date this one must follow), and the
calendar opens on that month."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.basics import button, label

UNCHOSEN = ("––", "––", "––––")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (31/01 + 1 month = 28 or 29/02)."""
    year, month = day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DatePicker(QWidget):
    changed = Signal(str)  # ISO date

    def __init__(
        self,
        titles: tuple[str, str, str],
        start: dt.date,
        chosen: dt.date | None,
        steps: tuple[str, str],
        calendar_texts: CalendarTexts | None = None,
        host: QWidget | None = None,
        today: dt.date | None = None,
    ) -> None:
        """`host`: the screen the calendar covers while open (it needs more room than the keys);
        `today`: the journey's clock's day, marked on the calendar."""
        super().__init__()
        self._start = start
        self._date = chosen
        grid = QGridLayout(self)
        grid.setSpacing(8)
        self._labels: list[QLabel] = []
        self._keys: list[tuple[str, QPushButton, QPushButton]] = []  # title, + and − of each column
        for col, title in enumerate(titles):
            grid.addWidget(label(title, "muted", center=True), 0, col)
            plus = button("+", "stepper")
            minus = button("−", "stepper")
            field = calendar_texts.field if calendar_texts is not None else ""
            for key in (plus, minus):  # said "Ngày về, Ngày, tăng" by keypad navigation, not "tăng"
                key.setAccessibleName(f"{field}, {title}" if field else title)
            value = label("", "big", center=True)
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            plus.clicked.connect(lambda _=False, c=col: self._step(c, +1))
            minus.clicked.connect(lambda _=False, c=col: self._step(c, -1))
            grid.addWidget(plus, 1, col)
            grid.addWidget(value, 2, col)
            grid.addWidget(minus, 3, col)
            self._labels.append(value)
            self._keys.append((title, plus, minus))
        jumps = QHBoxLayout()  # a return date months ahead took 16 taps on the month's +
        self.week_button = button(steps[0], "")
        self.week_button.clicked.connect(lambda: self._jump(lambda d: d + dt.timedelta(days=7)))
        self.month_button = button(steps[1], "")
        self.month_button.clicked.connect(lambda: self._jump(lambda d: add_months(d, 1)))
        jumps.addWidget(self.week_button)
        jumps.addWidget(self.month_button)
        grid.addLayout(jumps, 4, 0, 1, 3)
        self.calendar: MonthCalendar | None = None
        if calendar_texts is not None:
            self.calendar_button = button(calendar_texts.open, "", "calendar", 40)
            self.calendar_button.clicked.connect(self.show_calendar)
            grid.addWidget(self.calendar_button, 5, 0, 1, 3)
            # A child of the screen it covers: it goes with the screen when a session is wiped.
            self.calendar = MonthCalendar(calendar_texts, host or self, today or start)
            self.calendar.chosen.connect(self._chosen_on_calendar)
            self.calendar.closed.connect(self.calendar.hide)
            self.destroyed.connect(self.calendar.deleteLater)
        self._show()

    def set_field(self, field: str) -> None:
        """The question it answers now ("Ngày về"): a kept picker serves each date in turn."""
        for title, plus, minus in self._keys:
            for key in (plus, minus):
                key.setAccessibleName(f"{field}, {title}" if field else title)
        if self.calendar is not None:
            self.calendar.set_field(field)

    def show_calendar(self) -> None:
        assert self.calendar is not None
        self.calendar.show_month(self.shown_from(), self._date)
        self.calendar.cover()

    def _chosen_on_calendar(self, day: dt.date) -> None:
        assert self.calendar is not None
        self.calendar.hide()  # back to the keys, which now show the day
        self._choose(day)

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


@dataclass(frozen=True)
class CalendarTexts:
    open: str  # "Chọn trên lịch"
    back: str  # back to the keys
    month_of: str  # "Tháng {month} năm {year}"
    weekdays: tuple[str, ...]  # Monday first, as Vietnamese calendars are
    field: str = ""  # the date's question ("Ngày đến"): the calendar covers the form's label


class MonthCalendar(QWidget):
    """One month, Monday first: ‹ › page months, « » years, a tap on a day chooses it."""

    chosen = Signal(object)  # dt.date
    closed = Signal()  # back to the keys, nothing chosen

    def __init__(self, texts: CalendarTexts, host: QWidget, today: dt.date) -> None:
        super().__init__(host)
        self.setObjectName("calendar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # covers what is beneath
        self.setProperty("covers_screen", True)  # the layout check looks at it, not at the form beneath
        self._host = host
        host.installEventFilter(self)
        self._texts = texts
        self._today = today  # framed on the calendar: where "now" is, to count from
        self._month = today.replace(day=1)
        column = QVBoxLayout(self)
        # Which date this is: open, the calendar covers the form's label (NOTES.md, session 4).
        self.field = label(texts.field, "h2", center=True)
        column.addWidget(self.field)  # parented first: a parentless label made visible is a window
        self.field.setVisible(bool(texts.field))
        header = QHBoxLayout()  # « ‹  Tháng 12 năm 2026  › »: a year or a month at a tap
        self.previous_year, self.previous = button("«", "stepper"), button("‹", "stepper")
        self.next, self.next_year = button("›", "stepper"), button("»", "stepper")
        for widget, months in (
            (self.previous_year, -12),
            (self.previous, -1),
            (self.next, 1),
            (self.next_year, 12),
        ):
            widget.clicked.connect(lambda _=False, m=months: self._page(m))
        self.title = label("", "big", center=True)
        header.addWidget(self.previous_year)
        header.addWidget(self.previous)
        header.addWidget(self.title, 1)
        header.addWidget(self.next)
        header.addWidget(self.next_year)
        column.addLayout(header)
        self._grid = QGridLayout()
        self._grid.setSpacing(6)
        for col, name in enumerate(texts.weekdays):
            self._grid.addWidget(label(name, "muted", center=True), 0, col)
        # Six weeks of seven buttons, made once; a month shows its days on them.
        self.days: list[QPushButton] = []
        for index in range(42):
            day = button("", "key")
            day.setCheckable(True)
            day.clicked.connect(lambda _=False, i=index: self._tap(i))
            self._grid.addWidget(day, 1 + index // 7, index % 7)
            self.days.append(day)
        column.addLayout(self._grid)
        self.back = button(texts.back, "")
        self.back.clicked.connect(self.closed)
        column.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self.hide()
        self._chosen: dt.date | None = None

    def set_field(self, field: str) -> None:
        self._texts = dataclasses.replace(self._texts, field=field)
        self.field.setText(field)
        self.field.setVisible(bool(field))

    def spoken(self) -> str:
        """What the voice says as it opens: which date, which month (keypad navigation)."""
        return ". ".join(t for t in (self._texts.field, self.title.text()) if t)

    def cover(self) -> None:
        """Over the whole host screen, above its form."""
        self.setGeometry(self._host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() is QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._host.rect())
        return False

    def show_month(self, around: dt.date, chosen: dt.date | None) -> None:
        self._month = around.replace(day=1)
        self._chosen = chosen
        self._fill()

    def forget(self) -> None:
        """The session wipe: no day chosen nor month shown is left (`show_month` fills it again
        when it next opens: cheaper than filling it now, while the next citizen waits)."""
        self._chosen = None
        self.title.setText("")
        for widget in self.days:
            widget.setChecked(False)

    def month(self) -> dt.date:
        """The first day of the month shown."""
        return self._month

    def day_button(self, day: dt.date) -> QPushButton | None:
        """The button showing `day`, if this month shows it (for tests and keypad navigation)."""
        if (day.year, day.month) != (self._month.year, self._month.month):
            return None
        return self.days[self._month.weekday() + day.day - 1]

    def _page(self, months: int) -> None:
        self._month = add_months(self._month, months)
        self._fill()

    def _fill(self) -> None:
        month = self._month
        self.title.setText(self._texts.month_of.format(month=month.month, year=month.year))
        offset = month.weekday()  # Monday = 0
        length = calendar.monthrange(month.year, month.month)[1]
        for index, widget in enumerate(self.days):
            number = index - offset + 1
            inside = 1 <= number <= length
            widget.setText(str(number) if inside else "")
            # Days of other months leave their place empty; a month of five weeks has no sixth row.
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(index < 35 or offset + length > 35)
            widget.setSizePolicy(policy)
            widget.setVisible(inside)
            widget.setChecked(inside and self._chosen == month.replace(day=number))
            today = inside and self._today == month.replace(day=number)
            # Re-styled only when its look changes: unset is drawn as false (`[today="true"]`),
            # and re-polishing all 42 days cost the reset ~30 ms (bench/stalls.py, done → idle).
            if bool(widget.property("today")) != today:
                widget.setProperty("today", today)
                widget.style().unpolish(widget)
                widget.style().polish(widget)

    def _tap(self, index: int) -> None:
        number = index - self._month.weekday() + 1
        self.chosen.emit(self._month.replace(day=number))
