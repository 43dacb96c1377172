"""A step of questions from the catalog. Its defaults and the appointment days it offers are
decided here, in the core, and carried in the state; the screen only shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kiosk import phrases
from kiosk.catalog import Field
from kiosk.flow.state import FlowState
from kiosk.flow.steps.base import StepEnv, StepKind
from kiosk.text import Text
from kiosk.validation import check_fields, parse_date


class Form(StepKind):
    name = "form"

    def enter(self, state: FlowState, env: StepEnv) -> FlowState:
        step, service = state.step, state.service
        assert step is not None and service is not None
        fields = service.fields_of(step, state.form.values)
        starts = date_starts(fields, state.form.values, env.today)
        settings = env.appointments if any(f.type == "appointment" for f in fields) else None
        days = tuple(settings.open_days(env.today)) if settings else ()
        slots = settings.slots if settings else ()
        form = state.form
        if (starts, days, slots) == (form.date_starts, form.appointment_days, form.appointment_slots):
            return state
        return replace(
            state, form=replace(form, date_starts=starts, appointment_days=days, appointment_slots=slots)
        )

    def validate(self, state: FlowState, env: StepEnv) -> FlowState | None:
        step, service = state.step, state.service
        assert step is not None and service is not None
        errors = field_errors(service.fields_of(step, state.form.values), state.form.values, env)
        return replace(state, form=replace(state.form, errors=errors)) if errors else None


def date_starts(fields: list[Field], values: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    """Where each date question's picker starts: today, or the day after the date it must follow.

    Only where it starts: the answer stays empty until the citizen chooses (issue 11: pre-filled
    dates let Continue declare dates nobody chose)."""
    starts = {}
    for fdef in fields:
        if fdef.type != "date" or fdef.readonly:
            continue
        earlier = parse_date(values.get(fdef.after_field)) if fdef.after_field else None
        starts[fdef.id] = (earlier + dt.timedelta(days=1) if earlier else today).isoformat()
    return starts


def field_errors(fields: list[Field], values: Mapping[str, Any], env: StepEnv) -> dict[str, Text]:
    """What is wrong with these answers: the field rules, and an appointment outside the days and
    times offered (the same `AppointmentSettings.accepts` that decides what is offered)."""
    errors = check_fields(fields, values, env.today)
    for fdef in fields:
        booked = values.get(fdef.id)
        if fdef.type != "appointment" or fdef.id in errors or not isinstance(booked, Mapping):
            continue
        if env.appointments is None or not env.appointments.accepts(booked, env.today):
            errors[fdef.id] = fdef.messages.get("not_offered") or phrases.APPOINTMENT_NOT_OFFERED
    return errors


KIND = Form()
