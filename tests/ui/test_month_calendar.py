"""The date picker's month calendar (issue 11: "Add a month calendar"): it opens on the month the
keys would start from, pages by month and year, a tap on a day chooses it and goes back to the
keys, which show it; "back" chooses nothing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from ui.widgets.date_picker import CalendarTexts, DatePicker

TEXTS = CalendarTexts(
    "Chọn trên lịch",
    "Chọn bằng nút + −",
    "Tháng {month} năm {year}",
    tuple(["T2", "T3", "T4", "T5", "T6", "T7", "CN"]),
)
START = dt.date(2026, 12, 2)  # a Wednesday


def picker(qtbot) -> DatePicker:  # type: ignore[no-untyped-def]
    widget = DatePicker(("Ngày", "Tháng", "Năm"), START, None, ("+1 tuần", "+1 tháng"), TEXTS)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_tap_on_a_day_chooses_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = picker(qtbot)
    calendar = widget.calendar
    assert calendar is not None and not calendar.isVisible()
    chosen: list[str] = []
    widget.changed.connect(chosen.append)
    qtbot.mouseClick(widget.calendar_button, Qt.MouseButton.LeftButton)
    assert calendar.isVisible() and calendar.title.text() == "Tháng 12 năm 2026"
    shown = [b.text() for b in calendar.days if b.isVisible()]
    assert shown[:2] == ["", "1"]  # 1 December 2026 is a Tuesday: Monday's place is empty
    assert shown[-1] == "" or shown[-1] == "31"
    qtbot.mouseClick(calendar.next, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(calendar.next_year, Qt.MouseButton.LeftButton)
    assert calendar.title.text() == "Tháng 1 năm 2028"
    day = calendar.day_button(dt.date(2028, 1, 17))
    assert day is not None and day.text() == "17"
    qtbot.mouseClick(day, Qt.MouseButton.LeftButton)
    assert chosen == ["2028-01-17"] and widget.date() == dt.date(2028, 1, 17)
    assert not calendar.isVisible()
    assert [lbl.text() for lbl in widget._labels] == ["17", "01", "2028"]
    qtbot.mouseClick(widget.calendar_button, Qt.MouseButton.LeftButton)  # opens on the chosen month
    assert calendar.title.text() == "Tháng 1 năm 2028"
    marked = calendar.day_button(dt.date(2028, 1, 17))
    assert marked is not None and marked.isChecked()


def test_back_chooses_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = picker(qtbot)
    qtbot.mouseClick(widget.calendar_button, Qt.MouseButton.LeftButton)
    assert widget.calendar is not None
    qtbot.mouseClick(widget.calendar.back, Qt.MouseButton.LeftButton)
    assert widget.date() is None and not widget.calendar.isVisible()


def test_a_month_needing_six_weeks_shows_them_and_others_five(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = picker(qtbot)
    calendar = widget.calendar
    assert calendar is not None
    calendar.show_month(dt.date(2026, 8, 1), None)  # starts on a Saturday: 31 days over six weeks
    assert sum(b.isVisibleTo(calendar) for b in calendar.days) == 42
    assert [b.text() for b in calendar.days][35] == "31"  # first day of the sixth week
    calendar.show_month(dt.date(2026, 2, 1), None)  # starts on a Sunday: 28 days over five weeks
    assert sum(b.isVisibleTo(calendar) for b in calendar.days) == 35
    assert [b.text() for b in calendar.days if b.text()] == [str(n) for n in range(1, 29)]
