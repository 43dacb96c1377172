"""Service menu: one large tile per catalog service, pictogram and name."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow import FlowState
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label


class MenuScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 20, 40, 10)
        self.title = label("", "h1")
        column.addWidget(self.title)
        area = QScrollArea()
        area.setWidgetResizable(True)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setSpacing(18)
        self.tiles: dict[str, QPushButton] = {}
        for index, service in enumerate(ctx.journey.catalog.services):
            tile = button("", "tile", service.pictogram, 96)
            tile.setMinimumHeight(150)
            tile.clicked.connect(lambda _=False, code=service.code: self.journey.choose_service(code))
            grid.addWidget(tile, index // 2, index % 2)
            self.tiles[service.code] = tile
        grid.setRowStretch(grid.rowCount(), 1)
        area.setWidget(inner)
        column.addWidget(area, 1)

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        self.title.setText(phrases.MENU_TITLE.get(lang))
        for service in self.journey.catalog.services:
            self.tiles[service.code].setText(f"{service.title.get(lang)}\n{service.summary.get(lang)}")

    def spoken(self, state: FlowState) -> str:
        return phrases.MENU_TITLE.get(state.language)
