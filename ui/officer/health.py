"""Device health for the officer: one line per part, green or red, with what to do
(`kiosk.app.officer_health.device_lines`, run off the UI thread)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.health import Check
from ui.widgets.basics import button, clear_layout, label, scroll_area


class HealthPanel(QWidget):
    def __init__(self, on_refresh: Callable[[], None], on_back: Callable[[], None]) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        column.setSpacing(10)
        self.title = label("", "h2", center=True)
        column.addWidget(self.title)
        self.status = label("", "muted", center=True)
        column.addWidget(self.status)
        self.lines_box = QWidget()
        QVBoxLayout(self.lines_box).setSpacing(6)
        column.addWidget(scroll_area(self.lines_box), 1)
        row = QHBoxLayout()
        self.back_button = button("", "")
        self.back_button.clicked.connect(on_back)
        self.refresh_button = button("", "primary")
        self.refresh_button.clicked.connect(on_refresh)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        column.addLayout(row)
        self.lines: list[tuple[Check, QLabel]] = []
        self._language = "vi"

    def checking(self, language: str) -> None:
        self._language = language
        self.title.setText(phrases.OFFICER_HEALTH.get(language))
        self.back_button.setText(phrases.BACK.get(language))
        self.refresh_button.setText(phrases.HEALTH_REFRESH.get(language))
        self.status.setText(phrases.OFFICER_WORKING.get(language))
        self.status.show()

    def show_lines(self, checks: Sequence[Check]) -> None:
        self.status.hide()
        clear_layout(self.lines_box)
        self.lines = []
        layout = self.lines_box.layout()
        assert layout is not None
        for check in checks:
            name = phrases.HEALTH_LINES[check.name].get(self._language)
            line = label(f"{'●' if check.ok else '✖'} {name}: {check.detail}", "ok" if check.ok else "error")
            layout.addWidget(line)
            self.lines.append((check, line))
        layout.addStretch(1)  # type: ignore[attr-defined]
