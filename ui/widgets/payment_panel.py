"""The fee and the ways to pay it: the amount large, its legal basis small, one card per way.

Fits 1250×560 px (a 1366×768 screen less the top and bottom bars) with up to three cards, no scrolling.
The VietQR card is the wide one: the code at a size phones read from arm's length, beside the account.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.payment import PaymentOffer, format_money
from ui.widgets.basics import clear_layout, label
from ui.widgets.icons import pixmap
from ui.widgets.qr_import import import_qrcode

qrcode = import_qrcode()  # without Pillow: the QR is drawn by Qt from its matrix

QR_MIN_PX = 300
QR_QUIET_MODULES = 4  # ISO/IEC 18004: four modules of light margin all round
PICTOGRAM_PX = 88
# platform: the officer hands over a printed notice, so a printer rather than a QR pictogram that a
# citizen might try to scan
PICTOGRAMS = {"cash": "officer", "platform": "printer"}


def qr_pixmap(payload: str, min_px: int = QR_MIN_PX) -> QPixmap:
    """`payload` as a QR code at least `min_px` wide: whole-pixel modules and the quiet zone kept."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_QUIET_MODULES)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()  # quiet zone included
    side = len(matrix)
    rows = b"".join(bytes(0 if dark else 255 for dark in row) for row in matrix)
    modules = QImage(rows, side, side, side, QImage.Format.Format_Grayscale8).copy()  # its own pixels
    scale = max(1, math.ceil(min_px / side))
    # Drawn by Qt from the matrix (no PNG made and read back); Qt's default scaling is
    # nearest-neighbour: every module a square of whole pixels.
    return QPixmap.fromImage(modules.scaled(side * scale, side * scale))


class PaymentPanel(QWidget):
    """Call show_offers(); call set_language() when the citizen switches language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._amount = 0
        self._legal_basis = ""
        self._offers: tuple[PaymentOffer, ...] = ()
        self._language = "vi"
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.amount_label = label("", "h1", center=True)
        self.basis_label = label("", "muted", center=True)
        column.addWidget(self.amount_label)
        column.addWidget(self.basis_label)
        self.cards = QWidget()
        self.cards.setObjectName("paymentCards")
        # Side by side; one above the other on a portrait panel (three columns of a 768 px width
        # leave a word per line).
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.cards)
        self._row = row
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        column.addWidget(self.cards, 1)
        self.qr_labels: list[QLabel] = []  # the VietQR images on screen
        self._portrait = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = self.window().height() > self.window().width()
        if portrait != self._portrait:
            self._portrait = portrait
            direction = QBoxLayout.Direction
            self._row.setDirection(direction.TopToBottom if portrait else direction.LeftToRight)
            self._render()  # a plain card's picture goes beside its words there (the height)
        super().resizeEvent(event)

    def show_offers(
        self, amount: int, legal_basis: str, offers: Sequence[PaymentOffer], language: str
    ) -> None:
        self._amount, self._legal_basis, self._offers = amount, legal_basis, tuple(offers)
        self._language = language
        self._render()

    def set_language(self, language: str) -> None:
        self._language = language
        self._render()

    def spoken(self) -> str:
        """What the voice says as the payment view opens: the fee, then each way to pay and how
        (the legal basis is for reading; a bank account's digits are on the QR and the slip)."""
        lang = self._language
        said = [self.amount_label.text()]
        if self._amount > 0 and not self._offers:
            said.append(phrases.PAY_ASK_OFFICER.get(lang))
        for offer in self._offers:
            said += [offer.title.get(lang), offer.instructions.get(lang)]
        return ". ".join(s.strip().rstrip(".") for s in said if s.strip())

    def _render(self) -> None:
        lang = self._language
        if self._amount <= 0:
            self.amount_label.setText(phrases.FREE.get(lang))
        else:
            self.amount_label.setText(f"{phrases.INTRO_FEE.get(lang)}: {format_money(self._amount, lang)}")
        basis = (
            f"{phrases.INTRO_LAW.get(lang)}: {self._legal_basis}"
            if self._legal_basis and self._amount > 0
            else ""
        )
        self.basis_label.setText(basis)
        self.basis_label.setVisible(bool(basis))
        clear_layout(self.cards)
        self.qr_labels = []
        row = self._row
        if self._amount > 0 and not self._offers:
            row.addWidget(label(phrases.PAY_ASK_OFFICER.get(lang), "big", center=True))
            return
        for offer in self._offers:
            if offer.method == "vietqr":
                row.addWidget(self._vietqr_card(offer, lang), 2)
            else:
                row.addWidget(self._plain_card(offer, lang), 1)

    def _plain_card(self, offer: PaymentOffer, lang: str) -> QFrame:
        card = _card()
        column = QVBoxLayout(card)
        # Tight vertically: in large text at 768 px the three cards' instructions need all the height.
        column.setContentsMargins(20, 12, 20, 12)
        column.setSpacing(8)
        picture = QLabel()
        picture.setPixmap(pixmap(PICTOGRAMS.get(offer.method, "officer"), PICTOGRAM_PX))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        words = QVBoxLayout()
        words.addWidget(label(offer.title.get(lang), "h2", center=not self._portrait))
        words.addWidget(label(offer.instructions.get(lang), center=not self._portrait))
        if self._portrait:  # cards one above the other: the picture beside the words saves height
            beside = QHBoxLayout()
            beside.setSpacing(16)
            beside.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
            beside.addLayout(words, 1)
            column.addLayout(beside)
        else:
            column.addWidget(picture)
            column.addLayout(words)
        column.addStretch(1)
        return card

    def _vietqr_card(self, offer: PaymentOffer, lang: str) -> QFrame:
        card = _card()
        column = QVBoxLayout(card)
        column.setContentsMargins(16, 12, 20, 12)
        column.setSpacing(8)
        column.addWidget(label(offer.title.get(lang), "h2", center=True))
        row = QHBoxLayout()
        row.setSpacing(16)
        column.addLayout(row)
        code = QLabel()
        code.setObjectName("vietqr")
        image = qr_pixmap(offer.payload)
        code.setPixmap(image)
        code.setFixedSize(image.size())
        # The light quiet zone must stay light whatever the card's background is.
        code.setStyleSheet("background: #FFFFFF;")
        self.qr_labels.append(code)
        row.addWidget(code, 0, Qt.AlignmentFlag.AlignTop)
        details = QVBoxLayout()
        details.setSpacing(2)
        pairs = [
            (phrases.PAY_ACCOUNT_NAME, offer.account_name),
            (phrases.PAY_ACCOUNT_NUMBER, offer.account_number),
            (phrases.PAY_REFERENCE, offer.reference),
        ]
        for caption, value in pairs:
            if value:
                details.addWidget(label(caption.get(lang), "muted"))
                details.addWidget(label(value, "value"))
                details.addSpacing(8)
        details.addStretch(1)
        row.addLayout(details, 1)
        column.addWidget(label(offer.instructions.get(lang)))
        column.addStretch(1)
        return card


def _card() -> QFrame:
    card = QFrame()
    card.setObjectName("card")
    # The theme paints every widget's background; text inside a card takes the card's colour instead.
    card.setStyleSheet("QLabel { background: transparent; } QLabel#value { font-weight: 700; }")
    return card
