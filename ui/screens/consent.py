"""Consent to personal-data processing (Law 91/2025/QH15, Article 9) before anything is read or
kept: the data this service uses (its consent step's `say`), then who uses it, the rights, the law."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.text import Text
from kiosk.wrap import keep_phrases
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label, scroll_area
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
        inner = QWidget()  # the service's data, the rights and the law: long in large text, so it scrolls
        text = QVBoxLayout(inner)
        text.setContentsMargins(0, 0, 0, 0)
        self.title = label("", "h1")
        self.body = label("", "big")
        self.law = label("", "muted")
        text.addWidget(self.title)
        text.addSpacing(10)
        text.addWidget(self.body)
        text.addWidget(self.law)
        text.addStretch(1)
        row.addSpacing(30)
        row.addWidget(scroll_area(inner), 1)
        column.addLayout(row, 1)
        self.refuse = button("", "", "error", 48)
        self.refuse.clicked.connect(lambda: self.journey.consent(False))
        column.addWidget(self.refuse, 0, Qt.AlignmentFlag.AlignLeft)

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        self.title.setText(keep_phrases(phrases.CONSENT_TITLE.get(lang)))
        self.body.setText(keep_phrases("\n".join(self._body(state))))
        self.law.setText(keep_phrases(phrases.CONSENT_LAW.get(lang)))
        self.refuse.setText(phrases.CONSENT_NO.get(lang))

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.CONSENT_YES

    def on_primary(self) -> None:
        self.journey.consent(True)

    def _body(self, state: FlowState) -> list[str]:
        step = state.step
        uses = step.say.get(state.language) if step is not None and step.say else ""
        return [text for text in (uses, phrases.CONSENT_BODY.get(state.language)) if text]

    def spoken(self, state: FlowState) -> str:
        return " ".join([phrases.CONSENT_TITLE.get(state.language), *self._body(state)])
