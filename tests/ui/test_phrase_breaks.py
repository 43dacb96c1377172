"""Qt honours the joins `kiosk.wrap.keep_phrases` makes: "Ông/Bà" stays on one line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics

from kiosk.wrap import keep_phrases


def lines(text: str, width: int, metrics: QFontMetrics) -> int:
    return metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height() // (
        metrics.lineSpacing()
    )


def test_a_slash_word_is_not_broken_by_qt(qtbot: Any) -> None:
    metrics = QFontMetrics(QFont("Noto Sans", 24))
    width = metrics.horizontalAdvance("Ông/") + 4  # room for "Ông/" but not for "Ông/Bà"
    assert lines("Ông/Bà", width, metrics) == 2  # Qt alone breaks after the slash
    assert lines(keep_phrases("Ông/Bà"), width, metrics) == 1
