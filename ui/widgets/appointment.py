"""Choose an appointment: a row of open days, then a row of times. Large buttons, no typing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QGridLayout, QVBoxLayout, QWidget

from ui.widgets.basics import button, label

DAY_COLUMNS, SLOT_COLUMNS = 6, 7  # where the width allows (fewer on a portrait panel)


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
        for day in days:
            tile = button(f"{weekday_names[day.weekday()]}\n{day:%d/%m}", "choice")
            tile.setCheckable(True)
            iso = day.isoformat()
            tile.setProperty("iso", iso)
            tile.clicked.connect(lambda _=False, d=iso: self._pick("date", d))
            self._days.addButton(tile)
        column.addLayout(day_grid)
        column.addWidget(label(titles[1], "muted"))
        slot_grid = QGridLayout()
        self._slots = QButtonGroup(self)
        for slot in slots:
            tile = button(slot, "choice")
            tile.setCheckable(True)
            tile.setProperty("iso", slot)
            tile.clicked.connect(lambda _=False, t=slot: self._pick("time", t))
            self._slots.addButton(tile)
        column.addLayout(slot_grid)
        self._grids = ((day_grid, self._days, DAY_COLUMNS), (slot_grid, self._slots, SLOT_COLUMNS))
        self._columns: tuple[int, ...] = ()
        self._place(tuple(most for _grid, _group, most in self._grids))

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = event.size().width()
        self._place(tuple(_fitting(group.buttons(), grid, width, most) for grid, group, most in self._grids))
        super().resizeEvent(event)

    def _place(self, columns: tuple[int, ...]) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for (grid, group, _most), count in zip(self._grids, columns, strict=True):
            for index, tile in enumerate(group.buttons()):
                grid.addWidget(tile, index // count, index % count)  # moves a tile already placed

    def set_value(self, value: dict[str, str] | None) -> None:
        self._value = dict(value or {})
        for group, key in ((self._days, "date"), (self._slots, "time")):
            for tile in group.buttons():
                tile.setChecked(tile.property("iso") == self._value.get(key))

    def _pick(self, key: str, value: str) -> None:
        self._value[key] = value
        self.changed.emit(dict(self._value))


def _fitting(tiles: list[QAbstractButton], grid: QGridLayout, width: int, most: int) -> int:
    """As many columns as `width` holds at the tiles' natural width, at most `most`."""
    widest = max((t.sizeHint().width() for t in tiles), default=1)
    spacing = max(0, grid.horizontalSpacing())
    return max(1, min(most, (width + spacing) // (widest + spacing)))
