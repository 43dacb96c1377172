"""Officer mode's rules without a window: the corner gesture, the shuffled keypad, the timeout
and the audited refusals (fake clock, real database), the identity-check text, and the session
summaries the journey queues as sessions end (submitted, abandoned, timed out)."""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from db.audit import SqlAuditLog
from db.engine import make_engine
from db.migrate import upgrade
from db.officers import SqlOfficers
from kiosk.audit import AuditLog
from kiosk.catalog import load_catalog
from kiosk.flow.effects import CallOfficer, RecordSession
from kiosk.flow.journey import Journey
from kiosk.officer_mode import (
    DIGITS,
    CornerTaps,
    IdentityCheck,
    OfficerMode,
    Refused,
    identity_reference,
    identity_text,
    shuffled_digits,
)
from kiosk.officers import Actor, Officers, PinRefused
from kiosk.permissions import Action, Role
from kiosk.ports.sessions import SessionOutcome
from tests.core.test_flow import TAM_VANG, FakeClock, to_form

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class UtcClock(FakeClock):
    def __init__(self) -> None:
        super().__init__()
        self.now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_five_taps_in_the_corner_within_three_seconds() -> None:
    taps = CornerTaps()
    assert [taps.tap(t, True) for t in (0.0, 0.5, 1.0, 1.5)] == [False] * 4
    assert taps.tap(2.0, True)
    assert not any(taps.tap(t, True) for t in (10.0, 11.0, 12.0, 13.5))  # spread over 3.5 s …
    assert not taps.tap(14.0, True)  # … the first has expired: four in the last 3 s
    assert not taps.tap(14.2, True)
    assert taps.tap(14.4, True)  # 12, 13.5, 14, 14.2, 14.4
    for t in (20.0, 20.1, 20.2, 20.3):
        taps.tap(t, True)
    assert not taps.tap(20.4, False)  # a touch elsewhere breaks it
    assert not taps.tap(20.5, True)


def test_the_keypad_order_is_a_shuffle_of_the_ten_digits() -> None:
    orders = {shuffled_digits() for _ in range(20)}
    assert all(sorted(order) == list(DIGITS) for order in orders) and len(orders) > 1
    assert shuffled_digits(random.Random(1)) == shuffled_digits(random.Random(1))


def test_identity_text_is_short_and_keeps_the_choice() -> None:
    assert identity_text(IdentityCheck.CARD_SEEN) == "card_seen"
    assert identity_text(IdentityCheck.PAPER_ID, "  giấy   xác nhận  ") == "paper_id: giấy xác nhận"
    assert len(identity_text(IdentityCheck.KNOWN_PERSON, "x" * 500)) == 200


def test_the_audit_log_keeps_the_way_of_an_identity_check_not_its_note() -> None:
    noted = identity_text(IdentityCheck.PAPER_ID, "CMND 012345678, Nguyễn Văn An")
    assert identity_reference(noted) == "paper_id, note in the dossier"
    assert identity_reference(identity_text(IdentityCheck.CARD_SEEN)) == "card_seen"
    assert identity_reference("") == "-"


@pytest.fixture
def mode(tmp_path: Path) -> tuple[OfficerMode, AuditLog, UtcClock]:
    clock = UtcClock()
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    audit = AuditLog(SqlAuditLog(engine), os.urandom(32), clock)
    officers = Officers(SqlOfficers(engine), audit, clock, FAST)
    officers.add(Actor.command_line("t"), "1001", "Nguyễn Thị Hằng", Role.OFFICER, "472915")
    return OfficerMode(lambda: officers, lambda: audit, clock, timeout_s=120), audit, clock


