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
from kiosk.samples import sample_value
from kiosk.trackcode import new_code
from tests.waits import WAIT_MS
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
    payment = PaymentOptions(("cash", "vietqr"), "970436", "0000000000", "")
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


@pytest.mark.parametrize("code", ["1.010910", "2.001159"])
def test_the_window_renders_a_whole_journey_without_touching_it(qtbot: QtBot, kiosk_ui, code: str) -> None:  # type: ignore[no-untyped-def]
    """Every screen of a service with an appointment and a fee, and of one with guests, from the
    menu to the ways to pay: the window's rendering never changes the journey's state."""
    ui = kiosk_ui
    journey, window = ui.app.journey, ui.window
    render = window.show_state
    rendered: list[str] = []

    def checked_render(state: FlowState) -> None:
        render(state)
        assert journey.state() is state, f"rendering {state.screen} changed the journey"
        rendered.append(state.screen)

    window.show_state = checked_render  # type: ignore[method-assign]
    # The window's own subscription renders through the check too.
    journey._listeners = [checked_render if f == render else f for f in journey._listeners]
    journey.start()
    journey.choose_service(code)
    journey.next()
    journey.consent(True)
    profile, guest = ui.app.demo_profiles[0], ui.app.demo_profiles[1]
    ui.app.card_reader().insert(profile)  # type: ignore[attr-defined]
    journey.set_id_number(profile.holder.id_number)
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=WAIT_MS)
    journey.confirm_identity(True)
    for _ in range(40):
        state = journey.state()
        if state.screen == "review":
            break
        step = state.step
        assert step is not None and state.service is not None
        if step.kind == "people":
            journey.add_person()
            ui.app.card_reader().insert(guest)  # type: ignore[attr-defined]
            journey.set_id_number(guest.holder.id_number)
            qtbot.waitUntil(lambda: not journey.state().people.adding, timeout=WAIT_MS)
        for fdef in state.service.fields_of(step, state.form.values):
            if fdef.readonly:
                continue
            if fdef.type == "date":  # chosen where the core says the picker starts
                journey.set_value(fdef.id, journey.state().form.date_starts[fdef.id])
            else:
                value = sample_value(fdef, dict(journey.state().form.values), journey.today())
                if fdef.type == "appointment":  # the first day and time the core offers
                    form = journey.state().form
                    value = {"date": form.appointment_days[0].isoformat(), "time": form.appointment_slots[0]}
                journey.set_value(fdef.id, value)
        journey.next()
        assert not journey.state().form.errors, journey.state().form.errors
    journey.next()
    qtbot.waitUntil(lambda: journey.state().review.print_state in ("printed", "failed"), timeout=20000)
    assert {"card", "identity", "form", "review", "done"} <= set(rendered)
