from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from ui.app import KioskUi


class RecordingVoice:
    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))


@pytest.fixture
def kiosk_ui(qtbot, tmp_path: Path) -> Iterator[KioskUi]:  # type: ignore[no-untyped-def]
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    ui = KioskUi(config, windowed=True, voice=RecordingVoice())
    qtbot.addWidget(ui.window)
    ui.window.resize(1366, 768)
    ui.show()
    yield ui
    ui.close()
