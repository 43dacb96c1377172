"""`kiosk run` and `kiosk tour` build their window through the one composition root: for the same
config they offer the same ways to pay, the same demo documents and the same appointment days."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from kiosk.config import load_config
from ui.app import KioskUi
from ui.screens.base import ScreenContext
from ui.tour import Tour, tour_config


def offers(ctx: ScreenContext) -> dict[str, Any]:
    """Everything the context carries but the journey; demo documents by their button text."""
    shown: dict[str, Any] = {}
    for f in dataclasses.fields(ScreenContext):
        if f.name == "journey":
            continue
        value = getattr(ctx, f.name)
        shown[f.name] = [label for label, _place in value] if f.name.startswith("demo_") else value
    return shown


def settings(ui: KioskUi | Tour) -> dict[str, Any]:
    """The station's appointment days and ways to pay, as the application was built with them."""
    return {"appointments": ui.app.journey.appointments, "payment": ui.app.journey.payment}


def test_tour_and_kiosk_get_the_same_screen_context(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tour_config(tmp_path / "data")
    kiosk = KioskUi(config, windowed=True)
    qtbot.addWidget(kiosk.window)
    tour = Tour(tmp_path / "shots", (1366, 768), config)
    qtbot.addWidget(tour.window)
    try:
        assert offers(kiosk.window.ctx) == offers(tour.window.ctx)
        assert settings(kiosk) == settings(tour)
        shown = offers(kiosk.window.ctx)
        assert "Hoàng Đình Nguyễn Thượng Khải Hoàn" in shown["demo_cards"]
        assert "ANNA MARIA ERIKSSON (UTO)" in shown["demo_passports"]
        assert settings(kiosk)["payment"].methods == ("vietqr", "cash", "platform")  # the tour's config
    finally:
        tour.app.controller.stop()
        kiosk.close()


def test_kiosk_offers_demo_passports(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`kiosk run --demo` used to show the demo passports only in the tour. (That it offers the
    configured VietQR is shown by tests/e2e/test_every_service.py, on the done screen.)"""
    kiosk = KioskUi(
        load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={}), windowed=True
    )
    qtbot.addWidget(kiosk.window)
    try:
        assert [label for label, _ in kiosk.window.ctx.demo_passports] == [
            "NGUYEN THI HANG (VNM)",
            "ANNA MARIA ERIKSSON (UTO)",
        ]
    finally:
        kiosk.close()


def test_no_demo_documents_outside_demo_mode(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, environ={})
    kiosk = KioskUi(config, windowed=True)
    qtbot.addWidget(kiosk.window)
    try:
        assert offers(kiosk.window.ctx)["demo_cards"] == []
        assert offers(kiosk.window.ctx)["demo_passports"] == []
    finally:
        kiosk.close()
