"""Before the form: what the service is for, who needs it, what to bring, fee and time."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow import FlowState
from kiosk.text import Text
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import clear_layout, label
from ui.widgets.icons import pixmap


def fee_text(amount: int, language: str) -> str:
    if amount == 0:
        return phrases.FREE.get(language)
    return phrases.MONEY.get(language).format(amount=f"{amount:,}".replace(",", "."))


class IntroScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 20, 60, 10)
        head = QHBoxLayout()
        self.picture = QLabel()
        head.addWidget(self.picture)
        titles = QVBoxLayout()
        self.title = label("", "h1")
        self.summary = label("", "h2")
        titles.addWidget(self.title)
        titles.addWidget(self.summary)
        head.addLayout(titles, 1)
        column.addLayout(head)
        self.details = QGridLayout()
        self.details.setHorizontalSpacing(30)
        self.details.setVerticalSpacing(14)
        self.details_box = QWidget()
        self.details_box.setLayout(self.details)
        column.addWidget(self.details_box, 1)
        self.law = label("", "muted")
        column.addWidget(self.law)

    def show_state(self, state: FlowState) -> None:
        service = state.service
        if service is None:
            return
        lang = state.language
        self.picture.setPixmap(pixmap(service.pictogram, 140))
        self.title.setText(service.title.get(lang))
        self.summary.setText(service.summary.get(lang))
        clear_layout(self.details_box)
        rows: list[tuple[Text, str]] = [
            (phrases.INTRO_WHO, service.who.get(lang)),
            (phrases.INTRO_PAPERS, "\n".join("✔ " + p.get(lang) for p in service.papers)),
            (phrases.INTRO_FEE, fee_text(service.fee.amount, lang)),
            (phrases.INTRO_TIME, service.processing_time.get(lang)),
        ]
        for row, (title, text) in enumerate(rows):
            self.details.addWidget(label(title.get(lang), "h2"), row, 0)
            self.details.addWidget(label(text), row, 1)
        self.details.setColumnStretch(1, 1)
        self.law.setText(phrases.INTRO_LAW.get(lang) + ": " + "; ".join(service.legal_basis))

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.NEXT

    def spoken(self, state: FlowState) -> str:
        service = state.service
        return service.summary.get(state.language) if service else ""
