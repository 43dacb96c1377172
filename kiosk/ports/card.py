"""The card-reader interface the core depends on.

Backends (emulated chip, PC/SC through pcscd) implement `CardReader`. Everything here is plain
Python: events and results are frozen dataclasses, errors carry a reason the UI can word for the
citizen. Nothing here touches Qt.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.ports.card_errors import CardErrorReason as CardErrorReason  # its home before, re-exported


class CardEventKind(enum.Enum):
    READER_ATTACHED = "reader_attached"
    READER_REMOVED = "reader_removed"
    CARD_INSERTED = "card_inserted"
    CARD_REMOVED = "card_removed"


@dataclass(frozen=True)
class CardEvent:
    kind: CardEventKind
    reader: str


class CardError(Exception):
    def __init__(self, reason: CardErrorReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[type[CardError], tuple[CardErrorReason, str]]:
        # As itself across the card service's channel (`kiosk.app.card_service`): the reason is
        # what the citizen is told.
        return (type(self), (self.reason, self.detail))


@dataclass(frozen=True)
class AccessKey:
    """The password for PACE/BAC: a CAN, or the MRZ triple (document number, DOB, expiry)."""

    can: str | None = None
    document_number: str | None = None
    date_of_birth: str | None = None  # YYMMDD
    date_of_expiry: str | None = None  # YYMMDD

    @classmethod
    def from_can(cls, can: str) -> AccessKey:
        return cls(can=can)

    @classmethod
    def from_mrz(cls, document_number: str, date_of_birth: str, date_of_expiry: str) -> AccessKey:
        return cls(
            document_number=document_number,
            date_of_birth=date_of_birth,
            date_of_expiry=date_of_expiry,
        )

    @classmethod
    def from_id_number(cls, id12: str) -> AccessKey:
        """CCCD convention (open-source readers, not official): CAN = last 6 digits of the ID."""
        digits = "".join(ch for ch in id12 if ch.isdigit())
        if len(digits) != 12:
            raise ValueError("the ID number has 12 digits")
        return cls(can=digits[-6:])

    @property
    def is_mrz(self) -> bool:
        return self.document_number is not None


@dataclass(frozen=True)
class ReadProgress:
    """One step of a read: `done` of `total` units (APDUs or bytes) of the named stage."""

    stage: str  # "access", "DG1", "DG13", "DG2", "SOD", "verify"
    done: int
    total: int

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)


class PassiveAuth(enum.Enum):
    VALID = "valid"  # hashes match and chain reaches a trusted CSCA
    CHAIN_UNKNOWN = "chain_unknown"  # hashes and DS signature valid, CSCA not in the trust store
    FORGED = "forged"  # a hash or signature does not match: altered or forged
    NOT_CHECKED = "not_checked"  # no SOD read (e.g. a test backend)
    # No EF.SOD, or one that cannot be parsed or uses an algorithm not implemented here: nothing
    # was proven either way, so the data are not used (a broken SOD must not pass where a forged fails).
    UNVERIFIABLE = "unverifiable"


class ChipAuth(enum.Enum):
    """Whether the chip is the one the data were signed for (Chip Authentication, ICAO 9303-11
    §6.2): shown to officers as "chip genuine / not checked / failed"."""

    GENUINE = "genuine"  # the chip proved it holds DG14's private key
    NOT_CHECKED = "not_checked"  # no DG14, or nothing in it this kiosk implements
    FAILED = "failed"  # the chip refused or could not answer under the new keys: a clone


@dataclass(frozen=True)
class Holder:
    """The holder's data as read from the chip (DG13 for a CCCD, DG1 for any eMRTD).

    Strings are NFC-normalised text as printed on the card; dates stay in the card's own
    form (dd/mm/yyyy in DG13). Empty string = absent on the chip.
    """

    id_number: str
    full_name: str
    date_of_birth: str
    sex: str = ""
    nationality: str = ""
    ethnicity: str = ""
    religion: str = ""
    hometown: str = ""
    residence: str = ""
    identifying_marks: str = ""
    issue_date: str = ""
    expiry_date: str = ""
    father: str = ""
    mother: str = ""
    spouse: str = ""
    old_id_number: str = ""
    card_serial: str = ""  # DG13 key 16, meaning unconfirmed: kept raw, never shown as the old ID
    document_number: str = ""  # from DG1 (passport number, or last 9 digits of the ID on a CCCD)
    # ChipAuth value of the chip this was read from ("" when not read from a chip): kept with the
    # person's data in the dossier, for the officer.
    chip_auth: str = ""


@dataclass(frozen=True)
class CardRead:
    """The result of a full read."""

    holder: Holder
    document_kind: str  # "cccd" or "passport" (any other eMRTD)
    photo: bytes | None = None  # DG2 image bytes as stored (JPEG or JPEG 2000)
    photo_format: str = ""  # "jpeg" / "jp2" / ""
    # The face ready for any UI (JPEG as stored, JPEG 2000 converted to PNG by the reader);
    # None when there is no photo or it cannot be decoded.
    face: bytes | None = None
    passive_auth: PassiveAuth = PassiveAuth.NOT_CHECKED
    chip_auth: ChipAuth = ChipAuth.NOT_CHECKED
    apdu_count: int = 0
    data_groups: dict[str, bytes] = field(default_factory=dict, repr=False)


CardListener = Callable[[CardEvent], None]
ProgressCallback = Callable[[ReadProgress], None]


class CardReader(ABC):
    """A chip-card reader.

    `start` begins watching for reader/card events and calls `listener` from a background thread;
    `read` is blocking (callers run it off the UI thread) and reports progress as it goes. Device
    handles are asked for on every read, never cached across a removal.
    """

    @abstractmethod
    def start(self, listener: CardListener) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    @abstractmethod
    def readers(self) -> list[str]: ...

    @abstractmethod
    def card_present(self) -> bool: ...

    @abstractmethod
    def read(
        self,
        key: AccessKey | None,
        progress: ProgressCallback | None = None,
        *,
        with_photo: bool = True,
    ) -> CardRead: ...

    def forget(self) -> None:
        """Drop whatever the last read left in memory: called when a citizen's session is wiped."""
        return None

    def describe(self) -> str:
        """One line for `kiosk doctor`."""
        names = self.readers()
        return ", ".join(names) if names else "no reader"
