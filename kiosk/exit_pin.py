"""The PIN that leaves kiosk mode: kept only as an Argon2id hash (`security.exit_pin_hash`), and
wrong guesses slowed down so a citizen cannot try the 10,000 four-digit PINs at the screen.

Until officer mode exists (a later issue) this is the only way from the kiosk to the desktop.
"""

from __future__ import annotations

import enum
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

PIN_SHAPE = re.compile(r"[0-9]{4,12}")
FREE_TRIES = 3  # wrong PINs allowed before the pad locks
FIRST_LOCK_S = 30.0  # then each wrong PIN doubles the wait, up to
MAX_LOCK_S = 900.0


class PinOutcome(enum.Enum):
    OPEN = "open"  # the right PIN: leave kiosk mode
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong PINs: not even checked until `wait_s` has passed
    NOT_SET = "not_set"  # no `security.exit_pin_hash`: the kiosk cannot be left from its screen


@dataclass(frozen=True)
class PinAnswer:
    outcome: PinOutcome
    wait_s: int = 0  # with LOCKED, and with WRONG once the next try must wait


def hash_pin(pin: str) -> str:
    """The value for `security.exit_pin_hash` (`kiosk pin hash`)."""
    from argon2 import PasswordHasher

    if not PIN_SHAPE.fullmatch(pin):
        raise ValueError("the PIN must be 4 to 12 digits")
    return PasswordHasher().hash(pin)


class ExitPin:
    def __init__(self, pin_hash: str, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._hash = pin_hash
        self._monotonic = monotonic
        self._wrong = 0
        self._locked_until = 0.0

    def wait_s(self) -> int:
        return max(0, round(self._locked_until - self._monotonic()))

    def try_pin(self, pin: str) -> PinAnswer:
        if not self._hash:
            return PinAnswer(PinOutcome.NOT_SET)
        if self.wait_s() > 0:
            return PinAnswer(PinOutcome.LOCKED, self.wait_s())
        if PIN_SHAPE.fullmatch(pin) and self._matches(pin):
            self._wrong = 0
            return PinAnswer(PinOutcome.OPEN)
        self._wrong += 1
        if self._wrong >= FREE_TRIES:
            lock = min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** (self._wrong - FREE_TRIES))
            self._locked_until = self._monotonic() + lock
        return PinAnswer(PinOutcome.WRONG, self.wait_s())

    def _matches(self, pin: str) -> bool:
        from argon2 import PasswordHasher  # loaded when an officer first asks, not at start-up
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            return PasswordHasher().verify(self._hash, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
