"""Service menu: one tile per catalog service (pictogram, name, one-line explanation), the
station's busiest first (`FlowState.menu`), as many columns as the screen's width allows, the
rest reached by swiping."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk import phrases, voice_cues
from kiosk.flow.state import FlowState, Phase
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import label, scroll_area
from ui.widgets.tile import Tile

TILE_MIN_WIDTH_AT_1080 = 460  # a name of two lines and its explanation beside an 80 px pictogram


class MenuScreen(Screen):
    kept = True  # the station's services; `wipe` forgets the tile touched once

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 12, 40, 10)
        self.title = label("", "h1")
        column.addWidget(self.title)
        inner = QWidget()
        self.grid = QGridLayout(inner)
        self.grid.setSpacing(16)
        self.grid.setContentsMargins(0, 0, 40, 0)  # room for the scroll bar and its cue
        self.tiles: dict[str, Tile] = {}
        for service in ctx.journey.catalog.services:
            tile = Tile(service.pictogram, 80)
            tile.setCheckable(True)  # checked: touched once, its name said; the next touch opens it
            tile.clicked.connect(lambda _=False, code=service.code: self._touched(code))
            self.tiles[service.code] = tile
        self._armed = ""  # the tile touched once
        self._order: tuple[str, ...] = ()
        self._columns = 0
        self._prepared = False
        self.area = scroll_area(inner)
        column.addWidget(self.area, 1)

    def _place(self, order: tuple[str, ...], columns: int) -> None:
        if (order, columns) == (self._order, self._columns):
            return
        self._order, self._columns = order, columns
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for index, code in enumerate(order):
            self.grid.addWidget(self.tiles[code], index // columns, index % columns)
        for col in range(self.grid.columnCount()):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def _columns_for(self, width: int) -> int:
        """Columns for the width: the tile's width grows with the text size (the font's em)."""
        tile_width = TILE_MIN_WIDTH_AT_1080 * self.fontMetrics().height() / 40
        columns = max(1, min(3, int(width // tile_width)))
        # Never more than the tiles' own smallest widths allow (their longest unbroken phrase):
        # two columns on a portrait 768 px panel cut the second by 32 px.
        margins = self.grid.contentsMargins()
        room = width - margins.left() - margins.right()
        smallest = max((t.minimumSizeHint().width() for t in self.tiles.values()), default=0)
        spacing = self.grid.horizontalSpacing()
        while columns > 1 and columns * smallest + (columns - 1) * spacing > room:
            columns -= 1
        return columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place(self._order or self.journey.state().menu, self._columns_for(self.area.viewport().width()))

    def prepare(self, state: FlowState) -> bool:
        """The tiles placed and named while idle: the first touch at the idle screen then shows
        a menu that is laid out already."""
        if self._prepared or state.phase is not Phase.IDLE:
            return False
        self._prepared = True
        self.show_state(state)
        return True

    def wipe(self) -> None:
        self._arm("")
        self.area.verticalScrollBar().setValue(0)

    def show_state(self, state: FlowState) -> None:
        if state.phase is not Phase.MENU and self._armed:
            self._arm("")  # back at the menu later, every tile asks its first touch again
        lang = state.language
        self.title.setText(phrases.MENU_TITLE.get(lang))
        for service in self.journey.catalog.services:
            self.tiles[service.code].set_texts(service.title.get(lang), service.summary.get(lang))
        self._place(state.menu, self._columns_for(self.area.viewport().width()))

    def _touched(self, code: str) -> None:
        """First touch: the tile's name and explanation are said (a citizen who cannot read hears
        what it is); a second touch on the same tile opens it."""
        if self._armed == code:
            self._arm("")
            self.journey.choose_service(code)
            return
        self.journey.touch()
        self._arm(code)
        self.say.emit(voice_cues.tile(self.journey.catalog.get(code), self.journey.state().language))

    def _arm(self, code: str) -> None:
        self._armed = code
        for other, tile in self.tiles.items():
            tile.setChecked(other == code)

    def spoken(self, state: FlowState) -> str:
        return phrases.MENU_TITLE.get(state.language)
