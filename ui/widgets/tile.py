"""A menu tile: the service's pictogram, its official name and a one-line plain explanation.

A QPushButton draws only one line of text of its own; this one holds labels that wrap (at phrase
boundaries, `kiosk.wrap`), and takes the height its labels need at its width."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout

from kiosk.wrap import keep_phrases, plain
from ui.widgets.basics import label
from ui.widgets.icons import pixmap


class WrappingButton(QPushButton):
    """A button sized by the layout of the labels it holds, not by its own (empty) text: as wide
    as its row gives it, as tall as its labels need at that width."""

    def __init__(self) -> None:
        super().__init__()
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # A button is as wide as its text by default; this one shares the row and grows downwards.
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else super().heightForWidth(width)


class Tile(WrappingButton):
    def __init__(self, pictogram: str, icon_px: int) -> None:
        super().__init__()
        self.setObjectName("tile")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 12, 16, 12)
        row.setSpacing(16)
        self.picture = QLabel()
        self.picture.setPixmap(pixmap(pictogram, icon_px))
        self.picture.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        self.name = label("", "tile-name")
        self.explanation = label("", "tile-explanation")
        for line in (self.name, self.explanation):
            line.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)  # the tile takes the tap
            text.addWidget(line)
        text.addStretch(1)
        row.addLayout(text, 1)

    def set_texts(self, name: str, explanation: str) -> None:
        self.name.setText(keep_phrases(name))
        self.explanation.setText(keep_phrases(explanation))
        self.updateGeometry()

    def text(self) -> str:
        """The name, as a button's text (what tests and voice look for)."""
        return plain(self.name.text())


class ChoiceTile(WrappingButton):
    """A checkable answer whose text wraps (at phrase boundaries) instead of being cut: long
    options ("Chuyển khoản: Cổng Dịch vụ công, ngân hàng …") in large text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.setObjectName("choice")
        self.setCheckable(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        self.caption = label(keep_phrases(text), "choice-text", center=True)
        self.caption.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        row.addWidget(self.caption)
        self.toggled.connect(self._follow_check)

    def _follow_check(self, on: bool) -> None:
        self.caption.setProperty("checked", on)  # the theme colours a checked tile's text
        self.caption.style().unpolish(self.caption)
        self.caption.style().polish(self.caption)

    def setChecked(self, on: bool) -> None:
        super().setChecked(on)
        self._follow_check(on)

    def setText(self, text: str) -> None:
        self.caption.setText(keep_phrases(text))
        self.updateGeometry()

    def text(self) -> str:
        return plain(self.caption.text())
