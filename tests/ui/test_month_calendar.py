"""The date picker's month calendar (issue 11: "Add a month calendar"): it opens on the month the
keys would start from, pages by month and year, a tap on a day chooses it and goes back to the
keys, which show it; "back" chooses nothing. It covers the screen it is on while open."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ui.widgets.date_picker import CalendarTexts, DatePicker

TEXTS = CalendarTexts(
    "Chọn trên lịch",
    "Chọn bằng nút + −",
    "Tháng {month} năm {year}",
    tuple(["T2", "T3", "T4", "T5", "T6", "T7", "CN"]),
)
START = dt.date(2026, 12, 2)  # a Wednesday


def picker(qtbot) -> DatePicker:  # type: ignore[no-untyped-def]
    screen = QWidget()
    screen.resize(1366, 615)
    widget = DatePicker(("Ngày", "Tháng", "Năm"), START, None, ("+1 tuần", "+1 tháng"), TEXTS, screen)
    widget.setParent(screen)
    qtbot.addWidget(screen)
    screen.show()
    return widget


def test_a_tap_on_a_day_chooses_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = picker(qtbot)
    calendar = widget.calendar
    assert calendar is not None and not calendar.isVisible()
    chosen: list[str] = []
    widget.changed.connect(chosen.append)
    qtbot.mouseClick(widget.calendar_button, Qt.MouseButton.LeftButton)
    assert calendar.isVisible() and calendar.title.text() == "Tháng 12 năm 2026"
    assert calendar.geometry() == widget.parentWidget().rect()  # the whole screen, not the picker's room
    assert not calendar.days[0].isVisible() and calendar.days[1].text() == "1"  # 1/12/2026: a Tuesday
    assert [b.text() for b in calendar.days if b.isVisible()] == [str(n) for n in range(1, 32)]
    assert calendar.days[0].width() > 0 and calendar.days[0].sizePolicy().retainSizeWhenHidden()
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
    assert [b.text() for b in calendar.days][35] == "31"  # first day of the sixth week
    assert all(b.sizePolicy().retainSizeWhenHidden() for b in calendar.days[35:])
    calendar.show_month(dt.date(2026, 2, 1), None)  # starts on a Sunday: 28 days over five weeks
    assert [b.text() for b in calendar.days if b.isVisibleTo(calendar)] == [str(n) for n in range(1, 29)]
    assert not any(b.sizePolicy().retainSizeWhenHidden() for b in calendar.days[35:])  # no sixth row


def test_today_is_framed_and_the_chosen_day_filled(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Issue 11: the calendar did not show which day is today, nor (without a style) the chosen one."""
    from ui.theme import Metrics, stylesheet

    today = dt.date(2026, 12, 4)
    screen = QWidget()
    screen.resize(1366, 615)
    screen.setStyleSheet(stylesheet("normal", Metrics.of(1366, 768), False))
    widget = DatePicker(("Ngày", "Tháng", "Năm"), START, None, ("+1 tuần", "+1 tháng"), TEXTS, screen, today)
    widget.setParent(screen)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.mouseClick(widget.calendar_button, Qt.MouseButton.LeftButton)
    calendar = widget.calendar
    assert calendar is not None
    marked = [b.text() for b in calendar.days if b.isVisible() and b.property("today")]
    assert marked == ["4"]
    framed, plain_day = calendar.day_button(today), calendar.day_button(dt.date(2026, 12, 5))
    assert framed is not None and plain_day is not None
    image = screen.grab().toImage()
    edge = framed.mapTo(screen, framed.rect().topLeft())
    plain_edge = plain_day.mapTo(screen, plain_day.rect().topLeft())
    inset = 4  # inside the 6 px frame, outside the 3 px border of an ordinary key
    middle = framed.height() // 2
    assert image.pixelColor(edge.x() + inset, edge.y() + middle) != image.pixelColor(
        plain_edge.x() + inset, plain_edge.y() + middle
    )
    qtbot.mouseClick(calendar.next, Qt.MouseButton.LeftButton)  # January: today is not in it
    assert not [b for b in calendar.days if b.isVisible() and b.property("today")]


def test_the_steppers_show_glyphs_as_big_as_a_heading(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.theme import Metrics, stylesheet

    screen = QWidget()
    screen.setStyleSheet(stylesheet("normal", Metrics.of(1366, 768), False))
    widget = DatePicker(("Ngày", "Tháng", "Năm"), START, None, ("+1 tuần", "+1 tháng"), TEXTS, screen)
    widget.setParent(screen)
    qtbot.addWidget(screen)
    screen.show()
    plus = next(b for b in widget.findChildren(type(widget.week_button)) if b.text() == "+")
    assert plus.font().pixelSize() >= 48 * 768 // 1080 > widget.week_button.font().pixelSize()


def test_forgotten_at_the_wipe_then_filled_again_when_opened(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = picker(qtbot)
    calendar = widget.calendar
    assert calendar is not None
    qtbot.mouseClick(widget.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(calendar.next, Qt.MouseButton.LeftButton)
    day = calendar.day_button(dt.date(2027, 1, 20))
    assert day is not None
    qtbot.mouseClick(day, Qt.MouseButton.LeftButton)
    widget.set_date(None, START)  # the form's wipe, as `FormScreen.wipe` does it
    calendar.forget()
    assert calendar.title.text() == "" and not any(b.isChecked() for b in calendar.days)
    qtbot.mouseClick(widget.calendar_button, Qt.MouseButton.LeftButton)  # the next citizen opens it
    assert calendar.title.text() == "Tháng 12 năm 2026"
    assert [b.text() for b in calendar.days if b.isVisible()] == [str(n) for n in range(1, 32)]
    assert not any(b.isChecked() for b in calendar.days)
