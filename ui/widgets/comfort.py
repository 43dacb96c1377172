"""The volume and contrast panel a citizen opens from the top bar ("Âm lượng"): louder, quieter,
high contrast on or off, close. Every button has a pictogram and a name, at touch size; each
change is said at once (a new volume is heard at that volume).

The window owns what the buttons do (`ui/window.py`: the voice's `Loudness`, the journey's
high-contrast switch); this widget only lays them out over the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk import phrases
from ui.widgets.basics import button, label
from ui.widgets.icons import icon, pixmap

VOLUME_STEPS = 10  # "Âm lượng 6 trên 10": one tap is a tenth of the sink's full volume
PICTURE_PX = 110
BUTTON_ICON_PX = 56


def volume_level(percent: int) -> int:
    """The level a percentage shows as (0..VOLUME_STEPS), rounded to the nearest step."""
    return max(0, min(VOLUME_STEPS, round(percent * VOLUME_STEPS / 100)))


class ComfortPanel(QWidget):
    """Over the whole window, like the overlay; the overlay's questions go above it."""

    def __init__(
        self,
        parent: QWidget,
        *,
        louder: Callable[[], None],
        quieter: Callable[[], None],
        contrast: Callable[[], None],
        close: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        dialog = QFrame()
        dialog.setObjectName("dialog")
        dialog.setMaximumWidth(1100)  # as the overlay's; on a portrait panel nearly its whole width
        column = QVBoxLayout(dialog)
        column.setContentsMargins(24, 30, 24, 30)
        column.setSpacing(18)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.picture)
        self.title = label("", "h1", center=True)
        self.level = label("", "big", center=True)
        column.addWidget(self.title)
        column.addWidget(self.level)
        self.quieter_button = button("", "", "volume-down", BUTTON_ICON_PX)
        self.louder_button = button("", "", "volume-up", BUTTON_ICON_PX)
        self.contrast_button = button("", "", "contrast", BUTTON_ICON_PX)
        self.contrast_button.setCheckable(True)
        self.close_button = button("", "primary", "check", BUTTON_ICON_PX)
        for pair in ((self.quieter_button, self.louder_button), (self.contrast_button, self.close_button)):
            row = QHBoxLayout()
            row.setSpacing(24)
            for widget in pair:
                row.addWidget(widget, 1)
            column.addLayout(row)
        self.quieter_button.clicked.connect(quieter)
        self.louder_button.clicked.connect(louder)
        self.contrast_button.clicked.connect(contrast)
        self.close_button.clicked.connect(close)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(dialog, 100)
        middle.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(1)
        self.restyle()
        self.hide()

    def buttons(self) -> list[QPushButton]:
        return [self.quieter_button, self.louder_button, self.contrast_button, self.close_button]

    def restyle(self) -> None:
        """Pictograms drawn again in the theme's colours (the window changed theme)."""
        self.picture.setPixmap(pixmap("volume", PICTURE_PX))
        names = ("volume-down", "volume-up", "contrast", "check")
        for widget, name in zip(self.buttons(), names, strict=True):
            widget.setIcon(icon(name, BUTTON_ICON_PX))
            widget.setIconSize(QSize(BUTTON_ICON_PX, BUTTON_ICON_PX))

    def show_values(self, language: str, volume: int | None, high_contrast: bool) -> None:
        """`volume`: None where the voice has no volume control (espeak-ng speaking to ALSA)."""
        self.title.setText(phrases.COMFORT_TITLE.get(language))
        self.quieter_button.setText(phrases.QUIETER.get(language))
        self.louder_button.setText(phrases.LOUDER.get(language))
        self.contrast_button.setText(phrases.HIGH_CONTRAST.get(language))
        self.contrast_button.setChecked(high_contrast)
        self.close_button.setText(phrases.CLOSE.get(language))
        for widget in (self.level, self.quieter_button, self.louder_button):
            widget.setVisible(volume is not None)
        if volume is not None:
            self.level.setText(level_text(volume, language))
            self.quieter_button.setEnabled(volume > 0)
            self.louder_button.setEnabled(volume < 100)

    def open(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def close_panel(self) -> None:
        self.hide()


def level_text(volume: int, language: str) -> str:
    return phrases.VOLUME_LEVEL.get(language).format(level=volume_level(volume), steps=VOLUME_STEPS)
