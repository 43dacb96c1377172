"""Helpers of the officer-mode tests: a citizen's dossier submitted through the real window."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Citizen
from ui.app import KioskUi

SERVICE = "1.003677"  # temporary absence: a card and a few questions
NAME = "Trần Văn Đức"


def citizen(qtbot: Any, ui: KioskUi) -> Citizen:
    return Citizen(qtbot, ui)


def start(qtbot: Any, ui: KioskUi) -> Citizen:
    person = Citizen(qtbot, ui)
    profile = next(p for p in ui.app.demo_profiles if p.holder.full_name == NAME)
    person.start(SERVICE, profile)
    return person


def submit_one(qtbot: Any, ui: KioskUi) -> str:
    """A dossier tapped from idle to its printed receipt; its tracking code."""
    person = start(qtbot, ui)
    person.walk_to_review([])
    person.next()
    qtbot.waitUntil(lambda: person.state().review.print_state in ("printed", "failed"), timeout=20000)
    code = person.state().review.tracking_code
    ui.app.journey.reset()  # the citizen has gone
    return code
