"""The identity check an officer records in assist mode, at rest: the way in clear, the note sealed.

`kiosk.officer_mode.identity_text` makes the value ``"<way>: <note>"`` (or the way alone). The way
(`IdentityCheck`: card seen, passport seen, …) says nothing about the citizen and stays in the
clear column `dossiers.identity_check`, where the queue and statistics may read it. The officer's
note may hold personal data (an old ID number, a name, who vouched), so it is sealed with the data
key like the dossier's payload (`dossiers.identity_sealed`), bound to the dossier's tracking code,
re-sealed by a key rotation, and opened only for a role that may view personal data. The audit
log says only that a note was made (`kiosk.officer_mode.identity_reference`).
"""

from __future__ import annotations

from kiosk.ports.storage import DossierRepository
from kiosk.sealing import Sealer, SealError

_CONTEXT = b"kiosk-identity-check\x00"
NOTE_SEPARATOR = ": "


def identity_context(tracking_code: str) -> bytes:
    """Associated data of a dossier's sealed note: another dossier's note does not open here, nor
    does the dossier's own payload pass for its note."""
    return _CONTEXT + tracking_code.encode()


def split_identity(value: str) -> tuple[str, str]:
    """``"paper_id: CMND 0123…"`` -> ("paper_id", the whole value) when a note was written, else
    (the way, ""): what goes in clear, and what must be sealed."""
    way, separator, note = value.partition(NOTE_SEPARATOR)
    return (way, value) if separator and note else (value, "")


def seal_identity(sealer: Sealer, tracking_code: str, value: str) -> tuple[str, bytes | None]:
    """The clear way and the sealed value (None when no note was written)."""
    way, secret = split_identity(value)
    if not secret:
        return way, None
    return way, sealer.seal({"identity_check": secret}, context=identity_context(tracking_code))


def open_identity(sealer: Sealer, tracking_code: str, sealed: bytes) -> str:
    """The officer's whole entry (way and note); `SealError` if it cannot be opened."""
    return str(sealer.open(sealed, context=identity_context(tracking_code))["identity_check"])


def seal_pending(repository: DossierRepository, sealer: Sealer) -> int:
    """Seal the notes migration 0013 found in clear (it holds no key: the first opening of the
    storage with the data key finishes its work). Returns how many were sealed."""

    def seal(tracking_code: str, value: str) -> bytes:
        _way, sealed = seal_identity(sealer, tracking_code, value)
        if sealed is None:  # pragma: no cover - the migration moves only values with a note
            raise SealError(f"dossier {tracking_code}: no note to seal in {value!r}")
        return sealed

    return repository.seal_pending_identity_notes(seal)
