"""The station's keys: when one may be made, and when the kiosk must refuse to start.

The data key seals personal data (`kiosk.sealing`); the slip key signs the QR on status slips
(`kiosk.slip`); the audit key chains the officers' audit log (`kiosk.audit`). The database
records the id of the key it was used with (`KeyLedger`), never the key. A key file that is
missing, or holds another key than the recorded one, stops the station with a `KeyProblem` saying
which key it needs, before anything is written: a new key over existing data would leave a
database that needs two keys, one of them lost (an audit chain no key can verify). A new key is made only on a
database that has never held data, or when an officer asks (`kiosk keys init`, `kiosk keys
rotate`).

Rotation writes the successor to ``<key>.new``, re-seals every row with it and records it in one
transaction, and only then moves the old key to ``<key>.retired-<id>`` and the successor into
place. A crash at any point leaves keys that open every row: an interrupted rotation is finished
the next time the keys are opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk import audit, blind_index, sealing, slip
from kiosk.keyfile import (
    KeyFileSizeError,
    KeyProblem,
    create_key,
    next_path,
    read_key,
    read_retired_keys,
    retired_key_files,
    retired_path,
    sync_folder,
    write_key,
)
from kiosk.ports.storage import KeyLedger, SealedRow
from kiosk.printing import receipt_context

DATA = "data"
SLIP = "slip"
AUDIT = "audit"
INDEX = "index"
KEY_SIZE = 32  # every key; kiosk.sealing, kiosk.slip and kiosk.audit check it too


@dataclass(frozen=True)
class _Kind:
    purpose: str
    label: str
    key_id: Callable[[bytes], str]
    what_it_protects: str
    rows: Callable[[KeyLedger], int]  # what a new key would leave unreadable or unverifiable


_KINDS = {
    DATA: _Kind(
        DATA, "data key", sealing.key_id, "holds dossiers sealed", lambda ledger: ledger.sealed_rows()
    ),
    SLIP: _Kind(
        SLIP,
        "slip key",
        slip.key_id,
        "issued slips signed",
        lambda ledger: ledger.sealed_rows(dossiers_only=True),
    ),
    AUDIT: _Kind(
        AUDIT,
        "audit key",
        audit.audit_key_id,
        "holds an audit log chained",
        lambda ledger: ledger.audit_rows(),
    ),
    # The blind index is rebuilt from the sealed data (`kiosk index rebuild`), so a database from
    # before it gets a new key without refusal; once recorded, a missing key is refused as for
    # the others (every search would silently find nothing).
    INDEX: _Kind(
        INDEX, "index key", blind_index.index_key_id, "holds a search index made", lambda ledger: 0
    ),
}


@dataclass(frozen=True)
class KeyRing:
    """A key file's current key and the retired ones kept next to it."""

    path: Path
    key: bytes
    old: tuple[bytes, ...]


def sealed_context(row: SealedRow) -> bytes:
    """The associated data a row's payload was sealed with (`kiosk.outbox`, `kiosk.printing`,
    `kiosk.dossier_photo`, `kiosk.officer_cards`: there `tracking_code` is the officer id)."""
    if row.table == "dossiers":
        return row.tracking_code.encode()
    if row.table == "dossier_photos":
        from kiosk.dossier_photo import photo_context

        return photo_context(row.tracking_code)
    if row.table == "identity_checks":  # dossiers.identity_sealed
        from kiosk.identity_note import identity_context

        return identity_context(row.tracking_code)
    if row.table == "officers":
        from kiosk.officer_cards import card_context  # argon2 loads only for a rotation

        return card_context(row.tracking_code)
    return receipt_context(row.tracking_code)


def _read(kind: _Kind, path: Path) -> bytes | None:
    try:
        return read_key(path, KEY_SIZE)
    except KeyFileSizeError as exc:
        raise KeyProblem(
            f"{kind.label} file {exc.path} holds {exc.size} bytes, expected {KEY_SIZE}: a truncated or "
            "wrong file. Restore it from where the key was kept; do not delete it"
        ) from None
    except OSError as exc:
        raise KeyProblem(f"{kind.label} file {path} cannot be read: {exc.strerror or exc}") from None


