"""The health checks that decide whether this station can serve: `kiosk doctor` prints them, the
kiosk runs `service_checks` at start and every few minutes (a station worker task) and hands the
result to the journey (`kiosk.health`).

Every check returns a `Check` and never raises: a check that cannot even run is itself a fault.
None of them makes a key or writes personal data: a check that "fixed" a lost key would hide it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.health import Capability, Check, Health

if TYPE_CHECKING:
    from kiosk.ports.storage import KeyLedger

HEALTH_EVERY_S = 180.0  # a fault fixed by an officer brings the invitation back within 3 minutes

_STORAGE = frozenset({Capability.SUBMIT})
_STORAGE_AND_LOOKUP = frozenset({Capability.SUBMIT, Capability.LOOKUP})


def _reason(exc: BaseException, url: str) -> str:
    """The driver's own one-line message (SQLAlchemy's adds the statement and a help link)."""
    from db.engine import redact

    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return redact(text[0] if text else type(exc).__name__, url)


@contextmanager
def _ledger(config: Config) -> Iterator[KeyLedger]:
    """The database's key ledger on an engine of its own, closed after the check: a pass every
    few minutes must not leave connections behind for the garbage collector."""
    from db.engine import make_engine
    from db.keys import SqlKeyLedger
    from db.schema import ensure_schema

    url = config.database_url
    engine = make_engine(url)
    try:
        ensure_schema(engine, url)
        yield SqlKeyLedger(engine)
    finally:
        engine.dispose()


def database_pages(config: Config) -> Check:
    """SQLite's `PRAGMA quick_check`: every page of every table and index readable and well formed.
    A database that cannot be read at all also stops the status lookup; damaged pages stop new
    applications only (a lookup by code may still find its row)."""
    from db.engine import make_engine, sqlite_file

    url = config.database_url
    path = sqlite_file(url)
    if path is None:
        return Check("database pages", True, "not a SQLite file: the server checks its own pages")
    if not path.is_file():
        return Check("database pages", True, f"{path} not made yet: made at the first start")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check")]
    except Exception as exc:
        detail = f"{path} cannot be read ({_reason(exc, url)}): restore it from the last backup"
        return Check("database pages", False, detail, _STORAGE_AND_LOOKUP)
    finally:
        engine.dispose()
    if rows == ["ok"]:
        return Check("database pages", True, f"{path}: quick_check ok")
    first = " ".join(rows[0].split())  # SQLite puts line breaks inside one problem
    detail = f"{path} is damaged ({len(rows)} problem(s): {first}): restore it from the last backup"
    return Check("database pages", False, detail, _STORAGE)


def sealed_data(config: Config) -> Check:
    """The newest sealed dossier and receipt open with the data key: a key file that is missing,
    replaced or damaged shows here before the next dossier is sealed with a key the others were
    not. The key is read as `kiosk.keys` reads it at start, but never made."""
    from db.engine import sqlite_file
    from kiosk.keyfile import KeyProblem
    from kiosk.keys import DATA, open_keys, sealed_context
    from kiosk.sealing import Sealer, SealError

    url = config.database_url
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return Check("sealed data", True, "no database yet: nothing sealed")
    try:
        with _ledger(config) as ledger:
            ring = open_keys(DATA, config.data_key_file, ledger, create=False)
            newest = ledger.newest_sealed()
    except KeyProblem as exc:
        return Check("sealed data", False, str(exc), _STORAGE)
    except Exception as exc:
        return Check("sealed data", False, _reason(exc, url), _STORAGE_AND_LOOKUP)
    if ring is None or not newest:
        return Check("sealed data", True, "nothing sealed yet")
    sealer = Sealer(ring.key, old_keys=ring.old)
    for row in newest:
        try:
            sealer.open(row.payload, context=sealed_context(row))
        except SealError as exc:
            detail = (
                f"{row.table} row {row.tracking_code} does not open with {config.data_key_file} ({exc}): "
                "restore the key it was sealed with"
            )
            return Check("sealed data", False, detail, _STORAGE)
    opened = ", ".join(f"{row.table} {row.tracking_code}" for row in newest)
    return Check("sealed data", True, f"newest rows open with key {sealer.key_id} ({opened})")


def slip_signing(config: Config) -> Check:
    """A test slip signed and verified with the station's slip key and id, as a submission would.
    No key yet is no fault: the first start makes one (`kiosk.keys`)."""
    from kiosk.keyfile import KeyProblem
    from kiosk.keys import SLIP, open_keys
    from kiosk.slip import SlipError, SlipSigner, VerifiedSlip
    from kiosk.trackcode import new_code

    path = config.slip_key_file
    try:
        with _ledger(config) as ledger:
            ring = open_keys(SLIP, path, ledger, create=False)
        if ring is None:
            return Check("slip signing", True, f"no slip key yet: {path} is made at the first start")
        signer = SlipSigner(ring.key, config.station.id, retired_keys=ring.old)
        code = new_code()
        verified = signer.verify(signer.sign(code))
    except (KeyProblem, SlipError, ValueError) as exc:
        return Check("slip signing", False, str(exc), _STORAGE_AND_LOOKUP)
    except Exception as exc:
        return Check("slip signing", False, _reason(exc, config.database_url), _STORAGE_AND_LOOKUP)
    if not isinstance(verified, VerifiedSlip) or verified.tracking_code != code:
        detail = f"a test slip signed with {path} does not verify ({getattr(verified, 'detail', verified)})"
        return Check("slip signing", False, detail, _STORAGE_AND_LOOKUP)
    return Check("slip signing", True, f"test slip signed and verified with key {signer.key_id}")


def free_disk(config: Config) -> Check:
    """Room on the data folder's disk for dossiers, receipts and the WAL, with a margin."""
    folder = _existing(config.data_dir)
    wanted = config.paths.min_free_mb
    try:
        free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    except OSError as exc:
        return Check("free disk", False, f"{folder}: {exc.strerror or exc}", _STORAGE)
    if free_mb < wanted:
        detail = f"{free_mb} MB free on {folder}, need {wanted} MB (paths.min_free_mb): make room on the disk"
        return Check("free disk", False, detail, _STORAGE)
    return Check("free disk", True, f"{free_mb} MB free on {folder} (at least {wanted} MB)")


