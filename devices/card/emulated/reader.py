"""In-process emulated reader: a card is 'placed' with `insert(profile)`.

`read` runs the real protocol — PACE or BAC, secure messaging, READ BINARY of the data groups,
passive authentication — over APDU bytes against an `EmulatedChip` personalised from the
profile. Removing the card or unplugging the reader mid-read fails the next APDU, as on hardware.
"""

from __future__ import annotations

import threading
from pathlib import Path

from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import (
    CardImage,
    ChipOptions,
    PassportProfile,
    personalise_cccd,
    personalise_passport,
)
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.icao.apdu import MAX_EXTENDED_LE
from devices.card.icao.document_reader import ReadStats
from devices.card.icao.extended_length import ReaderLink
from devices.card.icao.passive_auth import TrustStore
from devices.card.profiles import CitizenProfile
from devices.card.reading import ReadOutcome, read_card
from kiosk.ports.card import (
    AccessKey,
    CardError,
    CardErrorReason,
    CardEvent,
    CardEventKind,
    CardListener,
    CardRead,
    CardReader,
    ProgressCallback,
)

READER_NAME = "Emulated CCCD reader 00 00"


class _ChipTransport:
    """Hands APDUs to the chip while it is still on the reader."""

    def __init__(self, owner: EmulatedCardReader, chip: EmulatedChip) -> None:
        self._owner = owner
        self._chip = chip

    def transmit(self, apdu: bytes) -> bytes:
        self._owner._check_still_there(self._chip)
        return self._chip.process(apdu)


class EmulatedCardReader(CardReader):
    def __init__(
        self,
        *,
        trust_dir: Path | str | None = TEST_TRUST_DIR,
        options: ChipOptions | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._chip: EmulatedChip | None = None
        self._listener: CardListener | None = None
        self._attached = True
        self._trust = TrustStore.from_folder(trust_dir)
        self._options = options or ChipOptions()
        self.last_outcome: ReadOutcome | None = None

    # -- test/demo controls ---------------------------------------------------------------
    def insert(self, profile: CitizenProfile, options: ChipOptions | None = None) -> None:
        """Place a CCCD personalised from `profile` (options default to the reader's)."""
        self.insert_image(personalise_cccd(profile, options or self._options))

    def insert_passport(self, passport: PassportProfile, options: ChipOptions | None = None) -> None:
        self.insert_image(personalise_passport(passport, options or self._options))

    def insert_image(self, image: CardImage) -> None:
        with self._lock:
            self._chip = EmulatedChip(image)
        self._emit(CardEventKind.CARD_INSERTED)

    def remove(self) -> None:
        with self._lock:
            had = self._chip is not None
            self._chip = None
        if had:
            self._emit(CardEventKind.CARD_REMOVED)

    def unplug(self) -> None:
        self.remove()
        self._attached = False
        self._emit(CardEventKind.READER_REMOVED)

    def plug(self) -> None:
        self._attached = True
        self._emit(CardEventKind.READER_ATTACHED)

    @property
    def chip(self) -> EmulatedChip | None:
        return self._chip

    def forget(self) -> None:
        self.last_outcome = None

    @property
    def last_stats(self) -> ReadStats | None:
        return self.last_outcome.stats if self.last_outcome else None

    # -- CardReader -----------------------------------------------------------------------
    def start(self, listener: CardListener) -> None:
        self._listener = listener
        if self._attached:
            self._emit(CardEventKind.READER_ATTACHED)

    def stop(self) -> None:
        self._listener = None

    def readers(self) -> list[str]:
        return [READER_NAME] if self._attached else []

    def card_present(self) -> bool:
        return self._attached and self._chip is not None

    def read(
        self,
        key: AccessKey | None,
        progress: ProgressCallback | None = None,
        *,
        with_photo: bool = True,
    ) -> CardRead:
        if not self._attached:
            raise CardError(CardErrorReason.NO_READER)
        with self._lock:
            chip = self._chip
        if chip is None:
            raise CardError(CardErrorReason.NO_CARD)
        if key is None:
            raise CardError(CardErrorReason.NEEDS_KEY)
        chip.reset()  # power on: every read starts a fresh session
        # In process nothing stands between reader and chip: only the chip limits the APDU length.
        link = ReaderLink(chip.atr, MAX_EXTENDED_LE)
        outcome = read_card(
            _ChipTransport(self, chip), key, self._trust, progress, with_photo=with_photo, link=link
        )
        self.last_outcome = outcome
        return outcome.card

    def _check_still_there(self, chip: EmulatedChip) -> None:
        if not self._attached:
            raise CardError(CardErrorReason.NO_READER, "reader unplugged")
        with self._lock:
            if self._chip is not chip:
                raise CardError(CardErrorReason.CARD_REMOVED)

    def _emit(self, kind: CardEventKind) -> None:
        listener = self._listener
        if listener is not None:
            listener(CardEvent(kind, READER_NAME))
