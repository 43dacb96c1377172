"""Before the form: what the service is for, who needs it, what to bring, fee and time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.catalog import Paper
from kiosk.flow.state import FlowState
from kiosk.payment import fee_text
from kiosk.text import Text
from kiosk.wrap import keep_phrases
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import clear_layout, label, scroll_area
from ui.widgets.icons import pixmap


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
        column.addWidget(scroll_area(self.details_box), 1)
        self.law = label("", "muted")
        column.addWidget(self.law)

    def show_state(self, state: FlowState) -> None:
        service = state.service
        if service is None:
            return
        lang = state.language
        self.picture.setPixmap(pixmap(service.pictogram, 140))
        self.title.setText(keep_phrases(service.title.get(lang)))
        self.summary.setText(keep_phrases(service.summary.get(lang)))
        clear_layout(self.details_box)
        fee = fee_text(service.fee.amount).get(lang)
        for case in service.fee.cases:
            note = case.note.get(lang)
            fee += f"; {note}: {fee_text(case.amount).get(lang)}" if note else ""
        if service.fee.amount or service.fee.cases:
            fee += f" ({service.fee.legal_basis})"
        rows: list[tuple[Text, QWidget]] = [
            (phrases.INTRO_WHO, label(service.who.get(lang))),
            (phrases.INTRO_PAPERS, self._papers(service.papers, lang)),
            (phrases.INTRO_FEE, label(fee)),
            (phrases.INTRO_TIME, label(service.processing_time.get(lang))),
        ]
        for row, (title, widget) in enumerate(rows):
            self.details.addWidget(label(title.get(lang), "h2"), row, 0, Qt.AlignmentFlag.AlignTop)
            self.details.addWidget(widget, row, 1)
        self.details.setColumnStretch(1, 1)
        self.law.setText(phrases.INTRO_LAW.get(lang) + ": " + "; ".join(service.legal_basis))

    def _papers(self, papers: tuple[Paper, ...], lang: str) -> QWidget:
        """Each paper with its picture, so people who read little can still check."""
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, paper in enumerate(papers):
            picture = QLabel()
            picture.setPixmap(pixmap(paper.picture or "list", 48))
            grid.addWidget(picture, index, 0)
            grid.addWidget(label(paper.text.get(lang)), index, 1)
        grid.setColumnStretch(1, 1)
        return box

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.NEXT

    def spoken(self, state: FlowState) -> str:
        service = state.service
        return service.summary.get(state.language) if service else ""