def _finish_rotation(kind: _Kind, path: Path, recorded: str | None) -> None:
    """Complete a rotation whose database switch committed but whose files were not moved."""
    successor = next_path(path)
    new = _read(kind, successor)
    if new is None:
        return
    if recorded is None or kind.key_id(new) != recorded:
        # Not (yet) the database's key: a rotation that failed, or one still re-sealing in another
        # process. Left alone: deleting it under a rotation about to commit would lose its key.
        return
    current = _read(kind, path)
    if current is not None and kind.key_id(current) != recorded:
        old = retired_path(path, kind.key_id(current))
        if not old.exists():
            os.link(path, old)
    os.replace(successor, path)
    sync_folder(path.parent)


def open_keys(purpose: str, path: Path, ledger: KeyLedger, *, create: bool = True) -> KeyRing | None:
    """The keys to work with, checked against what the database recorded.

    Missing key: on a database that never held data a new one is made and recorded (`create`),
    else `KeyProblem`. A key other than the recorded one: `KeyProblem`, unless the recorded one is
    still held as a retired key (a backup from before a rotation). Without `create` (doctor) nothing
    is written and None stands for "no key yet, one will be made".
    """
    kind = _KINDS[purpose]
    recorded = ledger.current_key(purpose)
    try:
        if create:
            _finish_rotation(kind, path, recorded)
        key = _read(kind, path)
        if key is None:
            if recorded is not None or kind.rows(ledger):
                used = f" with key {recorded}" if recorded else ""
                raise KeyProblem(
                    f"{kind.label} file {path} is missing, and this database {kind.what_it_protects}"
                    f"{used}: restore the key file (from where it was kept, or a `kiosk backup "
                    "--with-keys`). Nothing was written. Only if the key is lost for good: `kiosk keys "
                    "init --replace-lost` (what it protected stays unreadable)"
                )
            if not create:
                return None
            try:
                key = create_key(path, KEY_SIZE)
            except OSError as exc:  # a read-only credentials folder, a full disk
                raise KeyProblem(f"{kind.label} file {path} cannot be made: {exc.strerror or exc}") from None
            ledger.record_key(purpose, kind.key_id(key))
            return KeyRing(path, key, ())
        old = tuple(read_retired_keys(path, KEY_SIZE))
    except KeyFileSizeError as exc:
        raise KeyProblem(f"{kind.label}: retired key {exc}: restore it or move it away") from None
    ring = KeyRing(path, key, old)
    held = {kind.key_id(k) for k in (key, *old)}
    current = kind.key_id(key)
    if recorded is None:  # a database from before keys were recorded
        if purpose == DATA:
            _check_legacy_rows(ring, ledger)
        if create:
            ledger.record_key(purpose, current)
    elif recorded not in held:
        raise KeyProblem(
            f"{kind.label} file {path} holds key {current}, but this database {kind.what_it_protects} "
            f"with key {recorded}: put key {recorded} back at {path}. Nothing was written"
        )
    elif recorded != current and create:
        ledger.record_key(purpose, current)
    return ring


def _check_legacy_rows(ring: KeyRing, ledger: KeyLedger) -> None:
    sealer = sealing.Sealer(ring.key, old_keys=ring.old)
    for row in ledger.newest_sealed():
        try:
            sealer.open(row.payload, context=sealed_context(row))
        except sealing.SealError as exc:
            raise KeyProblem(
                f"data key file {ring.path} (key {sealer.key_id}) does not open the newest row of "
                f"{row.table} ({exc}): restore the key it was sealed with. Nothing was written"
            ) from None


def open_sealer(path: Path, ledger: KeyLedger) -> sealing.Sealer:
    ring = open_keys(DATA, path, ledger)
    assert ring is not None
    return sealing.Sealer(ring.key, old_keys=ring.old)


def open_signer(path: Path, station_id: str, ledger: KeyLedger) -> slip.SlipSigner:
    ring = open_keys(SLIP, path, ledger)
    assert ring is not None
    return slip.SlipSigner(ring.key, station_id, retired_keys=ring.old)


# -- officer commands -----------------------------------------------------------------------------


