"""The officer's menu: who is signed in, and one big button per thing an officer does at the kiosk.
Every button asks `OfficerMode.require` (the role's permissions, refusals audited) before acting."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.text import Text
from ui.widgets.basics import button, label

# (name, phrase): the menu's buttons, in their places (two columns).
ITEMS: tuple[tuple[str, Text], ...] = (
    ("assist", phrases.OFFICER_ASSIST),
    ("health", phrases.OFFICER_HEALTH),
    ("reprint", phrases.OFFICER_REPRINT),
    ("print_waiting", phrases.OFFICER_PRINT_WAITING),
    ("leave_kiosk", phrases.OFFICER_LEAVE_KIOSK),
    ("sign_out", phrases.OFFICER_SIGN_OUT),
)


class OfficerMenu(QWidget):
    def __init__(self, actions: dict[str, Callable[[], None]]) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        column.setSpacing(16)
        self.title = label("", "h2", center=True)
        self.timeout = label("", "muted", center=True)
        self.message = label("", "", center=True)
        column.addWidget(self.title)
        column.addWidget(self.timeout)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.buttons: dict[str, QPushButton] = {}
        for index, (name, _text) in enumerate(ITEMS):
            item = button("", "primary" if name == "assist" else "")
            item.clicked.connect(actions[name])
            grid.addWidget(item, *divmod(index, 2))
            self.buttons[name] = item
        column.addLayout(grid)
        column.addWidget(self.message)
        column.addStretch(1)

    def show_for(self, name: str, timeout_s: int, language: str) -> None:
        self.title.setText(phrases.OFFICER_MENU_TITLE.get(language).format(name=name))
        self.timeout.setText(phrases.OFFICER_TIMEOUT.get(language).format(seconds=timeout_s))
        for item, text in ITEMS:
            self.buttons[item].setText(text.get(language))
        self.say("")

    def say(self, text: str, role: str = "") -> None:
        """A result line under the buttons ("error" for a refusal or a fault)."""
        self.message.setObjectName(role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))
