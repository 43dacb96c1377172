"""The durable submission queue: dossiers stored sealed, each with outbox rows to deliver.

A citizen's submission is safe once `DossierStore.submit` returns: the dossier, its outbox rows
and its receipt's print job are committed in one transaction (`DossierRepository.add`), so the
receipt printed next is never for something that was not stored, and a stored dossier always
has its receipt queued. Delivery to the configured target happens later (`deliver_pending`, a
task of the station worker, `kiosk.worker`) and retries with exponential backoff while the
target cannot be reached.

Personal data is sealed here, in the core, before it reaches the repository: the repository
stores bytes it cannot read, and what is sealed with which context is decided in one place.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kiosk.blind_index import BlindIndex
from kiosk.dossier import Dossier, StoredDossier, TrackingCodeConflict
from kiosk.dossier_photo import Photo, open_photo, seal_photo
from kiosk.identity_note import seal_identity
from kiosk.ports.clock import Clock
from kiosk.ports.storage import MAX_ERROR_CHARS, DossierRepository, OutboxItem, SealedDossier
from kiosk.ports.target import DeliveryDeferred, DeliveryRejected, DossierSource, SubmissionTarget
from kiosk.printing import seal_receipt
from kiosk.receipt import Receipt
from kiosk.sealing import Sealer, SealError

log = logging.getLogger(__name__)

LOCAL_TARGET = "local"
# A row the target refused (`DeliveryRejected`) is tried again this rarely: an officer may have
# fixed the cause (a re-enrolled station), and it never holds up the rows behind it.
REJECTED_RETRY = dt.timedelta(hours=6)
# How a row's `last_error` starts when the target refused it (`deliver_pending` writes the
# exception's type): what is waiting for a rejected dossier must not wait for it (`rejection`).
REJECTED = f"{DeliveryRejected.__name__}: "


def rejection(last_error: str | None) -> str | None:
    """The target's reason if an undelivered outbox row was refused by it (not just deferred)."""
    if last_error is None or not last_error.startswith(REJECTED):
        return None
    return last_error[len(REJECTED) :]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json_equal(a: Any, b: Any) -> bool:
    # Compare as stored: tuples become lists, and so on.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def seal_dossier(
    sealer: Sealer, dossier: Dossier, now: dt.datetime, index: BlindIndex | None
) -> SealedDossier:
    """The stored form of a new dossier: its personal data sealed (the tracking code as context),
    its card photo sealed apart, and the blind index the console searches by. The one way a
    dossier is sealed, at a station (`DossierStore.submit`) and at the province hub
    (`hub.service.Hub.submit`, with the hub's own keys)."""
    code = dossier.tracking_code
    consented = dossier.consented_at.isoformat() if dossier.consented_at else None
    payload = sealer.seal(
        {"fields": dossier.fields, "holder": dossier.holder, "consented_at": consented},
        context=code.encode(),
    )
    sealed = SealedDossier(
        tracking_code=code,
        service_code=dossier.service_code,
        service_version=dossier.service_version,
        station_id=dossier.station_id,
        status="received",
        submitted_at=dossier.submitted_at,
        updated_at=now,
        fee_amount=dossier.fee_amount,
        payment_status="unpaid" if dossier.fee_amount else "not_required",
        payload=payload,
        photo=seal_photo(sealer, code, dossier.photo) if dossier.photo else None,
    )
    if index is None:
        return sealed
    indexed = index.of_holder(dossier.holder)
    return replace(sealed, name_index=indexed.name_index, id_index=indexed.id_index)


