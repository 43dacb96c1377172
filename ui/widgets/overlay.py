"""A dimmed layer over the whole screen with one centred question and big answers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.widgets.basics import button, clear_layout, label
from ui.widgets.icons import pixmap


class Overlay(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.dialog = QFrame()
        self.dialog.setObjectName("dialog")
        self.dialog.setMaximumWidth(1100)
        column = QVBoxLayout(self.dialog)
        column.setContentsMargins(50, 40, 50, 40)
        column.setSpacing(20)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.picture)
        self.title = label("", "h1", center=True)
        self.detail = label("", "", center=True)
        column.addWidget(self.title)
        column.addWidget(self.detail)
        self.buttons = QWidget()
        QHBoxLayout(self.buttons)
        column.addWidget(self.buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.dialog, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self._shown_key: tuple[str, ...] = ()
        self.hide()

    def show_question(
        self, pictogram: str, title: str, detail: str, answers: list[tuple[str, str, Callable[[], None]]]
    ) -> None:
        """`answers`: (text, role, action); role "primary" for the main answer."""
        key = (pictogram, title, *(a[0] for a in answers))
        if key != self._shown_key:
            self._shown_key = key
            self.picture.setPixmap(pixmap(pictogram, 120))
            self.title.setText(title)
            clear_layout(self.buttons)
            layout = self.buttons.layout()
            for text, role, action in answers:
                answer = button(text, role)
                answer.clicked.connect(action)
                layout.addWidget(answer)  # type: ignore[union-attr]
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def dismiss(self) -> None:
        self._shown_key = ()
        self.hide()