def test_sign_in_timeout_and_refusals_are_audited(mode: tuple[OfficerMode, AuditLog, UtcClock]) -> None:
    officer_mode, audit, clock = mode
    with pytest.raises(PinRefused):
        officer_mode.sign_in("1001", "000111")
    assert officer_mode.session is None
    officer_mode.sign_in("1001", "472915")
    assert officer_mode.may(Action.ASSIST) and not officer_mode.may(Action.LEAVE_KIOSK)
    with pytest.raises(Refused):
        officer_mode.require(Action.LEAVE_KIOSK)
    clock.advance(119)
    assert not officer_mode.expired()
    officer_mode.touch()
    clock.advance(119)
    assert not officer_mode.expired() and officer_mode.seconds_left() == 1
    clock.advance(1)
    assert officer_mode.expired()
    officer_mode.sign_out("timed out")
    assert officer_mode.session is None and not officer_mode.may(Action.ASSIST)
    rows = [(r.actor, r.action, r.detail) for r in reversed(audit.newest(10))]
    assert [a for _actor, a, _d in rows if _actor == "1001"] == ["pin_failed", "login", "refused", "logout"]
    assert ("1001", "refused", "leave_kiosk") in rows and audit.verify().ok


def journey_with_clock() -> tuple[Journey, FakeClock]:
    clock = FakeClock()
    return Journey(load_catalog(), clock, idle_warning_s=60, idle_reset_s=20), clock


def summaries(journey: Journey) -> list[RecordSession]:
    return [e for e in journey.take_effects() if isinstance(e, RecordSession)]


def test_a_timed_out_session_is_summarised_at_its_last_step() -> None:
    journey, clock = journey_with_clock()
    to_form(journey)
    step = journey.state().step
    assert step is not None
    journey.take_effects()
    clock.advance(81)
    journey.tick()
    (record,) = summaries(journey)
    summary = record.summary
    assert summary.outcome is SessionOutcome.TIMED_OUT and summary.last_step == step.id
    assert summary.service_code == TAM_VANG and not summary.assisted
    assert summary.ended_at - summary.started_at == dt.timedelta(seconds=81)
    journey.tick()
    assert summaries(journey) == []  # at the idle screen: no session, no second summary


def test_leaving_from_the_menu_is_abandoned_and_a_status_lookup_is_no_session() -> None:
    journey, _clock = journey_with_clock()
    journey.start()
    journey.back()  # from the menu: home
    (record,) = summaries(journey)
    assert record.summary.outcome is SessionOutcome.ABANDONED and record.summary.last_step == "menu"
    journey.open_status()
    journey.back()
    assert summaries(journey) == []


def test_assisted_and_the_call_carry_where_the_citizen_is() -> None:
    journey, clock = journey_with_clock()
    to_form(journey)
    clock.advance(30)
    journey.take_effects()
    journey.call_officer()
    journey.call_officer()  # on its way already: one call
    (call,) = [e for e in journey.take_effects() if isinstance(e, CallOfficer)]
    state = journey.state()
    assert state.step is not None and call == CallOfficer(state.step.id, 30)
    assert state.officer_called and state.officer_call_delivered is None
    journey.officer_call_done(True)
    assert journey.state().officer_call_delivered is True
    journey.take_over("1001")
    assert journey.state().assisting and not journey.state().officer_called
    journey.hand_back()
    assert not journey.state().assisting and journey.state().assisted_by == "1001"
    journey.reset()
    (record,) = summaries(journey)
    assert record.summary.assisted and record.summary.outcome is SessionOutcome.ABANDONED
    assert journey.state().assisted_by == ""  # the next citizen starts unassisted


def test_a_station_file_with_the_retired_exit_pin_still_starts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from kiosk.config import ConfigError, load_config

    old = tmp_path / "kiosk.toml"
    old.write_text('[security]\nexit_pin_hash = "$argon2id$v=19$m=65536,t=3,p=4$abc$def"\n', "utf-8")
    config = load_config(old, environ={})
    assert config.officer.timeout_seconds == 120
    assert "'security.exit_pin_hash' is no longer read" in caplog.text and "leave_kiosk" in caplog.text
    with pytest.raises(ConfigError, match=r"unknown key 'security\.exit_pin_hash'"):
        load_config(overrides={"security.exit_pin_hash": "x"}, environ={})  # not on a new command line
