"""How the officer checked the identity of a citizen not proven by a chip, asked at hand-back
(`FlowState.needs_identity_check`); the choice goes into the dossier's `identity_check`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.officer_mode import IdentityCheck
from ui.widgets.basics import button, label


class IdentityPanel(QWidget):
    def __init__(self, on_choice: Callable[[IdentityCheck], None], on_back: Callable[[], None]) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        column.setSpacing(16)
        self.title = label("", "h2", center=True)
        self.message = label("", "", center=True)
        column.addWidget(self.title)
        column.addWidget(self.message)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.choices: dict[IdentityCheck, QPushButton] = {}
        for index, check in enumerate(IdentityCheck):
            choice = button("", "")
            choice.clicked.connect(lambda _checked=False, check=check: on_choice(check))
            grid.addWidget(choice, *divmod(index, 2))
            self.choices[check] = choice
        column.addLayout(grid)
        column.addStretch(1)
        self.back_button = button("", "")
        self.back_button.clicked.connect(on_back)
        column.addWidget(self.back_button)

    def open(self, language: str) -> None:
        self.title.setText(phrases.ASSIST_IDENTITY.get(language))
        self.message.setText(phrases.ASSIST_NEED_IDENTITY.get(language))
        for check, choice in self.choices.items():
            choice.setText(phrases.IDENTITY_CHECKS[check.value].get(language))
        self.back_button.setText(phrases.BACK.get(language))
