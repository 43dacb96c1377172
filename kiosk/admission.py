"""Whether a document read from a chip may be used, for the applicant or for a guest.

One function, `admit`, driven by the catalog: each card or people step says which document kinds
it accepts, whose nationality, and which passive-authentication outcomes (ICAO 9303-11 §5.1) are
good enough. A refusal carries its reason worded for the citizen; the outcome of the check is kept
with each person (applicant and every guest) for the officer.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk import phrases
from kiosk.ports.card import CardRead, PassiveAuth
from kiosk.text import Text, fold

DOCUMENT_KINDS = ("cccd", "passport")  # CardRead.document_kind
VIETNAM = "VNM"  # ICAO 9303-3 nationality code
# A chip whose data do not match its signature is never used, whatever a catalog file says; nor
# one whose signature cannot be checked (a broken EF.SOD must not pass where an altered one fails).
NEVER_ACCEPTED = (PassiveAuth.FORGED, PassiveAuth.UNVERIFIABLE)
# NOT_CHECKED comes only from test backends (no EF.SOD read): the real readers call a missing SOD forged.
SIGNED_OR_UNCHECKED = (PassiveAuth.VALID, PassiveAuth.CHAIN_UNKNOWN, PassiveAuth.NOT_CHECKED)


@dataclass(frozen=True)
class AdmissionRule:
    """What a step accepts (catalog `admit = { documents, nationalities, passive_auth }`)."""

    documents: tuple[str, ...] = ("cccd",)
    nationalities: tuple[str, ...] = ()  # ICAO codes; empty = any
    passive_auth: tuple[PassiveAuth, ...] = SIGNED_OR_UNCHECKED


@dataclass(frozen=True)
class Admission:
    admitted: bool
    passive_auth: PassiveAuth  # the chip check's outcome, stored with the person either way
    reason: Text | None = None  # why not, for the citizen

    @property
    def outcome(self) -> str:
        return self.passive_auth.value


def nationality_of(read: CardRead) -> str:
    """The holder's nationality as an ICAO code: a căn cước is only issued to Vietnamese citizens."""
    if read.document_kind == "cccd":
        return VIETNAM
    raw = read.holder.nationality.strip()
    return VIETNAM if fold(raw) in ("viet nam", "vnm") else raw.upper()


def admit(rule: AdmissionRule, read: CardRead) -> Admission:
    """Admit `read` under `rule`; the first failed condition gives the reason."""
    check = read.passive_auth
    if check not in rule.passive_auth or check in NEVER_ACCEPTED:
        if check in NEVER_ACCEPTED:
            forged = (
                phrases.ADMIT_PASSPORT_FORGED
                if read.document_kind == "passport"
                else phrases.ADMIT_CARD_FORGED
            )
            return Admission(False, check, forged)
        return Admission(False, check, phrases.ADMIT_UNVERIFIED)
    if read.document_kind not in rule.documents:
        reason = phrases.ADMIT_CARD_ONLY if rule.documents == ("cccd",) else phrases.ADMIT_DOCUMENT_REFUSED
        return Admission(False, check, reason)
    if rule.nationalities and nationality_of(read) not in rule.nationalities:
        # Foreigners are not notified here (Law on Entry and Exit of Foreigners, Đ33).
        reason = phrases.ADMIT_FOREIGNER if VIETNAM in rule.nationalities else phrases.ADMIT_DOCUMENT_REFUSED
        return Admission(False, check, reason)
    return Admission(True, check)
