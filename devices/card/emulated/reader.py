"""In-process emulated reader: a card is 'placed' with `insert(profile)`.

Minimal path (issue 2): the read checks the access key against the profile as a chip would
(CAN = last 6 digits of the ID, or the MRZ triple) and returns the profile's data. The chip
protocol (PACE/BAC, secure messaging, data groups) replaces the internals in issue 3; the
public API (`insert`, `remove`, `read`) stays.
"""

from __future__ import annotations

import threading

from devices.card.base import (
    AccessKey,
    CardError,
    CardErrorReason,
    CardEvent,
    CardEventKind,
    CardListener,
    CardRead,
    CardReader,
    ProgressCallback,
    ReadProgress,
)
from devices.card.profiles import CitizenProfile

READER_NAME = "Emulated CCCD reader 00 00"


def _yymmdd(ddmmyyyy: str) -> str:
    day, month, year = ddmmyyyy.split("/")
    return year[2:] + month + day


class EmulatedCardReader(CardReader):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._card: CitizenProfile | None = None
        self._listener: CardListener | None = None
        self._attached = True

    # -- test/demo controls ---------------------------------------------------------------
    def insert(self, profile: CitizenProfile) -> None:
        with self._lock:
            self._card = profile
        self._emit(CardEventKind.CARD_INSERTED)

    def remove(self) -> None:
        with self._lock:
            had = self._card is not None
            self._card = None
        if had:
            self._emit(CardEventKind.CARD_REMOVED)

    def unplug(self) -> None:
        self.remove()
        self._attached = False
        self._emit(CardEventKind.READER_REMOVED)

    def plug(self) -> None:
        self._attached = True
        self._emit(CardEventKind.READER_ATTACHED)

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
        return self._attached and self._card is not None

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
            card = self._card
        if card is None:
            raise CardError(CardErrorReason.NO_CARD)
        if key is None:
            raise CardError(CardErrorReason.NEEDS_KEY)
        holder = card.holder
        if key.is_mrz:
            expected = (
                holder.document_number,
                _yymmdd(holder.date_of_birth),
                _yymmdd(holder.expiry_date) if "/" in holder.expiry_date else "",
            )
            given = (key.document_number, key.date_of_birth, key.date_of_expiry)
            if given != expected:
                raise CardError(CardErrorReason.WRONG_KEY, "MRZ")
        elif key.can != holder.id_number[-6:]:
            raise CardError(CardErrorReason.WRONG_KEY, "CAN")
        stages = ["access", "DG1", "DG13", "SOD"] + (["DG2"] if with_photo else [])
        for index, stage in enumerate(stages, start=1):
            if progress is not None:
                progress(ReadProgress(stage, index, len(stages)))
            with self._lock:
                if self._card is not card:
                    raise CardError(CardErrorReason.CARD_REMOVED)
        return CardRead(holder=holder, document_kind="cccd")

    def _emit(self, kind: CardEventKind) -> None:
        listener = self._listener
        if listener is not None:
            listener(CardEvent(kind, READER_NAME))
