"""Sending, then sent: the tracking code large, the slip printing, what happens next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStackedLayout, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.payment import format_money
from kiosk.text import Text
from kiosk.trackcode import display
from kiosk.voice_cues import sentences
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label
from ui.widgets.icons import pixmap
from ui.widgets.payment_panel import PaymentPanel


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
    """Sent: the code and the slip; with a fee, a button to the ways to pay (a view of this screen)."""

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        self.views = QStackedLayout(self)
        summary = QWidget()
        column = QVBoxLayout(summary)
        column.setContentsMargins(60, 10, 60, 10)
        column.addStretch(1)
        self.picture = QLabel()
        self.picture.setPixmap(pixmap("check", 120))
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
        self.pay_button = button("", "officer", "qr", 48)
        self.pay_button.clicked.connect(lambda: self._view(1))
        column.addWidget(self.pay_button, 0, Qt.AlignmentFlag.AlignCenter)
        column.addStretch(1)
        self.views.addWidget(summary)

        payment = QWidget()
        pay_column = QVBoxLayout(payment)
        pay_column.setContentsMargins(40, 6, 40, 6)
        self.panel = PaymentPanel()
        pay_column.addWidget(self.panel, 1)
        self.views.addWidget(payment)
        self._shown_code = ""

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        if state.review.tracking_code != self._shown_code:  # a new dossier: start on the summary
            self._shown_code = state.review.tracking_code
            self.views.setCurrentIndex(0)
        self.title.setText(phrases.DONE_TITLE.get(lang))
        self.code_caption.setText(phrases.DONE_CODE.get(lang))
        self.code.setText(display(state.review.tracking_code) if state.review.tracking_code else "")
        printing = {"printing": phrases.PRINTING, "printed": phrases.PRINTED, "failed": phrases.PRINT_FAILED}
        message = printing.get(state.review.print_state)
        self.printing.setText(message.get(lang) if message else "")
        self.printing.setObjectName("error" if state.review.print_state == "failed" else "big")
        self.printing.style().polish(self.printing)
        self.next_steps.setText(state.service.next_steps.get(lang) if state.service else "")
        amount = state.fee_amount
        self.pay_button.setVisible(amount > 0 and bool(state.review.tracking_code))
        self.pay_button.setText(phrases.PAY_FEE.get(lang).format(amount=format_money(amount, lang)))
        if amount and state.review.tracking_code and state.service is not None:
            self.panel.show_offers(amount, state.service.fee.legal_basis, state.review.offers, lang)

    def has_back(self, state: FlowState) -> bool:
        return False

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.BACK_TO_SUMMARY if self.views.currentIndex() == 1 else phrases.FINISH

    def on_primary(self) -> None:
        if self.views.currentIndex() == 1:
            self._view(0)
            return
        self.journey.reset()

    def _view(self, index: int) -> None:
        self.views.setCurrentIndex(index)
        self.frame_changed.emit()  # the primary button's label depends on the view
        # A view is not a new state, so voice_cues says nothing of it: the screen says it.
        state = self.journey.state()
        self.say.emit(self.panel.spoken() if index == 1 else self.spoken(state))

    def spoken(self, state: FlowState) -> str:
        lang = state.language
        code = state.review.tracking_code
        printing = {"printing": phrases.PRINTING, "printed": phrases.PRINTED, "failed": phrases.PRINT_FAILED}
        said = [phrases.DONE_TITLE.get(lang)]
        if code:  # spelled in its two halves (kiosk.speech), as printed on the slip
            said.append(f"{phrases.DONE_CODE.get(lang)}: {display(code)}")
        if state.review.print_state in printing:
            said.append(printing[state.review.print_state].get(lang))
        return sentences(said)
