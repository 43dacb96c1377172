"""Rules the screens used to hold, now decided by the core and carried in the flow state:
date defaults, the appointment days (offered and accepted by one function), payment offers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk import phrases
from kiosk.app.root import build_app
from kiosk.appointments import AppointmentSettings
from kiosk.catalog import load_catalog
from kiosk.config import load_config
from kiosk.flow.journey import Journey
from kiosk.payment import PaymentOptions
from kiosk.runner import InlineRunner
from kiosk.trackcode import new_code

NOW = dt.datetime(2026, 11, 26, 9, 0)  # a Thursday
TODAY = NOW.date()
TAM_VANG = "1.003677"  # dates: date_from, then date_to after it
XE_MAY = "1.010910"  # an appointment to bring the motorbike; a fee of 150.000 đồng
SETTINGS = AppointmentSettings(
    days_ahead=5, slots=("08:00", "14:00"), weekdays=("mon", "tue", "wed", "thu", "fri")
)
VIETQR = PaymentOptions(
    methods=("vietqr", "cash"), vietqr_bin="970436", vietqr_account="0000000000", vietqr_account_name="DEMO"
)
CATALOG = load_catalog()


def journey(**settings: object) -> Journey:
    return Journey(CATALOG, lambda: NOW, **settings)  # type: ignore[arg-type]


def test_date_pickers_start_at_their_defaults_and_nothing_is_chosen_for_the_citizen() -> None:
    j = journey()
    j.start()
    j.choose_service(TAM_VANG)
    j.edit_step("dates")
    form = j.state().form
    assert "date_from" not in form.values and "date_to" not in form.values  # chosen, never pre-filled
    assert form.date_starts["date_from"] == TODAY.isoformat()
    assert form.date_starts["date_to"] == TODAY.isoformat()  # follows date_from once that is chosen
    j.next()
    assert j.state().step.id == "dates" and set(j.state().form.errors) >= {"date_from"}  # type: ignore[union-attr]


def test_a_date_given_is_kept_and_the_later_picker_follows_it() -> None:
    j = journey()
    j.start()
    j.choose_service(TAM_VANG)
    j.set_value("date_from", "2026-12-10")
    j.edit_step("dates")
    assert j.state().form.values["date_from"] == "2026-12-10"
    assert "date_to" not in j.state().form.values
    assert j.state().form.date_starts["date_to"] == "2026-12-11"
    j.set_value("date_to", "2027-01-05")
    j.edit_step("intro")
    j.edit_step("dates")
    assert j.state().form.values["date_to"] == "2027-01-05"  # entering again changes no answer


def to_appointment(j: Journey) -> None:
    j.start()
    j.choose_service(XE_MAY)
    j.edit_step("appointment")
    assert j.state().step.id == "appointment"  # type: ignore[union-attr]


def test_appointment_days_offered_are_the_days_accepted() -> None:
    j = journey(appointments=SETTINGS)
    to_appointment(j)
    offered = j.state().form.appointment_days
    assert offered == tuple(SETTINGS.open_days(TODAY))
    assert offered == (dt.date(2026, 11, 27), dt.date(2026, 11, 30), dt.date(2026, 12, 1))
    assert j.state().form.appointment_slots == ("08:00", "14:00")
    for day in (TODAY + dt.timedelta(days=n) for n in range(-1, 9)):
        j.edit_step("appointment")
        j.set_value("appointment", {"date": day.isoformat(), "time": "14:00"})
        j.next()
        accepted = j.state().step.id != "appointment"  # type: ignore[union-attr]
        assert accepted == (day in offered), day


def test_today_is_refused_as_it_is_never_offered() -> None:
    j = journey(appointments=SETTINGS)
    to_appointment(j)
    assert TODAY not in j.state().form.appointment_days
    j.set_value("appointment", {"date": TODAY.isoformat(), "time": "08:00"})
    j.next()
    assert j.state().form.errors["appointment"] == phrases.APPOINTMENT_NOT_OFFERED
    j.set_value("appointment", {"date": "2026-11-27", "time": "09:15"})  # a time not offered
    j.next()
    assert j.state().form.errors["appointment"] == phrases.APPOINTMENT_NOT_OFFERED
    j.set_value("appointment", {"date": "2026-11-27", "time": "08:00"})
    j.next()
    assert not j.state().form.errors and j.state().step.id != "appointment"  # type: ignore[union-attr]


def test_steps_without_an_appointment_offer_no_days() -> None:
    j = journey(appointments=SETTINGS)
    j.start()
    j.choose_service(XE_MAY)
    j.edit_step("phone")
    assert j.state().form.appointment_days == () and j.state().form.appointment_slots == ()


def test_payment_offers_are_in_the_state_for_the_dossier() -> None:
    j = journey(payment=VIETQR)
    j.start()
    j.choose_service(XE_MAY)
    code = new_code()
    j.submitted(code)
    review = j.state().review
    assert review.tracking_code == code
    assert review.offers == tuple(VIETQR.offers(150000, code))
    assert [o.method for o in review.offers] == ["vietqr", "cash"]
    assert code in review.offers[0].reference.replace("-", "")  # the transfer names this dossier


def test_a_free_service_offers_no_payment() -> None:
    j = journey(payment=VIETQR)
    j.start()
    j.choose_service(TAM_VANG)
    j.submitted(new_code())
    assert j.state().review.offers == ()


def test_the_composition_root_gives_the_journey_the_station_settings(tmp_path: Path) -> None:
    config = load_config(
        overrides={
            "paths.data_dir": str(tmp_path),
            "payment.methods": ["vietqr", "cash"],
            "payment.vietqr_bin": "970436",
            "payment.vietqr_account": "0000000000",
            "appointment.days_ahead": 4,
            "appointment.slots": ["09:00"],
            "appointment.weekdays": ["mon", "tue"],
        },
        demo=True,
        environ={},
    )
    app = build_app(config, InlineRunner(), lambda: NOW)
    assert app.journey.payment.methods == ("vietqr", "cash")
    assert app.journey.appointments == AppointmentSettings(4, ("09:00",), ("mon", "tue"))
    to_appointment(app.journey)
    assert app.journey.state().form.appointment_days == (dt.date(2026, 11, 30),)  # Monday; Fri-Sun closed


@pytest.mark.parametrize("value", [None, {"date": "2026-11-27"}, {"date": "not a day", "time": "08:00"}])
def test_an_incomplete_booking_asks_for_one(value: object) -> None:
    j = journey(appointments=SETTINGS)
    to_appointment(j)
    j.set_value("appointment", value)
    j.next()
    assert "appointment" in j.state().form.errors


def test_without_station_settings_nothing_is_offered() -> None:
    """A journey not given the station's settings (the root always gives them) invents none."""
    j = journey()
    to_appointment(j)
    assert j.state().form.appointment_days == ()
    j.set_value("appointment", {"date": "2026-11-27", "time": "08:30"})
    j.next()
    assert j.state().form.errors["appointment"] == phrases.APPOINTMENT_NOT_OFFERED
    j.submitted(new_code())
    assert j.state().review.offers == ()  # the done screen asks the citizen to see the officer