class DossierStore:
    """Dossiers and their outbox over a `DossierRepository`, sealed with this station's key.

    `targets` are the outbox rows a submission gets: the configured `submission.target`.
    `index` makes the blind index the console searches by (`kiosk.blind_index`); without it a
    dossier is stored unindexed (`kiosk index rebuild` indexes it later).
    """

    def __init__(
        self,
        repository: DossierRepository,
        sealer: Sealer,
        clock: Clock = _utcnow,
        targets: Sequence[str] = (LOCAL_TARGET,),
        index: BlindIndex | None = None,
    ) -> None:
        self._repository = repository
        self._sealer = sealer
        self._clock = clock
        self._targets = tuple(targets)
        self._index = index

    # --- dossiers -------------------------------------------------------------------------

    def submit(
        self, dossier: Dossier, receipt: Receipt | None = None, targets: Sequence[str] | None = None
    ) -> int | None:
        """Store `dossier`, queue it for the targets and queue `receipt` for printing, atomically;
        returns the print job's id (None without a receipt).

        Submitting the same dossier again (a retry after a crash or a double tap) changes nothing
        and is not an error; submitting it for another target queues it there too. A *different*
        dossier with the same tracking code raises `TrackingCodeConflict`.
        """
        now = self._clock()
        sealed = seal_dossier(self._sealer, dossier, now, self._index)
        print_job = None if receipt is None else seal_receipt(self._sealer, receipt, now)
        return self._repository.add(
            sealed,
            self._targets if targets is None else tuple(targets),
            now,
            check_same=lambda existing: self._check_same(existing, dossier),
            print_job=print_job,
        )

    def mark_session(
        self, tracking_code: str, *, assisted_by: str, identity_check: str, session_seconds: int
    ) -> None:
        """The kiosk's marks on a stored dossier: the officer who assisted (assist mode), how they
        checked identity (the way in clear, the officer's note sealed: `kiosk.identity_note`), and
        the session's length."""
        way, sealed = seal_identity(self._sealer, tracking_code, identity_check)
        self._repository.set_session_marks(
            tracking_code,
            assisted_by=assisted_by or None,
            identity_check=way,
            identity_sealed=sealed,
            session_seconds=session_seconds,
        )

    def _check_same(self, existing: SealedDossier, dossier: Dossier) -> None:
        stored = self._open(existing)
        if stored.dossier is None:
            raise TrackingCodeConflict(
                f"tracking code {existing.tracking_code} is taken by a row that cannot be read"
            )
        old = stored.dossier
        same = (
            old.service_code == dossier.service_code
            and old.service_version == dossier.service_version
            and old.station_id == dossier.station_id
            and old.submitted_at == dossier.submitted_at
            and _json_equal(old.fields, dossier.fields)
            and _json_equal(old.holder, dossier.holder)
        )
        if not same:
            raise TrackingCodeConflict(
                f"tracking code {existing.tracking_code} already belongs to another dossier"
            )

    def get(self, tracking_code: str) -> StoredDossier | None:
        """The stored dossier for a canonical tracking code (see `kiosk.trackcode.normalize`)."""
        sealed = self._repository.get(tracking_code)
        return None if sealed is None else self._open(sealed)

    def _open(self, row: SealedDossier) -> StoredDossier:
        dossier: Dossier | None = None
        problem: str | None = None
        try:
            data = self._sealer.open(row.payload, context=row.tracking_code.encode())
            dossier = Dossier(
                tracking_code=row.tracking_code,
                service_code=row.service_code,
                service_version=row.service_version,
                station_id=row.station_id,
                submitted_at=row.submitted_at,
                fields=dict(data["fields"]),
                holder=dict(data["holder"]),
                consented_at=(
                    dt.datetime.fromisoformat(data["consented_at"]) if data.get("consented_at") else None
                ),
                fee_amount=row.fee_amount,
            )
        except (SealError, KeyError, TypeError, ValueError) as exc:
            problem = (
                f"dossier {row.tracking_code} (row {row.row_id}) cannot be read: {exc}. The row is "
                "kept unchanged; check that this station uses its own key file."
            )
            log.error("%s", problem)
        return StoredDossier(
            tracking_code=row.tracking_code,
            status=row.status,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
            dossier=dossier,
            problem=problem,
            fee_amount=row.fee_amount,
            payment_status=row.payment_status,
            note_for_citizen=row.note_for_citizen,
        )

    def photo(self, tracking_code: str) -> Photo | None:
        """The dossier's card photo, opened (a remote target sends it); None when it has none,
        or when it cannot be opened (logged: the dossier itself still goes)."""
        sealed = self._repository.photo(tracking_code)
        if sealed is None:
            return None
        try:
            return open_photo(self._sealer, tracking_code, sealed)
        except SealError as exc:
            log.error("the photo of dossier %s cannot be read: %s", tracking_code, exc)
            return None

    def status(self, tracking_code: str) -> str | None:
        """The dossier's status, by the unique index on tracking codes; no decryption."""
        return self._repository.status(tracking_code)

    # --- outbox ---------------------------------------------------------------------------

    def pending(self, limit: int = 100, now: dt.datetime | None = None) -> list[OutboxItem]:
        """Unsent outbox rows due at `now`, oldest due first."""
        return self._repository.due(limit, now or self._clock())

    def backlog(self) -> int:
        """How many outbox rows are not delivered yet, due or not (for `kiosk doctor`)."""
        return self._repository.backlog()

    def mark_sent(self, outbox_id: int, now: dt.datetime | None = None) -> None:
        self._repository.mark_sent(outbox_id, now or self._clock())

    def mark_failed(self, outbox_id: int, error: str, retry_at: dt.datetime) -> None:
        self._repository.mark_failed(outbox_id, error[:MAX_ERROR_CHARS], retry_at)


