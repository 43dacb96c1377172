"""The officer's own chip ID card as the first step of signing in at the kiosk (the PIN is always
asked after it: a card alone is never enough).

An officer's account may carry the 12-digit ID number of its owner's card, never in the clear:
its blind-index token (`kiosk.blind_index`, the console's index key) finds the account once the
card is read, and the number itself is sealed (`kiosk.sealing`) because the chip cannot be read
without it: the CCCD's PACE password (CAN) is the number's last six digits.

A card placed on the idle screen (or while the sign-in keypad shows) is tried with the CAN of
each active officer's card, without the photo; a chip that refuses a CAN answers "wrong key" at
once and nothing is read from it. A citizen's card refuses them all and goes on to its journey
untouched. The rare card that opens with an officer's CAN without being that officer's (six
digits in common) is read, compared and dropped at once: nothing of it is kept or written.
"""

from __future__ import annotations

import logging

from kiosk.audit import AuditLog
from kiosk.blind_index import BlindIndex
from kiosk.officer_card_match import CardMatch, Outcome, identify
from kiosk.officers import Actor, OfficerProblem
from kiosk.permissions import ROLE_LABELS, Action, may
from kiosk.ports.card import AccessKey, CardReader, ChipAuth, PassiveAuth
from kiosk.ports.officers import CardTaken, OfficerRepository
from kiosk.sealing import Sealer, SealError

log = logging.getLogger(__name__)

ID_DIGITS = 12  # a chip ID card (CCCD / thẻ căn cước); the old 9-digit CMND has no chip
_CONTEXT = b"officer-card\x00"


def card_context(officer_id: str) -> bytes:
    """What a card's sealed number is bound to: moved to another account, it does not open."""
    return _CONTEXT + officer_id.encode()


def check_card_id(text: str) -> str:
    digits = "".join(text.split())
    if not (digits.isascii() and digits.isdigit() and len(digits) == ID_DIGITS):
        raise OfficerProblem(f"a chip ID card's number is {ID_DIGITS} digits (số định danh cá nhân)")
    return digits


class OfficerCards:
    def __init__(
        self, repository: OfficerRepository, sealer: Sealer, index: BlindIndex, audit: AuditLog
    ) -> None:
        self._repository = repository
        self._sealer = sealer
        self._index = index
        self._audit = audit

    # -- registering ----------------------------------------------------------------------------
    def set_card(self, by: Actor, officer_id: str, id_number: str | None) -> None:
        """Register the officer's card by its ID number, or remove it (None). Audited; the number
        is written nowhere in the clear (the audit row says only "set" or "removed")."""
        digits = None if id_number is None else check_card_id(id_number)
        if by.role is not None and not may(by.role, Action.MANAGE_OFFICERS):
            self._audit.record(by.label, "refused", f"officer_set_card {officer_id}: role {by.role.value}")
            raise OfficerProblem(f"a {ROLE_LABELS[by.role]} may not manage officers' accounts")
        if self._repository.get(officer_id) is None:
            raise OfficerProblem(f"no officer {officer_id!r}: see `kiosk officer list`")
        if digits is None:
            self._repository.set_card(officer_id, None, None)
        else:
            sealed = self._sealer.seal({"id_number": digits}, context=card_context(officer_id))
            try:
                self._repository.set_card(officer_id, self._index.id_token(digits), sealed)
            except CardTaken:
                raise OfficerProblem(
                    "this card is registered to another officer: remove it there first"
                ) from None
        self._audit.record(
            by.label, "officer_set_card", f"{officer_id} {'removed' if digits is None else 'set'}"
        )

    def rebuild_tokens(self) -> int:
        """Each registered card's token made again from its sealed number (`kiosk index rebuild`,
        after `kiosk keys init --replace-lost` of the index key); how many were registered. A
        number that no longer opens (its data key lost) is left as it is, with a warning."""
        count = 0
        for card in self._repository.cards():
            number = self._number(card.officer_id, card.card_sealed)
            if number is None:
                continue
            try:
                self._repository.set_card(card.officer_id, self._index.id_token(number), card.card_sealed)
            except CardTaken:  # two accounts with one number: left for the station head
                log.warning("officer %s: card registered to another officer too", card.officer_id)
                continue
            count += 1
        return count

    # -- recognising a placed card --------------------------------------------------------------
    def _number(self, officer_id: str, sealed: bytes) -> str | None:
        try:
            return str(self._sealer.open(sealed, context=card_context(officer_id))["id_number"])
        except (SealError, KeyError) as exc:  # a card registered under a key this station lost
            log.warning("officer %s: card number cannot be opened: %s", officer_id, exc)
            return None

    def access_keys(self, disabled_too: bool = False) -> list[AccessKey]:
        """The distinct CANs of the active officers' cards, in officer-id order; `disabled_too`:
        then those of the disabled accounts' cards."""
        cans: dict[str, None] = {}
        cards = self._repository.cards()
        tried = [c for c in cards if c.active] + [c for c in cards if disabled_too and not c.active]
        for card in tried:
            number = self._number(card.officer_id, card.card_sealed)
            if number is not None:
                cans.setdefault(number[-6:], None)
        return [AccessKey.from_can(can) for can in cans]

    def identify(self, reader: CardReader, where: str = "kiosk", signing_in: bool = False) -> CardMatch:
        """Whose card is on `reader`: blocking (run it off the UI thread, one read at a time)."""
        return identify(self, reader, where, signing_in)

    def matched(self, id_number: str, passive: PassiveAuth, chip: ChipAuth, where: str) -> CardMatch:
        """The officer whose card this read was, if it may lead to the PIN keypad (audited)."""
        officer = self._repository.by_card(self._index.id_token(id_number)) if id_number else None
        if officer is None:
            return CardMatch(Outcome.NOT_AN_OFFICER)  # six digits in common with an officer's: dropped
        problem = ""
        if passive in (PassiveAuth.FORGED, PassiveAuth.UNVERIFIABLE):
            problem = f"card data {passive.value}"
        elif chip is ChipAuth.FAILED:
            problem = "chip authentication failed (a copied chip)"
        elif not officer.active:
            problem = "account disabled"
        if problem:
            self._audit.record(officer.officer_id, "card_refused", f"{where}: {problem}")
            outcome = Outcome.DISABLED if problem == "account disabled" else Outcome.REFUSED
            return CardMatch(outcome, officer, problem)
        self._audit.record(officer.officer_id, "card_placed", f"{where}: own card read, PIN asked")
        return CardMatch(Outcome.OFFICER, officer)
