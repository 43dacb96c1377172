"""Attract screen: big pictograms and one instruction; a touch anywhere starts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from kiosk import phrases
from kiosk.flow import FlowState
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import label
from ui.widgets.icons import pixmap


class IdleScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 40, 60, 40)
        column.addStretch(1)
        self.title = label("", "h1", center=True)
        column.addWidget(self.title)
        row = QHBoxLayout()
        row.addStretch(1)
        for service in ctx.journey.catalog.services[:6]:
            picture = QLabel()
            picture.setPixmap(pixmap(service.pictogram, 150))
            row.addWidget(picture)
        row.addStretch(1)
        column.addSpacing(30)
        column.addLayout(row)
        column.addSpacing(30)
        touch = QLabel()
        touch.setPixmap(pixmap("touch", 180))
        touch.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(touch)
        self.prompt = label("", "h2", center=True)
        column.addWidget(self.prompt)
        column.addStretch(1)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(phrases.IDLE_TITLE.get(state.language))
        self.prompt.setText(phrases.IDLE_TOUCH.get(state.language))

    def has_back(self, state: FlowState) -> bool:
        return False

    def spoken(self, state: FlowState) -> str:
        return phrases.IDLE_TOUCH.get(state.language)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.journey.start()
        event.accept()
