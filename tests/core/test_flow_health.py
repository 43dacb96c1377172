"""The journey and the station's health: the core decides who may start, the screen renders."""

from __future__ import annotations

import pytest

from kiosk.catalog import load_catalog
from kiosk.flow.journey import Journey
from kiosk.flow.state import Phase
from kiosk.health import HEALTHY, Capability, Check, Health
from tests.core.test_flow import FakeClock

DISK_FULL = Health.of([Check("free disk", False, "1 MB free", frozenset({Capability.SUBMIT}))])
UNREADABLE = Health.of(
    [Check("database pages", False, "malformed", frozenset({Capability.SUBMIT, Capability.LOOKUP}))]
)


@pytest.fixture
def journey() -> Journey:
    return Journey(load_catalog(), FakeClock())


def test_out_of_service_starts_nothing_and_back_in_service_starts(journey: Journey) -> None:
    journey.set_health(DISK_FULL)
    assert journey.state().out_of_service
    journey.start()
    journey.next()
    journey.choose_service("1.003677")
    assert journey.state().phase is Phase.IDLE
    journey.open_status()  # the database can still be read
    assert journey.state().phase is Phase.STATUS
    journey.back()
    journey.set_health(HEALTHY)
    journey.start()
    assert journey.state().phase is Phase.MENU


def test_unreadable_database_closes_the_status_lookup_too(journey: Journey) -> None:
    journey.set_health(UNREADABLE)
    journey.open_status()
    assert journey.state().phase is Phase.IDLE
    journey.set_health(DISK_FULL)
    journey.open_status()
    assert journey.state().phase is Phase.STATUS
    journey.set_health(UNREADABLE)  # a citizen at the status screen is sent back
    assert journey.state().phase is Phase.IDLE


def test_a_citizen_at_the_menu_is_sent_back_one_in_a_service_goes_on(journey: Journey) -> None:
    journey.start()
    journey.set_health(DISK_FULL)
    assert journey.state().phase is Phase.IDLE
    journey.set_health(HEALTHY)
    journey.start()
    journey.choose_service("1.003677")
    assert journey.state().phase is Phase.STEP
    journey.set_health(DISK_FULL)
    assert journey.state().phase is Phase.STEP  # what was typed is not thrown away


def test_a_session_wipe_keeps_the_station_health(journey: Journey) -> None:
    journey.set_health(DISK_FULL)
    journey.reset()
    assert journey.state().out_of_service