def _existing(folder: Path) -> Path:
    """`folder`, or its nearest existing parent (the data folder is made at the first start)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def trust_store(config: Config) -> Check:
    """CSCA certificates for passive authentication. Without them every chip reads as 'issuer
    unknown' (kept for the officer to check by eye), so this is the doctor's fault, not a reason
    to turn citizens away."""
    from devices.card.icao.passive_auth import TrustStore

    folder = config.card.trust_dir
    if folder is None and config.card.backend == "emulated":
        from devices.card.emulated.pki import TEST_TRUST_DIR

        folder = TEST_TRUST_DIR
    todo = "put the CSCA certificates (*.pem, *.crt, *.cer, *.der) there and set card.trust_dir"
    if folder is None:
        return Check("trust store", False, f"card.trust_dir is not set: {todo}")
    if not Path(folder).is_dir():
        return Check("trust store", False, f"{folder} is not a folder: {todo}")
    try:
        count = len(TrustStore.from_folder(folder).certificates)
    except OSError as exc:
        return Check("trust store", False, f"{folder} cannot be read ({exc.strerror or exc})")
    if count == 0:
        return Check("trust store", False, f"{folder} holds no CSCA certificate: {todo}")
    return Check("trust store", True, f"{count} CSCA certificate(s) in {folder}")


def service_checks(config: Config) -> list[Check]:
    """What the kiosk checks at start and every `HEALTH_EVERY_S`: storage and keys."""
    pages = database_pages(config)
    checks = [pages, free_disk(config)]
    if Capability.LOOKUP not in pages.blocks:  # unreadable: no sealed row to open
        checks.append(sealed_data(config))
    checks.append(slip_signing(config))
    return checks


def worker_unreachable(exc: BaseException) -> Health:
    """What the kiosk knows while no station worker answers (`kiosk.app.channel`): it can store
    and look up nothing."""
    detail = f"the station worker does not answer ({exc}): see `systemctl status kiosk-worker`"
    return Health.of([Check("storage", False, detail, _STORAGE_AND_LOOKUP)])


def kiosk_health(config: Config, opened: Sequence[Callable[[], object]]) -> Health:
    """The kiosk's pass: its own storage and signer opened as a submission opens them (schema
    made, keys checked against the database), then `service_checks`. What cannot be opened
    stops both applications and lookups: the kiosk has nothing to look them up with."""
    checks: list[Check] = []
    for open_it in opened:
        try:
            open_it()
        except Exception as exc:
            checks.append(Check("storage", False, _reason(exc, config.database_url), _STORAGE_AND_LOOKUP))
            break
    return Health.of([*checks, *service_checks(config)])
