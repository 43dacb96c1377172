"""Attract screen: big pictograms and one instruction; a touch anywhere starts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from kiosk import phrases
from kiosk.flow.state import FlowState
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label
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
        pictograms = list(dict.fromkeys(s.pictogram for s in ctx.journey.catalog.services))
        for name in pictograms[:6]:  # the busiest services, one picture each
            picture = QLabel()
            picture.setPixmap(pixmap(name, 130))
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
        # Coming back with a slip: a separate, clearly marked way in (scanning works anywhere too).
        self.status_button = button("", "", "search-doc", 64)
        self.status_button.clicked.connect(self.journey.open_status)
        column.addWidget(self.status_button, 0, Qt.AlignmentFlag.AlignCenter)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(phrases.IDLE_TITLE.get(state.language))
        self.prompt.setText(phrases.IDLE_TOUCH.get(state.language))
        self.status_button.setText(phrases.CHECK_STATUS.get(state.language))

    def has_back(self, state: FlowState) -> bool:
        return False

    def spoken(self, state: FlowState) -> str:
        return phrases.IDLE_TOUCH.get(state.language)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.journey.start()
        event.accept()