# --- delivery -----------------------------------------------------------------------------


class LocalTarget:
    """The station database itself: officers process the dossier here, so it is delivered the
    moment it is stored."""

    def deliver(self, item: OutboxItem, source: DossierSource) -> None:
        return None


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0

    @property
    def idle(self) -> bool:
        """Nothing was due."""
        return not (self.sent or self.failed)


def backoff_delay(
    attempts: int,
    base: dt.timedelta = dt.timedelta(seconds=30),
    cap: dt.timedelta = dt.timedelta(hours=1),
) -> dt.timedelta:
    """Wait after the (attempts+1)-th failure: base, 2*base, 4*base... at most `cap`."""
    return min(cap, base * 2 ** min(attempts, 30))


def jittered(delay: dt.timedelta) -> dt.timedelta:
    """Between half and all of `delay`, at random: stations cut off together by one outage do not
    all come back in the same second."""
    return delay * random.uniform(0.5, 1.0)


def deliver_pending(
    store: DossierStore,
    targets: Mapping[str, SubmissionTarget],
    now: dt.datetime,
    *,
    limit: int = 100,
    delay: Callable[[int], dt.timedelta] = backoff_delay,
    jitter: Callable[[dt.timedelta], dt.timedelta] = lambda d: d,
) -> DeliveryReport:
    """One pass over the due outbox rows. Each failure is recorded on its row, never raised:
    one bad target or dossier must not hold up the others. A row for a target that is not
    configured (any more) is kept and retried like a failure, so nothing is dropped. A row the
    target rejected keeps the reason and waits `REJECTED_RETRY`; a deferred one waits at least
    the target's hint."""
    sent = failed = 0
    for item in store.pending(limit, now):
        target = targets.get(item.target)
        try:
            if target is None:
                raise LookupError(f"no submission target {item.target!r} is configured")
            target.deliver(item, store)
        except Exception as exc:
            log.warning("delivery of %s to %s failed: %s", item.tracking_code, item.target, exc)
            wait = jitter(delay(item.attempts))
            error = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, DeliveryRejected):
                wait, error = REJECTED_RETRY, f"{REJECTED}{exc}"
            elif isinstance(exc, DeliveryDeferred) and exc.retry_after is not None:
                wait = max(wait, exc.retry_after)
            store.mark_failed(item.outbox_id, error, now + wait)
            failed += 1
        else:
            store.mark_sent(item.outbox_id, now)
            sent += 1
    return DeliveryReport(sent=sent, failed=failed)
