"""Consent to personal-data processing (Decree 13/2023) before anything is read or kept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.text import Text
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label
from ui.widgets.icons import pixmap


class ConsentScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 10, 60, 10)
        row = QHBoxLayout()
        picture = QLabel()
        picture.setPixmap(pixmap("phone-shield", 140))
        picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(picture)
        text = QVBoxLayout()
        self.title = label("", "h1")
        self.body = label("", "big")
        self.law = label("", "muted")
        text.addWidget(self.title)
        text.addSpacing(10)
        text.addWidget(self.body)
        text.addWidget(self.law)
        text.addStretch(1)
        row.addSpacing(30)
        row.addLayout(text, 1)
        column.addLayout(row, 1)
        self.refuse = button("", "", "error", 48)
        self.refuse.clicked.connect(lambda: self.journey.consent(False))
        column.addWidget(self.refuse, 0, Qt.AlignmentFlag.AlignLeft)

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        self.title.setText(phrases.CONSENT_TITLE.get(lang))
        self.body.setText(phrases.CONSENT_BODY.get(lang))
        self.law.setText(phrases.CONSENT_LAW.get(lang))
        self.refuse.setText(phrases.CONSENT_NO.get(lang))

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.CONSENT_YES

    def on_primary(self) -> None:
        self.journey.consent(True)

    def spoken(self, state: FlowState) -> str:
        return phrases.CONSENT_TITLE.get(state.language) + " " + phrases.CONSENT_BODY.get(state.language)
