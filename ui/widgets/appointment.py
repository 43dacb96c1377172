"""Choose an appointment: a row of open days, then a row of times. Large buttons, no typing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QVBoxLayout, QWidget

from ui.widgets.basics import button, label


class AppointmentPicker(QWidget):
    changed = Signal(dict)  # {"date": ISO date, "time": "HH:MM"}

    def __init__(
        self, days: list[dt.date], slots: tuple[str, ...], titles: tuple[str, str], weekday_names: list[str]
    ) -> None:
        super().__init__()
        self._value: dict[str, str] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(label(titles[0], "muted"))
        day_grid = QGridLayout()
        self._days = QButtonGroup(self)
        for index, day in enumerate(days):
            tile = button(f"{weekday_names[day.weekday()]}\n{day:%d/%m}", "choice")
            tile.setCheckable(True)
            iso = day.isoformat()
            tile.setProperty("iso", iso)
            tile.clicked.connect(lambda _=False, d=iso: self._pick("date", d))
            self._days.addButton(tile)
            day_grid.addWidget(tile, index // 6, index % 6)
        column.addLayout(day_grid)
        column.addWidget(label(titles[1], "muted"))
        slot_grid = QGridLayout()
        self._slots = QButtonGroup(self)
        for index, slot in enumerate(slots):
            tile = button(slot, "choice")
            tile.setCheckable(True)
            tile.setProperty("iso", slot)
            tile.clicked.connect(lambda _=False, t=slot: self._pick("time", t))
            self._slots.addButton(tile)
            slot_grid.addWidget(tile, index // 7, index % 7)
        column.addLayout(slot_grid)

    def set_value(self, value: dict[str, str] | None) -> None:
        self._value = dict(value or {})
        for group, key in ((self._days, "date"), (self._slots, "time")):
            for tile in group.buttons():
                tile.setChecked(tile.property("iso") == self._value.get(key))

    def _pick(self, key: str, value: str) -> None:
        self._value[key] = value
        self.changed.emit(dict(self._value))
