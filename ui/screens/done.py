"""Sending, then sent: the tracking code large, the slip printing, what happens next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout

from kiosk import phrases
from kiosk.flow import FlowState
from kiosk.text import Text
from kiosk.trackcode import display
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import label
from ui.widgets.icons import pixmap


class SubmittingScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.addStretch(1)
        picture = QLabel()
        picture.setPixmap(pixmap("hourglass", 160))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(picture)
        self.text = label("", "h1", center=True)
        column.addWidget(self.text)
        busy = QProgressBar()
        busy.setRange(0, 0)  # moving bar: work is going on
        busy.setTextVisible(False)
        column.addWidget(busy)
        column.addStretch(1)

    def show_state(self, state: FlowState) -> None:
        self.text.setText(phrases.SUBMITTING.get(state.language))

    def has_back(self, state: FlowState) -> bool:
        return False

    def spoken(self, state: FlowState) -> str:
        return phrases.SUBMITTING.get(state.language)


class DoneScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 10, 60, 10)
        column.addStretch(1)
        self.picture = QLabel()
        self.picture.setPixmap(pixmap("check", 140))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.picture)
        self.title = label("", "h1", center=True)
        column.addWidget(self.title)
        self.code_caption = label("", "h2", center=True)
        column.addWidget(self.code_caption)
        self.code = label("", "code", center=True)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        column.addWidget(self.code)
        self.printing = label("", "big", center=True)
        column.addWidget(self.printing)
        self.next_steps = label("", "", center=True)
        column.addWidget(self.next_steps)
        column.addStretch(1)

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        self.title.setText(phrases.DONE_TITLE.get(lang))
        self.code_caption.setText(phrases.DONE_CODE.get(lang))
        self.code.setText(display(state.tracking_code) if state.tracking_code else "")
        printing = {"printing": phrases.PRINTING, "printed": phrases.PRINTED, "failed": phrases.PRINT_FAILED}
        message = printing.get(state.print_state)
        self.printing.setText(message.get(lang) if message else "")
        self.printing.setObjectName("error" if state.print_state == "failed" else "big")
        self.printing.style().polish(self.printing)
        self.next_steps.setText(state.service.next_steps.get(lang) if state.service else "")

    def has_back(self, state: FlowState) -> bool:
        return False

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.FINISH

    def on_primary(self) -> None:
        self.journey.reset()

    def spoken(self, state: FlowState) -> str:
        return phrases.DONE_TITLE.get(state.language)
