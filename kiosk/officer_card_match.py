"""Recognising an officer's own chip card placed on the reader (`kiosk.officer_cards`): the
outcome, and the read itself. Kept apart from the sealing and the officers' accounts so that the
kiosk's UI process, which reads the card but holds no key (`kiosk.app.remote`), imports neither
AES-GCM nor argon2 for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kiosk.ports.card import AccessKey, CardError, CardErrorReason, CardReader, ChipAuth, PassiveAuth
from kiosk.ports.officers import Officer


class Outcome:
    """Why a placed card did (not) lead to the PIN keypad."""

    OFFICER = "officer"  # an active officer's card: ask that officer's PIN
    NOT_AN_OFFICER = "not_an_officer"  # no officer's key opened it, or its number is no officer's
    NO_CARDS = "no_cards"  # no officer has a card registered: nothing was tried
    REFUSED = "refused"  # an officer's number, but the card failed its checks
    DISABLED = "disabled"  # a disabled officer's card, placed on the sign-in keypad
    UNREADABLE = "unreadable"  # taken away, not an ID card, or the chip stopped answering


@dataclass(frozen=True)
class CardMatch:
    outcome: str
    officer: Officer | None = None
    detail: str = ""


class CardKeys(Protocol):
    """What recognising a placed card needs of the officers' cards: their CANs, and the check of
    what a CAN opened (`OfficerCards`, or its proxy in a UI process that holds no sealing key)."""

    def access_keys(self, disabled_too: bool = False) -> list[AccessKey]: ...

    def matched(self, id_number: str, passive: PassiveAuth, chip: ChipAuth, where: str) -> CardMatch: ...


def identify(
    cards: CardKeys, reader: CardReader, where: str = "kiosk", signing_in: bool = False
) -> CardMatch:
    """Whose card is on `reader`, tried with each officer's CAN: blocking (run it off the UI
    thread, one read at a time). The card is read here, by the caller's reader; the number it
    holds is compared by `cards`. `signing_in` (the card placed on the sign-in keypad): disabled
    accounts' cards are tried too, so that their owner is told the account is disabled. On the
    idle screen they are not: a former officer's card is a citizen's, and starts a journey."""
    keys = cards.access_keys(disabled_too=signing_in)
    if not keys:
        return CardMatch(Outcome.NO_CARDS)
    try:
        for key in keys:
            try:
                read = reader.read(key, with_photo=False)
            except CardError as exc:
                if exc.reason is CardErrorReason.WRONG_KEY:
                    continue  # not this officer's card: the chip refused the key, nothing read
                return CardMatch(Outcome.UNREADABLE, detail=exc.reason.value)
            return cards.matched(read.holder.id_number, read.passive_auth, read.chip_auth, where)
        return CardMatch(Outcome.NOT_AN_OFFICER)
    finally:
        reader.forget()  # whatever was read leaves memory with the read
