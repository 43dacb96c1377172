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


def test_tour_and_kiosk_get_the_same_screen_context(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tour_config(tmp_path / "data")
    kiosk = KioskUi(config, windowed=True)
    qtbot.addWidget(kiosk.window)
    tour = Tour(tmp_path / "shots", (1366, 768), config)
    qtbot.addWidget(tour.window)
    try:
        assert offers(kiosk.window.ctx) == offers(tour.window.ctx)
        shown = offers(kiosk.window.ctx)
        assert "Hoàng Đình Nguyễn Thượng Khải Hoàn" in shown["demo_cards"]
        assert "ANNA MARIA ERIKSSON (UTO)" in shown["demo_passports"]
        assert set(config.payment.methods) <= {m for m in shown_methods(kiosk.window.ctx)}
    finally:
        tour.app.controller.stop()
        kiosk.close()


def shown_methods(ctx: ScreenContext) -> list[str]:
    payment = getattr(ctx, "payment", None)
    return list(payment.methods) if payment is not None else []


def test_kiosk_offers_the_configured_payment_and_demo_passports(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The station of issue 8: `payment.methods = ["vietqr", "cash"]` offered VietQR only in the tour."""
    settings = {
        "paths.data_dir": str(tmp_path),
        "payment.methods": ["vietqr", "cash"],
        "payment.vietqr_bin": "970436",
        "payment.vietqr_account": "0000000000",
        "payment.vietqr_account_name": "DEMO",
    }
    kiosk = KioskUi(load_config(overrides=settings, demo=True, environ={}), windowed=True)
    qtbot.addWidget(kiosk.window)
    try:
        assert "vietqr" in shown_methods(kiosk.window.ctx)
        assert len(kiosk.window.ctx.demo_passports) == 2
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
