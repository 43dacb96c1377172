"""Demo mode's documents: buttons on the card screen that place a fictional citizen's card (or a
guest's passport) on the emulated reader and fill its number, as a QR scan of the card would.

Defined once here, so `kiosk run --demo`, `kiosk tour` and the tests offer the same documents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from devices.card.profiles import CitizenProfile
from kiosk.flow.journey import Journey
from kiosk.runner import Runner

if TYPE_CHECKING:
    from devices.card.emulated.personalise import PassportProfile
    from kiosk.app.remote_card import RemoteCardReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoPassport:
    name: str  # "SURNAME GIVEN NAMES", as in the MRZ
    number: str
    date_of_birth: str  # ISO
    date_of_expiry: str  # ISO
    nationality: str  # ICAO 9303 three-letter code
    sex: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.nationality})"

    def profile(self) -> PassportProfile:
        """The chip's data: made in the card service (`kiosk.app.card_service`), which holds the
        emulator and its crypto."""
        from devices.card.emulated.personalise import PassportProfile

        def yymmdd(iso: str) -> str:
            return iso[2:].replace("-", "")

        return PassportProfile(
            self.number, yymmdd(self.date_of_birth), yymmdd(self.date_of_expiry),
            self.nationality, self.name, self.sex,
        )  # fmt: skip


# Guests' passports: one Vietnamese (accepted in a lodging notification) and the ICAO specimen
# (a foreigner: refused there, with the message saying where to go).
DEMO_PASSPORTS = (
    DemoPassport("NGUYEN THI HANG", "C1234567", "2003-11-28", "2033-11-20", "VNM", "F"),
    DemoPassport("ANNA MARIA ERIKSSON", "L898902C3", "1974-08-12", "2012-04-15", "UTO", "F"),
)


class DemoDocument(NamedTuple):
    label: str
    place: Callable[[], None]


@dataclass(frozen=True)
class DemoDocuments:
    cards: tuple[DemoDocument, ...] = ()
    passports: tuple[DemoDocument, ...] = ()


def demo_documents(
    reader: Callable[[], RemoteCardReader], journey: Journey, profiles: list[CitizenProfile], runner: Runner
) -> DemoDocuments:
    """A button for each demo citizen's card and each demo passport (the reader must be emulated).

    The card service's emulator makes the chip (face photo, signed data: ~80 ms), asked through
    `runner`, off the UI thread that the button's touch runs on; the number is filled in once the
    document is there."""

    def in_background(make: Callable[[], None], then: Callable[[], None]) -> None:
        runner.run(make, lambda _r: then(), lambda exc: log.error("demo document not placed: %s", exc))

    def card(profile: CitizenProfile) -> DemoDocument:
        def place() -> None:
            in_background(
                lambda: reader().insert(profile), lambda: journey.set_id_number(profile.holder.id_number)
            )

        return DemoDocument(profile.holder.full_name, place)

    def passport(document: DemoPassport) -> DemoDocument:
        def place() -> None:
            in_background(
                lambda: reader().insert_passport(document),
                lambda: journey.set_passport_key(
                    document.number, document.date_of_birth, document.date_of_expiry
                ),
            )

        return DemoDocument(document.label, place)

    return DemoDocuments(tuple(card(p) for p in profiles), tuple(passport(p) for p in DEMO_PASSPORTS))
