from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import load_config
from ui.app import KioskUi


class RecordingVoice:
    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))


def shown_kiosk(
    qtbot: Any, data_dir: Path, overrides: Mapping[str, Any] | None = None, *, resize: bool = True
) -> KioskUi:
    """A demo kiosk, its data in `data_dir`, with these config `overrides`, shown windowed (at
    1366×768 when `resize`) and heard by a `RecordingVoice`. The caller closes it."""
    overrides = {"paths.data_dir": str(data_dir), **(overrides or {})}
    config = load_config(overrides=overrides, demo=True, environ={})
    ui = KioskUi(config, windowed=True, voice=RecordingVoice())
    qtbot.addWidget(ui.window)
    if resize:
        ui.window.resize(1366, 768)
    ui.show()
    return ui


@pytest.fixture
def kiosk_ui(qtbot, tmp_path: Path) -> Iterator[KioskUi]:  # type: ignore[no-untyped-def]
    ui = shown_kiosk(qtbot, tmp_path)
    yield ui
    ui.close()
