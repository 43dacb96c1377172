"""'Place your card': the picture of card on reader, the 12-digit number, reading progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow import CardPhase, FlowState
from kiosk.text import Text
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label
from ui.widgets.icons import pixmap
from ui.widgets.keypad import Keypad

# Stages as the reader reports them, as the citizen should hear them.
STAGE_TEXT = {
    "access": Text.of("Đang mở thẻ", "Opening the card"),
    "DG1": Text.of("Đang đọc thông tin", "Reading your details"),
    "DG13": Text.of("Đang đọc thông tin", "Reading your details"),
    "SOD": Text.of("Đang kiểm tra thẻ", "Checking the card"),
    "DG2": Text.of("Đang đọc ảnh", "Reading your photo"),
    "verify": Text.of("Đang kiểm tra thẻ", "Checking the card"),
}


def group_id(digits: str) -> str:
    """Shown as 3-3-3-3 so people can compare with the card."""
    padded = digits + "_" * (12 - len(digits))
    return " ".join(padded[i : i + 3] for i in range(0, 12, 3))


class CardScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        row = QHBoxLayout(self)
        row.setContentsMargins(60, 4, 60, 4)
        row.setSpacing(40)
        left = QVBoxLayout()
        self.title = label("", "h1")
        left.addWidget(self.title)
        self.picture = QLabel()
        self.picture.setPixmap(pixmap("card-on-reader", 300, 200))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left.addWidget(self.picture, 1)
        self.status = label("", "h2")
        left.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        left.addWidget(self.progress)
        self.error = label("", "error")
        left.addWidget(self.error)
        row.addLayout(left, 3)

        right = QVBoxLayout()
        self.id_prompt = label("", "h2")
        right.addWidget(self.id_prompt)
        self.id_value = label("", "idnum", wrap=False, center=True)
        right.addWidget(self.id_value)
        self.keypad = Keypad()
        self.keypad.digit.connect(self._digit)
        self.keypad.erase.connect(self._erase)
        right.addWidget(self.keypad)
        if ctx.demo_cards:
            self.demo = QWidget()
            demo_grid = QGridLayout(self.demo)
            demo_grid.setContentsMargins(0, 0, 0, 0)
            demo_grid.setSpacing(6)
            self.demo_title = label("", "muted")
            demo_grid.addWidget(self.demo_title, 0, 0, 1, 2)
            for index, (name, place) in enumerate(ctx.demo_cards[:4]):
                choice = button(name, "demo")
                choice.clicked.connect(place)
                demo_grid.addWidget(choice, 1 + index // 2, index % 2)
            right.addWidget(self.demo)
        right.addStretch(1)
        row.addLayout(right, 2)

    def _digit(self, digit: str) -> None:
        self.journey.set_id_number(self.journey.state().card.id_number + digit)

    def _erase(self) -> None:
        self.journey.set_id_number(self.journey.state().card.id_number[:-1])

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        card = state.card
        if state.adding_person:
            self.title.setText(phrases.PEOPLE_CARD.get(lang))
        else:
            self.title.setText(state.step.title.get(lang) if state.step else "")
        self.id_prompt.setText(phrases.CARD_ENTER_ID.get(lang))
        self.id_value.setText(group_id(card.id_number))
        if not card.reader_attached:
            status = phrases.CARD_NO_READER
        elif card.phase is CardPhase.READING:
            status = STAGE_TEXT.get(card.stage, phrases.CARD_READING)
        elif card.phase is CardPhase.READ:
            status = phrases.CARD_READ
        elif card.phase is CardPhase.PRESENT:
            status = phrases.CARD_PRESENT
        else:
            status = phrases.CARD_WAITING
        self.status.setText(status.get(lang))
        self.progress.setVisible(card.phase in (CardPhase.READING, CardPhase.READ))
        self.progress.setValue(round(card.progress * 100))
        message = ""
        if card.phase is CardPhase.FAILED and card.error is not None:
            message = phrases.CARD_ERRORS[card.error].get(lang)
        elif "_card" in state.errors:
            message = state.errors["_card"].get(lang)
        self.error.setText(message)
        self.keypad.setEnabled(card.phase is not CardPhase.READING)
        if self.ctx.demo_cards:
            self.demo_title.setText(phrases.DEMO_CARDS.get(lang))

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.NEXT if state.holder is not None and not state.adding_person else None
