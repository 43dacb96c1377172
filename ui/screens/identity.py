"""Confirm the data read from the card: photo, name, date of birth, ID, address."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.text import Text
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import StepHeading, button, label
from ui.widgets.icons import pixmap


def photo_format(data: bytes) -> str:
    """The face is JPEG or PNG (`devices.card.photo.displayable`): named, so that Qt decodes it
    with that plugin alone instead of loading and probing every image plugin it has (TIFF,
    WebP, ICNS… ~0.6 MB of code kept mapped after the first journey) on bytes from a chip."""
    return "JPEG" if data[:2] == b"\xff\xd8" else "PNG"


class IdentityScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 10, 60, 10)
        self.heading = StepHeading(column)
        self.title = self.heading.title
        row = QHBoxLayout()
        self.photo = QLabel()
        self.photo.setFixedSize(210, 280)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setObjectName("card")
        row.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        grid = QGridLayout()
        grid.setVerticalSpacing(10)
        grid.setHorizontalSpacing(30)
        self.captions: list[QLabel] = []
        self.values: list[QLabel] = []
        for index in range(5):
            caption = label("", "muted")
            value = label("", "big")
            grid.addWidget(caption, index, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, index, 1, Qt.AlignmentFlag.AlignTop)
            self.captions.append(caption)
            self.values.append(value)
        grid.setColumnStretch(1, 1)
        row.addSpacing(30)
        row.addLayout(grid, 1)
        column.addLayout(row, 1)
        self.not_me = button("", "", "error", 48)
        self.not_me.clicked.connect(lambda: self.journey.confirm_identity(False))
        column.addWidget(self.not_me, 0, Qt.AlignmentFlag.AlignLeft)

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        self.heading.show(phrases.ID_TITLE.get(lang), "id-card")
        self.not_me.setText(phrases.ID_NO.get(lang))
        holder = state.card.holder
        if holder is None:
            return
        rows = (
            (phrases.ID_NAME, holder.full_name),
            (phrases.ID_DOB, holder.date_of_birth),
            (phrases.ID_SEX, holder.sex),
            (phrases.ID_NUMBER, holder.id_number),
            (phrases.ID_ADDRESS, holder.residence),
        )
        for (caption, value), c_label, v_label in zip(rows, self.captions, self.values, strict=True):
            c_label.setText(caption.get(lang))
            v_label.setText(value or "—")
        if state.card.residence_address and state.card.residence_address.get("commune_name"):
            now = ", ".join(
                state.card.residence_address[k]
                for k in ("commune_name", "province_name")
                if state.card.residence_address.get(k)
            )
            self.values[-1].setText(f"{holder.residence}\n{phrases.ADDRESS_NOW.get(lang)}: {now}")
        image = QPixmap()
        if state.card.photo and image.loadFromData(state.card.photo, photo_format(state.card.photo)):
            self.photo.setPixmap(
                image.scaled(
                    200, 270, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        else:
            self.photo.setPixmap(pixmap("id-card", 200))

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.ID_YES

    def on_primary(self) -> None:
        self.journey.confirm_identity(True)

    def spoken(self, state: FlowState) -> str:
        name = state.card.holder.full_name if state.card.holder else ""
        return f"{phrases.ID_TITLE.get(state.language)} {name}"
