"""Officers' accounts on a real database: argon2 PINs, the lockout after five wrong PINs (fake
clock), role checks on account management, and an audit row for each of them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from db.audit import SqlAuditLog
from db.engine import make_engine
from db.migrate import upgrade
from db.officers import SqlOfficers
from kiosk.audit import AuditLog
from kiosk.officers import (
    LOCK_FOR,
    MAX_WRONG_PINS,
    Actor,
    OfficerProblem,
    Officers,
    PinRefused,
    check_pin,
)
from kiosk.permissions import Role

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
CLI = Actor.command_line("root")
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # argon2id, cheap for tests


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def audit(tmp_path: Path, clock: FakeClock) -> AuditLog:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    return AuditLog(SqlAuditLog(make_engine(url)), os.urandom(32), clock)


@pytest.fixture
def officers(tmp_path: Path, audit: AuditLog, clock: FakeClock) -> Officers:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    desk = Officers(SqlOfficers(engine), audit, clock, FAST)
    desk.add(CLI, "CB001", "Nguyễn Thị Hằng", Role.OFFICER, "472915")
    desk.add(CLI, "TP01", "Trần Văn Bình", Role.STATION_HEAD, "839201")
    return desk


def actions(audit: AuditLog) -> list[tuple[str, str, str]]:
    return [(r.actor, r.action, r.detail) for r in reversed(audit.newest(100))]


def test_pins_are_stored_as_argon2id_hashes(officers: Officers) -> None:
    stored = officers.get("CB001")
    assert stored is not None
    assert stored.pin_hash.startswith("$argon2id$") and "472915" not in stored.pin_hash
    assert officers.authenticate("CB001", "472915").name == "Nguyễn Thị Hằng"


def test_names_are_nfc_and_ids_checked(officers: Officers) -> None:
    decomposed = "Le\u0302 Va\u0306n Nam"  # Lê Văn Nam with combining marks
    assert officers.add(CLI, "CB002", decomposed, Role.OFFICER, "553910").name == "Lê Văn Nam"
    with pytest.raises(OfficerProblem, match="taken"):
        officers.add(CLI, "CB002", "Someone", Role.OFFICER, "553910")
    with pytest.raises(OfficerProblem, match="officer id"):
        officers.add(CLI, "C B", "Someone", Role.OFFICER, "553910")
    with pytest.raises(OfficerProblem, match="name"):
        officers.add(CLI, "CB003", "   ", Role.OFFICER, "553910")


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12a456", "111111", "123456", "654321", "٤٧٢٩١٥"])
def test_weak_or_malformed_pins_are_refused(pin: str) -> None:
    with pytest.raises(OfficerProblem):
        check_pin(pin)


def test_five_wrong_pins_lock_for_fifteen_minutes(
    officers: Officers, audit: AuditLog, clock: FakeClock
) -> None:
    for attempt in range(1, MAX_WRONG_PINS):
        with pytest.raises(PinRefused, match="wrong officer id or PIN") as refused:
            officers.authenticate("CB001", "000001")
        assert refused.value.locked_until is None, attempt
    with pytest.raises(PinRefused, match="locked") as refused:
        officers.authenticate("CB001", "000001")
    assert refused.value.locked_until == T0 + LOCK_FOR
    # Locked: the right PIN is refused too, until the time is up.
    clock.now = T0 + LOCK_FOR - dt.timedelta(seconds=1)
    with pytest.raises(PinRefused, match="locked"):
        officers.authenticate("CB001", "472915")
    clock.now = T0 + LOCK_FOR
    assert officers.authenticate("CB001", "472915").officer_id == "CB001"
    stored = officers.get("CB001")
    assert stored is not None and stored.failed_pins == 0 and stored.locked_until is None
    # Another officer was never affected.
    assert officers.authenticate("TP01", "839201").officer_id == "TP01"
    logged = [a for a in actions(audit) if a[0] == "CB001"]
    assert [a[1] for a in logged] == ["pin_failed"] * 5 + ["pin_locked", "login"]
    assert logged[4][2] == "kiosk: wrong PIN 5, locked"


def test_a_right_pin_resets_the_count(officers: Officers) -> None:
    for _ in range(MAX_WRONG_PINS - 1):
        with pytest.raises(PinRefused):
            officers.authenticate("CB001", "000001")
    officers.authenticate("CB001", "472915")
    for _ in range(MAX_WRONG_PINS - 1):
        with pytest.raises(PinRefused, match="wrong"):
            officers.authenticate("CB001", "000001")


def test_reset_pin_clears_a_lock(officers: Officers) -> None:
    for _ in range(MAX_WRONG_PINS):
        with pytest.raises(PinRefused):
            officers.authenticate("CB001", "000001")
    officers.reset_pin(CLI, "CB001", "906412")
    with pytest.raises(PinRefused):
        officers.authenticate("CB001", "472915")  # the old PIN is gone
    assert officers.authenticate("CB001", "906412").officer_id == "CB001"


def test_unknown_id_and_wrong_pin_read_the_same(officers: Officers, audit: AuditLog) -> None:
    with pytest.raises(PinRefused) as unknown:
        officers.authenticate("NOBODY", "472915")
    with pytest.raises(PinRefused) as wrong:
        officers.authenticate("CB001", "000001")
    assert str(unknown.value) == str(wrong.value)
    assert actions(audit)[-2] == ("NOBODY", "pin_failed", "kiosk: unknown officer id")


def test_a_disabled_officer_is_refused_and_can_be_enabled(officers: Officers, audit: AuditLog) -> None:
    officers.set_active(CLI, "CB001", False)
    with pytest.raises(PinRefused, match="disabled"):
        officers.authenticate("CB001", "472915", where="console")
    assert actions(audit)[-1] == ("CB001", "pin_failed", "console: account disabled")
    officers.set_active(CLI, "CB001", True)
    assert officers.authenticate("CB001", "472915").active


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TECHNICIAN])
def test_only_a_station_head_manages_accounts(officers: Officers, audit: AuditLog, role: Role) -> None:
    officers.add(CLI, "X1", "Phạm Thu", role, "720514")
    by = Actor.officer(officers.authenticate("X1", "720514"))
    for attempt in (
        lambda: officers.add(by, "CB009", "Đỗ Mai", Role.OFFICER, "553910"),
        lambda: officers.set_active(by, "CB001", False),
        lambda: officers.reset_pin(by, "CB001", "553910"),
        lambda: officers.set_password(by, "CB001", "mật khẩu dài đủ"),
    ):
        with pytest.raises(OfficerProblem, match="may not manage"):
            attempt()
        assert actions(audit)[-1][:2] == ("X1", "refused")
    assert officers.get("CB009") is None
    stored = officers.get("CB001")
    assert stored is not None and stored.active and stored.password_hash is None
    officers.reset_pin(by, "X1", "553910")  # one's own PIN
    head = Actor.officer(officers.authenticate("TP01", "839201"))
    officers.set_active(head, "X1", False)
    assert actions(audit)[-1] == ("TP01", "officer_disable", "X1")


def test_console_password(officers: Officers, audit: AuditLog) -> None:
    with pytest.raises(OfficerProblem, match="10 characters"):
        officers.set_password(CLI, "CB001", "ngắn")
    with pytest.raises(PinRefused, match="wrong officer id or password"):  # none set yet
        officers.authenticate("CB001", "mật khẩu dài đủ", password=True)
    officers.set_password(CLI, "CB001", "mật khẩu dài đủ")
    stored = officers.get("CB001")
    assert stored is not None and stored.password_hash is not None
    assert (
        officers.authenticate("CB001", "mật khẩu dài đủ", where="console", password=True).officer_id
        == "CB001"
    )
    assert actions(audit)[-1] == ("CB001", "login", "console (password)")
    with pytest.raises(PinRefused):  # the PIN is not the password, nor the other way round
        officers.authenticate("CB001", "472915", password=True)
    with pytest.raises(PinRefused):
        officers.authenticate("CB001", "mật khẩu dài đủ")


def test_wrong_pins_and_passwords_count_towards_one_lock(officers: Officers) -> None:
    officers.set_password(CLI, "CB001", "mật khẩu dài đủ")
    for n in range(MAX_WRONG_PINS - 1):
        with pytest.raises(PinRefused, match="wrong"):
            officers.authenticate("CB001", "000001" if n % 2 else "đoán sai mật khẩu", password=n % 2 == 0)
    with pytest.raises(PinRefused, match="locked"):
        officers.authenticate("CB001", "000001")
    with pytest.raises(PinRefused, match="locked"):
        officers.authenticate("CB001", "mật khẩu dài đủ", password=True)


def test_a_long_unknown_id_is_audited_short(officers: Officers, audit: AuditLog) -> None:
    with pytest.raises(PinRefused):
        officers.authenticate("X" * 500, "472915", where="console")
    assert actions(audit)[-1] == ("X" * 32, "pin_failed", "console: unknown officer id")
    assert audit.verify().ok
