"""Screens render the state and decide nothing: rendering never changes the journey, the pickers
show what the core offers, and every step kind of the core's registry has its screen."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from pytestqt.qtbot import QtBot

from kiosk.appointments import AppointmentSettings
from kiosk.catalog import load_catalog
from kiosk.flow.journey import Journey
from kiosk.flow.state import FlowState
from kiosk.flow.steps import STEP_KINDS
from kiosk.payment import PaymentOptions
from kiosk.trackcode import new_code
from ui.screens.base import Screen, ScreenContext
from ui.screens.done import DoneScreen
from ui.screens.form import FormScreen
from ui.widgets.appointment import AppointmentPicker
from ui.window import SCREENS

NOW = dt.datetime(2026, 11, 26, 9, 0)
CATALOG = load_catalog()
SETTINGS = AppointmentSettings(days_ahead=6, slots=("08:00", "14:00"), weekdays=("mon", "wed", "fri"))


def test_every_step_kind_has_its_screen() -> None:
    assert set(STEP_KINDS) <= set(SCREENS)
    for name, target in SCREENS.items():
        module, _, cls = target.partition(":")
        assert issubclass(getattr(importlib.import_module(module), cls), Screen), name


def form_steps() -> list[tuple[str, str]]:
    return [(s.code, step.id) for s in CATALOG.services for step in s.steps if step.kind == "form"]


@pytest.mark.parametrize(("code", "step_id"), form_steps())
def test_rendering_a_form_does_not_change_the_journey(qtbot: QtBot, code: str, step_id: str) -> None:
    journey = Journey(CATALOG, lambda: NOW, appointments=SETTINGS)
    journey.start()
    journey.choose_service(code)
    journey.edit_step(step_id)
    changes: list[FlowState] = []
    journey.subscribe(changes.append)
    screen = FormScreen(ScreenContext(journey))
    qtbot.addWidget(screen)
    before = journey.state()
    screen.show_state(before)
    screen.show()
    screen.show_state(before)
    assert changes == [] and journey.state() is before


def test_the_appointment_picker_offers_the_core_days(qtbot: QtBot) -> None:
    journey = Journey(CATALOG, lambda: NOW, appointments=SETTINGS)
    journey.start()
    journey.choose_service("1.010910")
    journey.edit_step("appointment")
    screen = FormScreen(ScreenContext(journey))
    qtbot.addWidget(screen)
    screen.show_state(journey.state())
    (picker,) = screen.findChildren(AppointmentPicker)
    tiles = [t.property("iso") for t in picker._days.buttons()]
    slots = [t.property("iso") for t in picker._slots.buttons()]
    state = journey.state()
    offered = [d.isoformat() for d in state.form.appointment_days]
    assert tiles == offered == ["2026-11-27", "2026-11-30", "2026-12-02"]
    assert slots == list(state.form.appointment_slots) == ["08:00", "14:00"]


def test_the_done_screen_shows_the_offers_in_the_state(qtbot: QtBot) -> None:
    payment = PaymentOptions(methods=("cash", "vietqr"), vietqr_bin="970436", vietqr_account="0000000000")
    journey = Journey(CATALOG, lambda: NOW, payment=payment)
    journey.start()
    journey.choose_service("1.010910")
    journey.submitted(new_code())
    screen = DoneScreen(ScreenContext(journey))
    qtbot.addWidget(screen)
    state = journey.state()
    screen.show_state(state)
    assert journey.state() is state
    assert screen.panel._offers == state.review.offers
    assert [o.method for o in state.review.offers] == ["cash", "vietqr"]
    assert len(screen.panel.qr_labels) == 1  # the VietQR card drawn from the state's payload
