"""`kiosk tour` renders every step of every service, and every screen fits 1366×768 and 1920×1080."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from kiosk.catalog import load_catalog
from ui.tour import run_tour


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_tour_covers_every_step_and_fits(qapp, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads(run_tour(tmp_path, size).read_text("utf-8"))
    screens = manifest["screens"]
    for service in load_catalog().services:
        shown = {e["step"] for e in screens if e["service"] == service.code}
        unconditional = {step.id for step in service.steps if step.when is None}
        assert unconditional <= shown, service.code  # conditional steps appear when their answer does
        assert any(e["service"] == service.code and e["screen"] == "done" for e in screens)
    for entry in screens:
        image = QImage(str(tmp_path / entry["file"]))
        assert (image.width(), image.height()) == size, entry["file"]
        assert entry["overflow_px"] == 0, f"{entry['file']} needs {entry['overflow_px']} px more height"
