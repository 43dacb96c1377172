"""Service menu: one large tile per catalog service, pictogram and name."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow.state import FlowState
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label, scroll_area

COLUMNS = 3
GROUP_ORDER = ("residence", "identity", "other")


def wrap_title(title: str, width: int = 24) -> str:
    """Break a long official name over lines (QPushButton does not wrap text itself)."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


class MenuScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 20, 40, 10)
        self.title = label("", "h1")
        column.addWidget(self.title)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setSpacing(18)
        self.tiles: dict[str, QPushButton] = {}
        self.headings: dict[str, QLabel] = {}
        services = ctx.journey.catalog.services
        row = 0
        for group in GROUP_ORDER:
            members = [s for s in services if s.group == group]
            if not members:
                continue
            heading = label("", "h2")
            self.headings[group] = heading
            grid.addWidget(heading, row, 0, 1, COLUMNS)
            row += 1
            for index, service in enumerate(members):
                tile = button("", "tile", service.pictogram, 80)
                tile.setMinimumHeight(120)
                tile.clicked.connect(lambda _=False, code=service.code: self.journey.choose_service(code))
                grid.addWidget(tile, row + index // COLUMNS, index % COLUMNS)
                self.tiles[service.code] = tile
            row += (len(members) + COLUMNS - 1) // COLUMNS
        grid.setRowStretch(row, 1)
        area = scroll_area(inner)
        column.addWidget(area, 1)

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        self.title.setText(phrases.MENU_TITLE.get(lang))
        for group, heading in self.headings.items():
            heading.setText(phrases.GROUPS[group].get(lang))
        for service in self.journey.catalog.services:
            self.tiles[service.code].setText(wrap_title(service.title.get(lang)))

    def spoken(self, state: FlowState) -> str:
        return phrases.MENU_TITLE.get(state.language)
