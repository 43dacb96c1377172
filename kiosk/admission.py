"""Whether a document read from a chip may be used, for the applicant or for a guest.

One function, `admit`, driven by the catalog and the station: each card or people step says which
document kinds it accepts, whose nationality, and which passive-authentication outcomes (ICAO
9303-11 §5.1) are good enough; the station's `TrustPolicy` (config `[trust]`) says which outcomes it
lets through for the applicant and for guests, and both must agree. A refusal carries its reason
worded for the citizen; the outcome of the check is kept with each person (applicant and every
guest) for the officer, with a note when the officer should look at the document by eye.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk import phrases
from kiosk.ports.card import CardRead, ChipAuth, PassiveAuth
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


# What the station may let through (config `trust.applicant`, `trust.guests`). Never FORGED or
# UNVERIFIABLE: a CCCD without a valid EF.SOD is never accepted, and a broken SOD must not pass
# where an altered one fails. NOT_CHECKED (test backends) is up to the catalog alone.
POLICY_CHOICES = (PassiveAuth.VALID, PassiveAuth.CHAIN_UNKNOWN)
OFFICER_NOTES = {
    PassiveAuth.CHAIN_UNKNOWN: (
        "Chip data signed, but by an issuer (CSCA) not in the trust folder: check the document by eye"
    ),
    PassiveAuth.NOT_CHECKED: "Chip signature not checked (test reader): check the document by eye",
}


@dataclass(frozen=True)
class TrustPolicy:
    """The passive-authentication outcomes the station accepts. The default lets "chain unknown"
    through (with a note to the officer) until the CSCA certificates are imported."""

    applicant: tuple[PassiveAuth, ...] = POLICY_CHOICES
    guests: tuple[PassiveAuth, ...] = POLICY_CHOICES

    def __post_init__(self) -> None:
        for outcome in (*self.applicant, *self.guests):
            if outcome not in POLICY_CHOICES:
                raise ValueError(f"a trust policy cannot accept a chip that is {outcome.value}")

    def accepted(self, guest: bool) -> tuple[PassiveAuth, ...]:
        return (*(self.guests if guest else self.applicant), PassiveAuth.NOT_CHECKED)


def officer_note(outcome: str) -> str:
    """What the officer should know about an admitted person's chip check ('' for nothing)."""
    try:
        return OFFICER_NOTES.get(PassiveAuth(outcome), "")
    except ValueError:
        return ""


@dataclass(frozen=True)
class Admission:
    admitted: bool
    passive_auth: PassiveAuth  # the chip check's outcome, stored with the person either way
    reason: Text | None = None  # why not, for the citizen

    @property
    def outcome(self) -> str:
        return self.passive_auth.value

    @property
    def officer_note(self) -> str:
        return officer_note(self.outcome) if self.admitted else ""


def nationality_of(read: CardRead) -> str:
    """The holder's nationality as an ICAO code: a căn cước is only issued to Vietnamese citizens."""
    if read.document_kind == "cccd":
        return VIETNAM
    raw = read.holder.nationality.strip()
    return VIETNAM if fold(raw) in ("viet nam", "vnm") else raw.upper()


def _forged(read: CardRead) -> Text:
    return phrases.ADMIT_PASSPORT_FORGED if read.document_kind == "passport" else phrases.ADMIT_CARD_FORGED


def admit(
    rule: AdmissionRule, read: CardRead, policy: TrustPolicy | None = None, *, guest: bool = False
) -> Admission:
    """Admit `read` under `rule` and the station's `policy` (for a guest or the applicant); the
    first failed condition gives the reason."""
    check = read.passive_auth
    station = (policy or TrustPolicy()).accepted(guest)
    if read.chip_auth is ChipAuth.FAILED:  # the right data on the wrong chip: a clone
        return Admission(False, check, _forged(read))
    if check not in rule.passive_auth or check not in station or check in NEVER_ACCEPTED:
        if check in NEVER_ACCEPTED:
            return Admission(False, check, _forged(read))
        return Admission(False, check, phrases.ADMIT_UNVERIFIED)
    if read.document_kind not in rule.documents:
        reason = phrases.ADMIT_CARD_ONLY if rule.documents == ("cccd",) else phrases.ADMIT_DOCUMENT_REFUSED
        return Admission(False, check, reason)
    if rule.nationalities and nationality_of(read) not in rule.nationalities:
        # Foreigners are not notified here (Law on Entry and Exit of Foreigners, Đ33).
        reason = phrases.ADMIT_FOREIGNER if VIETNAM in rule.nationalities else phrases.ADMIT_DOCUMENT_REFUSED
        return Admission(False, check, reason)
    return Admission(True, check)