def init_key(purpose: str, path: Path, ledger: KeyLedger, *, replace_lost: bool = False) -> str:
    """`kiosk keys init`: make a missing key. Over data of a lost key only with `replace_lost`."""
    kind = _KINDS[purpose]
    existing = _read(kind, path)
    if existing is not None:
        open_keys(purpose, path, ledger)  # a present key is checked like at start
        return f"{kind.label} {kind.key_id(existing)} at {path}: already there, unchanged"
    if not replace_lost:
        ring = open_keys(purpose, path, ledger)  # raises if data needs the missing key
        assert ring is not None
        return f"{kind.label} {kind.key_id(ring.key)} made at {path}"
    lost = ledger.current_key(purpose)
    key = create_key(path, KEY_SIZE)
    ledger.record_key(purpose, kind.key_id(key), previous="lost")
    was = f"; key {lost} recorded as lost" if lost else ""
    return f"{kind.label} {kind.key_id(key)} made at {path}{was}"


def rotate_key(purpose: str, path: Path, ledger: KeyLedger, *, keep_old: bool = True) -> str:
    """`kiosk keys rotate`: a new key; data rows are re-sealed with it. The old key is kept as
    ``<key>.retired-<id>`` (older backups and slips need it) unless `keep_old` is False."""
    kind = _KINDS[purpose]
    if purpose == AUDIT:  # re-chaining would rewrite the history the chain vouches for
        raise KeyProblem(
            "the audit key is not rotated: its chain would have to be rewritten with the new key"
        )
    if purpose == INDEX:
        raise KeyProblem("the index key is not rotated: it only hides search tokens, which `kiosk index "
                         "rebuild` makes again")
    ring = open_keys(purpose, path, ledger)
    if ring is None:  # pragma: no cover - open_keys creates or raises
        raise KeyProblem(f"no {kind.label} to rotate")
    successor = next_path(path)
    new = os.urandom(KEY_SIZE)
    write_key(successor, new)
    old_id, new_id = kind.key_id(ring.key), kind.key_id(new)
    rows = 0
    try:
        if purpose == DATA:
            old_sealer = sealing.Sealer(ring.key, old_keys=ring.old)
            new_sealer = sealing.Sealer(new)

            def reseal(row: SealedRow) -> bytes:
                context = sealed_context(row)
                try:
                    return new_sealer.seal(old_sealer.open(row.payload, context=context), context=context)
                except sealing.SealError as exc:
                    raise KeyProblem(
                        f"{row.table} row {row.row_id} ({row.tracking_code}) cannot be opened: {exc}. "
                        "Nothing was changed"
                    ) from None

            rows = ledger.reseal_all(reseal, DATA, new_id)
        else:
            ledger.record_key(SLIP, new_id)
    except BaseException:
        successor.unlink(missing_ok=True)
        raise
    if _read(kind, successor) != new:  # replaced meanwhile by someone else's attempt: ours counts now
        write_key(successor, new)
    _finish_rotation(kind, path, new_id)
    dropped = 0
    if not keep_old:
        for old in retired_key_files(path):
            old.unlink()
            dropped += 1
    resealed = f", {rows} row(s) re-sealed" if purpose == DATA else ""
    kept = f", {dropped} old key file(s) removed" if not keep_old else f", key {old_id} kept as retired"
    return f"{kind.label} rotated from {old_id} to {new_id}{resealed}{kept}"


def describe_key(purpose: str, path: Path, ledger: KeyLedger) -> tuple[bool, str]:
    """For `kiosk keys show` and `kiosk doctor`: whether the key is usable, and what it is. Writes
    nothing (a missing key on an empty database is fine: the first start makes it)."""
    kind = _KINDS[purpose]
    try:
        ring = open_keys(purpose, path, ledger, create=False)
    except (KeyProblem, OSError) as exc:
        return False, str(exc)
    if ring is None:
        return True, f"none yet at {path}; made at the first start (empty database)"
    old = f", {len(ring.old)} retired" if ring.old else ""
    return True, f"{kind.key_id(ring.key)} at {path}{old}"


def open_audit_key(path: Path, ledger: KeyLedger) -> bytes:
    ring = open_keys(AUDIT, path, ledger)
    assert ring is not None
    return ring.key


def open_index_key(path: Path, ledger: KeyLedger) -> bytes:
    ring = open_keys(INDEX, path, ledger)
    assert ring is not None
    return ring.key
