"""Every catalog service: a wrong answer gets its message while everything entered stays.
(Each service tapped from idle to the printed receipt: tests/e2e/test_every_service.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.app.scripted import DESTINATION
from kiosk.catalog import load_catalog
from kiosk.samples import sample_value
from tests.waits import WAIT_MS
from ui.app import KioskUi

SERVICES = [service.code for service in load_catalog().services]
NAME = "Trần Văn Đức"


def error_texts(ui: KioskUi) -> list[str]:
    screen = ui.window.screens["form"]
    return [w.text() for w in screen.findChildren(QLabel, "error") if w.text() and w.isVisibleTo(screen)]


def start(qtbot, ui: KioskUi, code: str) -> None:  # type: ignore[no-untyped-def]
    journey = ui.app.journey
    journey.start()
    journey.choose_service(code)
    journey.next()
    assert journey.state().screen == "consent"
    journey.consent(True)
    profile = next(p for p in ui.app.demo_profiles if p.holder.full_name == NAME)
    ui.app.card_reader().insert(profile)  # type: ignore[attr-defined]
    journey.set_id_number(profile.holder.id_number)
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=WAIT_MS)
    journey.confirm_identity(True)


def fill_step(qtbot, ui: KioskUi, guests: list) -> None:  # type: ignore[no-untyped-def]
    journey = ui.app.journey
    state = journey.state()
    step = state.step
    assert step is not None and state.service is not None
    if step.kind == "people":
        for guest in guests:
            journey.add_person()
            assert ui.window.stack.currentWidget() is ui.window.screens["card"]
            ui.app.card_reader().insert(guest)  # type: ignore[attr-defined]
            journey.set_id_number(guest.holder.id_number)
            qtbot.waitUntil(lambda: not journey.state().people.adding, timeout=WAIT_MS)
        return
    values = dict(state.form.values)
    for fdef in state.service.fields_of(step, values):
        if not fdef.readonly:
            values[fdef.id] = sample_value(fdef, values, journey.today())
            journey.set_value(fdef.id, values[fdef.id])


@pytest.mark.parametrize("code", SERVICES)
def test_service_invalid_answer_message_and_values_kept(qtbot, kiosk_ui: KioskUi, code: str) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    journey = ui.app.journey
    start(qtbot, ui, code)
    guests = [p for p in ui.app.demo_profiles if p.holder.full_name != NAME][:1]
    # Walk to the first step with a required question that is asked (not from the card).
    for _ in range(40):
        state = journey.state()
        assert state.service is not None and state.step is not None
        required = [
            f for f in state.service.fields_of(state.step, state.form.values) if f.required and not f.readonly
        ]
        if state.step.kind == "form" and required and all(f.type != "date" for f in required):
            break
        if state.screen == "review":
            pytest.skip(f"{code} asks no required question the citizen can leave empty")
        fill_step(qtbot, ui, guests)
        journey.next()
    field = required[0]
    step_id = state.step.id
    journey.next()  # nothing entered
    state = journey.state()
    assert state.step is not None and state.step.id == step_id  # stays
    message = state.form.errors[field.id].get("vi")
    qtbot.waitUntil(lambda: message in error_texts(ui), timeout=2000)
    # Fill this step, go on, come back: the answers are still there.
    fill_step(qtbot, ui, guests)
    entered = {f.id: journey.state().form.values[f.id] for f in required}
    journey.next()
    assert journey.state().step is not None and journey.state().step.id != step_id  # type: ignore[union-attr]
    journey.back()
    while journey.state().step is not None and journey.state().step.id != step_id:  # type: ignore[union-attr]
        journey.back()
    assert {f.id: journey.state().form.values[f.id] for f in required} == entered
    assert not error_texts(ui)


def test_dates_in_order_message(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    journey = ui.app.journey
    start(qtbot, ui, "1.003677")
    journey.set_value("destination", DESTINATION)
    journey.next()
    today = journey.today()
    journey.set_value("date_from", (today + dt.timedelta(days=5)).isoformat())
    journey.set_value("date_to", (today + dt.timedelta(days=2)).isoformat())
    journey.next()
    qtbot.waitUntil(lambda: "Ngày về phải sau ngày đi" in error_texts(ui), timeout=2000)


def test_lodging_says_who_may_be_declared_before_any_card_is_read(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    """A foreign guest is turned away before the passport is typed and read (issue 11, item 8)."""
    from kiosk import phrases

    said: list[str] = []
    kiosk_ui.window.voice.say = lambda text, language: said.append(text)  # type: ignore[method-assign]
    start(qtbot, kiosk_ui, "2.001159")
    journey = kiosk_ui.app.journey
    for _ in range(10):
        step = journey.state().step
        assert step is not None
        if step.kind == "people":
            break
        fill_step(qtbot, kiosk_ui, [])
        journey.next()
    screen = kiosk_ui.window.screens["people"]
    note = phrases.PEOPLE_VIETNAMESE_ONLY.get("vi")
    shown = [w.text() for w in screen.findChildren(QLabel) if w.isVisibleTo(screen)]
    assert note in shown and not journey.state().guests
    assert any(note in text for text in said)
