"""Officers' accounts: adding, disabling, new PINs, and the PIN check with its lockout.

PINs and console passwords are hashed with argon2id (argon2-cffi); five wrong PINs in a row lock
the officer for 15 minutes, during which even the right PIN is refused. Every action, refused
ones included, is written to the audit log (`kiosk.audit`) with who did it: an officer, or the
station's command line (`Actor.command_line`), which has the station's full trust already.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kiosk.audit import AuditLog
from kiosk.permissions import ROLE_LABELS, Action, Role, may
from kiosk.ports.clock import Clock
from kiosk.ports.officers import Officer, OfficerExists, OfficerRepository

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_WRONG_PINS = 5
LOCK_FOR = dt.timedelta(minutes=15)
PIN_DIGITS = (6, 12)
MIN_PASSWORD = 10
MAX_NAME = 100
MAX_ACTOR_ID = 32  # an officer id's length (`officers.officer_id`)

_OFFICER_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{1,{MAX_ACTOR_ID - 1}}}")


class OfficerProblem(Exception):
    """Bad input or a refused action; the message says what to do. Nothing was changed."""


class PinRefused(Exception):
    """A PIN check that failed: unknown id, disabled, wrong PIN or locked. The message is the same
    for an unknown id and a wrong PIN, so the keypad does not tell which ids exist."""

    def __init__(self, message: str, locked_until: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.locked_until = locked_until


@dataclass(frozen=True)
class Actor:
    """Who does an officer action: its label in the audit log and its role (None: the command line)."""

    label: str
    role: Role | None
    station: str | None = None  # the one station whose dossiers it may touch (None: all)

    @classmethod
    def officer(cls, officer: Officer) -> Actor:
        return cls(officer.officer_id, officer.role, officer.station_id)

    @classmethod
    def command_line(cls, user: str) -> Actor:
        return cls(f"cli:{user}", None)


def check_pin(pin: str) -> str:
    low, high = PIN_DIGITS
    if not (pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
        raise OfficerProblem(f"a PIN is {low} to {high} digits")
    if len(set(pin)) == 1 or pin in "01234567890123456789" or pin in "98765432109876543210":
        raise OfficerProblem("that PIN is too easy to guess (one digit repeated, or a run): choose another")
    return pin


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise OfficerProblem(f"a console password has at least {MIN_PASSWORD} characters")
    return password


def check_officer_id(officer_id: str) -> str:
    officer_id = officer_id.strip()
    if not _OFFICER_ID.fullmatch(officer_id):
        raise OfficerProblem(
            f"officer id {officer_id!r}: 2 to 32 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return officer_id


def check_name(name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name or len(name) > MAX_NAME:
        raise OfficerProblem(f"an officer's name is 1 to {MAX_NAME} characters")
    return name


class Officers:
    def __init__(
        self,
        repository: OfficerRepository,
        audit: AuditLog,
        clock: Clock,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._repository = repository
        self._audit = audit
        self._clock = clock
        if hasher is None:
            # argon2-cffi loads where PINs are hashed and checked (the station worker), not in
            # the kiosk's UI process, which imports this module for its types and refusals.
            from argon2 import PasswordHasher

            hasher = PasswordHasher()  # argon2id, the library's RFC 9106 profile
        self._hasher = hasher
        self._dummy_hash = ""

    # -- accounts -------------------------------------------------------------------------------

    def _allow(self, by: Actor, action: str, detail: str) -> None:
        """Officers need the role to manage accounts; a refusal is audited before it is raised."""
        if by.role is not None and not may(by.role, Action.MANAGE_OFFICERS):
            self._audit.record(by.label, "refused", f"{action} {detail}: role {by.role.value}")
            raise OfficerProblem(f"a {ROLE_LABELS[by.role]} may not manage officers' accounts")

    def _existing(self, officer_id: str) -> Officer:
        officer = self._repository.get(officer_id)
        if officer is None:
            raise OfficerProblem(f"no officer {officer_id!r}: see `kiosk officer list`")
        return officer

    def add(
        self, by: Actor, officer_id: str, name: str, role: Role, pin: str, station_id: str | None = None
    ) -> Officer:
        """A new account; `station_id` scopes it to one station's dossiers (at a province hub)."""
        officer_id, name = check_officer_id(officer_id), check_name(name)
        check_pin(pin)
        self._allow(by, "officer_add", officer_id)
        officer = Officer(
            officer_id=officer_id,
            name=name,
            role=role,
            active=True,
            pin_hash=self._hasher.hash(pin),
            password_hash=None,
            failed_pins=0,
            locked_until=None,
            created_at=self._clock().astimezone(dt.UTC),
            station_id=station_id,
        )
        try:
            self._repository.add(officer)
        except OfficerExists:
            raise OfficerProblem(f"officer id {officer_id!r} is taken: see `kiosk officer list`") from None
        scope = f" station {station_id}" if station_id else ""
        self._audit.record(by.label, "officer_add", f"{officer_id} {role.value} {name}{scope}")
        return officer

    def set_active(self, by: Actor, officer_id: str, active: bool) -> Officer:
        action = "officer_enable" if active else "officer_disable"
        self._allow(by, action, officer_id)
        officer = self._existing(officer_id)
        if officer.active != active:
            self._repository.set_active(officer_id, active)
        self._audit.record(by.label, action, officer_id)
        return replace(officer, active=active)

    def reset_pin(self, by: Actor, officer_id: str, pin: str) -> None:
        check_pin(pin)
        if by.label != officer_id:  # one's own PIN is one's own business
            self._allow(by, "officer_reset_pin", officer_id)
        self._existing(officer_id)
        self._repository.set_pin(officer_id, self._hasher.hash(pin))
        self._audit.record(by.label, "officer_reset_pin", officer_id)

    def set_password(self, by: Actor, officer_id: str, password: str | None) -> None:
        """The console password (None: PIN only)."""
        if password is not None:
            check_password(password)
        if by.label != officer_id:
            self._allow(by, "officer_set_password", officer_id)
        self._existing(officer_id)
        self._repository.set_password(officer_id, None if password is None else self._hasher.hash(password))
        self._audit.record(
            by.label, "officer_set_password", f"{officer_id} {'set' if password else 'removed'}"
        )

    def get(self, officer_id: str) -> Officer | None:
        return self._repository.get(officer_id.strip())

    def list(self) -> list[Officer]:
        return self._repository.all()

    # -- signing in -----------------------------------------------------------------------------

    def authenticate(
        self, officer_id: str, secret: str, *, where: str = "kiosk", password: bool = False
    ) -> Officer:
        """The officer whose PIN (or console `password`) this is, or `PinRefused`. Audited either
        way (`where`: kiosk, console). Wrong PINs and passwords count towards the same lock."""
        now = self._clock().astimezone(dt.UTC)
        kind = "password" if password else "PIN"
        action = f"{kind.lower()}_failed"
        wrong = f"wrong officer id or {kind}"
        locked = f"locked after {MAX_WRONG_PINS} wrong tries: try again later"
        officer = self._repository.get(officer_id.strip())
        if officer is None:
            self._burn(secret)  # as long as a real check: the time does not tell the id is unknown
            label = officer_id.strip()[:MAX_ACTOR_ID] or "?"  # typed by anyone: kept short
            self._audit.record(label, action, f"{where}: unknown officer id")
            raise PinRefused(wrong)
        if officer.locked_until is not None and officer.locked_until > now:
            until = officer.locked_until
            self._audit.record(
                officer.officer_id, "pin_locked", f"{where}: locked until {until:%H:%M:%S} UTC"
            )
            raise PinRefused(locked, until)
        stored = officer.password_hash if password else officer.pin_hash
        if stored is None or not self._matches(stored, secret):
            if stored is None:
                self._burn(secret)
            failures = self._repository.count_failure(officer.officer_id)
            if failures >= MAX_WRONG_PINS:
                until = now + LOCK_FOR
                self._repository.lock(officer.officer_id, until)
                self._audit.record(officer.officer_id, action, f"{where}: wrong {kind} {failures}, locked")
                raise PinRefused(locked, until)
            self._audit.record(officer.officer_id, action, f"{where}: wrong {kind} {failures}")
            raise PinRefused(wrong)
        if not officer.active:
            self._audit.record(officer.officer_id, action, f"{where}: account disabled")
            raise PinRefused("this officer's account is disabled: ask the station head")
        if officer.failed_pins or officer.locked_until is not None:
            self._repository.clear_failures(officer.officer_id)
        if self._hasher.check_needs_rehash(stored):  # hashed with older parameters
            rehashed = self._hasher.hash(secret)
            if password:
                self._repository.set_password(officer.officer_id, rehashed)
            else:
                self._repository.set_pin(officer.officer_id, rehashed)
        self._audit.record(officer.officer_id, "login", f"{where} ({kind})")
        return replace(officer, failed_pins=0, locked_until=None)

    def _matches(self, stored: str, pin: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            return self._hasher.verify(stored, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _burn(self, pin: str) -> None:
        if not self._dummy_hash:
            self._dummy_hash = self._hasher.hash("0" * PIN_DIGITS[0] + "x")  # matches no PIN
        self._matches(self._dummy_hash, pin)
