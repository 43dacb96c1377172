"""Officer mode at the kiosk, without Qt: how an officer gets in (a hidden gesture, a shuffled
keypad), how long the mode lasts, and the officer's actions, each asked of `kiosk.permissions`
and written to the audit log (`kiosk.audit`), refused ones too.

The window (`ui/officer/`) draws the keypad and the menu and calls these; it decides nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.audit import AuditLog
from kiosk.officers import Officers
from kiosk.permissions import ACTION_LABELS, Action, may
from kiosk.ports.clock import Clock
from kiosk.ports.officers import Officer

DIGITS = "0123456789"
GESTURE_TAPS = 5  # taps in the top-left corner …
GESTURE_WITHIN_S = 3.0  # … within this many seconds open the officer's keypad
GESTURE_CORNER_PX = 120  # the corner's size, at any screen size
MAX_ENTRY = 12  # digits of an officer id or PIN on the keypad


def shuffled_digits(rng: random.Random | None = None) -> str:
    """The keypad's digits in a new order each time it opens, so a citizen watching the officer's
    hand (or the smudges on the glass) does not learn the PIN. `secrets`' generator by default."""
    digits = list(DIGITS)
    (rng or secrets.SystemRandom()).shuffle(digits)
    return "".join(digits)


class CornerTaps:
    """The hidden gesture: `GESTURE_TAPS` taps in the corner within `GESTURE_WITHIN_S` seconds.
    Times are monotonic seconds, given by the caller (the window's event time)."""

    def __init__(self, taps: int = GESTURE_TAPS, within_s: float = GESTURE_WITHIN_S) -> None:
        self._taps = taps
        self._within = within_s
        self._times: list[float] = []

    def tap(self, at: float, in_corner: bool) -> bool:
        """One touch; True when it completes the gesture (the count starts again)."""
        if not in_corner:
            self._times.clear()  # a touch elsewhere breaks the sequence
            return False
        self._times = [t for t in self._times if at - t <= self._within] + [at]
        if len(self._times) >= self._taps:
            self._times.clear()
            return True
        return False


class IdentityCheck(enum.StrEnum):
    """How an officer checked the identity of a citizen not read from a chip (`identity_check`)."""

    CARD_SEEN = "card_seen"  # the ID card looked at, its chip unreadable
    PASSPORT_SEEN = "passport_seen"
    PAPER_ID = "paper_id"  # an older paper ID or a confirmation of ID number
    KNOWN_PERSON = "known_person"  # known to the commune police officer in person


MAX_IDENTITY_NOTE = 200  # `dossiers.identity_check` (revision 0006; sealed since 0013)
# The officer's free-text note after the choice's name and ": ", so that no note is cut short.
NOTE_ROOM = MAX_IDENTITY_NOTE - max(len(check.value) for check in IdentityCheck) - 2


def identity_text(check: IdentityCheck, note: str = "") -> str:
    """The value stored in `dossiers.identity_check`: the choice and the officer's short note."""
    note = " ".join(unicodedata.normalize("NFC", note).split())
    return (f"{check.value}: {note}" if note else check.value)[:MAX_IDENTITY_NOTE]


def identity_reference(value: str) -> str:
    """What the audit log says of an identity check: the way only, and whether a note was
    written. The note may hold personal data (an old ID number, a name): it stays in the dossier,
    sealed (`kiosk.identity_note`), where officers who may see personal data read it, and the log,
    kept longer and exported as CSV, holds no personal data in the clear."""
    way, _, note = value.partition(": ")
    return f"{way or '-'}, note in the dossier" if note else (way or "-")


@dataclass(frozen=True)
class OfficerSession:
    """An officer signed in at this kiosk, until `timeout` passes without a touch."""

    officer: Officer
    started: dt.datetime
    last_touch: dt.datetime

    @property
    def actor(self) -> str:
        return self.officer.officer_id


class Refused(Exception):
    """The officer's role may not do this; the refusal is in the audit log already."""


class OfficerMode:
    """Signs officers in at the kiosk and writes their actions to the audit log."""

    def __init__(
        self, officers: Callable[[], Officers], audit: Callable[[], AuditLog], clock: Clock, timeout_s: float
    ) -> None:
        # Factories: the database and the audit key open when an officer first signs in.
        self._officers = officers
        self._audit = audit
        self._clock = clock
        self._timeout = dt.timedelta(seconds=timeout_s)
        self.session: OfficerSession | None = None

    def sign_in(self, officer_id: str, pin: str, *, by_card: bool = False) -> OfficerSession:
        """The officer's session, or `PinRefused` (wrong id or PIN, locked, disabled), audited by
        `kiosk.officers` either way (`by_card`: the id came from the officer's own card)."""
        officer = self._officers().authenticate(officer_id, pin, where="kiosk card" if by_card else "kiosk")
        now = self._clock()
        self.session = OfficerSession(officer, now, now)
        return self.session

    def touch(self) -> None:
        if self.session is not None:
            self.session = OfficerSession(self.session.officer, self.session.started, self._clock())

    def expired(self) -> bool:
        """Signed in, but untouched for longer than the timeout."""
        return self.session is not None and self._clock() - self.session.last_touch >= self._timeout

    def seconds_left(self) -> int:
        if self.session is None:
            return 0
        left = self._timeout - (self._clock() - self.session.last_touch)
        return max(0, int(left.total_seconds()))

    def sign_out(self, why: str = "signed out") -> None:
        if self.session is not None:
            session, self.session = self.session, None
            self.record(session, "logout", f"kiosk: {why}")

    def may(self, action: Action) -> bool:
        return self.session is not None and may(self.session.officer.role, action)

    def require(self, action: Action, detail: str = "") -> OfficerSession:
        """The signed-in session if its role allows `action`; else `Refused`, audited."""
        session = self.session
        if session is None:
            raise Refused("no officer is signed in")
        self.touch()
        if not may(session.officer.role, action):
            self.record(session, "refused", f"{action.value} {detail}".strip())
            raise Refused(f"a {session.officer.role.value} may not {ACTION_LABELS[action]}")
        return session

    def record(self, session: OfficerSession, action: str, detail: str = "") -> None:
        self._audit().record(session.actor, action, detail)
