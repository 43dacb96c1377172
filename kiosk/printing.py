"""The durable print queue: every receipt is stored before it is printed, and kept until it is.

`enqueue` is a quick database write (the UI thread may call it, or the submission worker right
after storing the dossier). `print_pending` runs in the background: it prints queued receipts in
order and, when the printer cannot take one (paper out, offline, queue stopped), records the error
on the job and stops the pass — the job stays queued and the next pass (the print worker's timer,
or an officer after changing the roll) prints it. Nothing is lost by a printer fault or a restart.

A receipt carries the citizen's name, so it is stored sealed (`kiosk.sealing`), with the tracking
code in the clear for officers' reprints.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.models import PrintJobRow
from kiosk import trackcode
from kiosk.ports.printer import Printer, PrinterError, PrinterErrorReason, PrintJob
from kiosk.receipt import Receipt
from kiosk.sealing import Sealer, SealError

log = logging.getLogger(__name__)

_MAX_ERROR_CHARS = 2000
_CODE_CHARS = 16  # print_jobs.tracking_code


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def canonical_code(code: str) -> str:
    """The tracking code as stored: "7k3qx m9t2b" -> "7K3QXM9T2B" (Crockford aliases too for a
    valid code; anything else only loses spaces and hyphens and is upper-cased)."""
    return trackcode.normalize(code) or "".join(code.split()).replace("-", "").upper()[:_CODE_CHARS]


def receipt_to_json(receipt: Receipt) -> dict[str, Any]:
    data = asdict(receipt)
    data["submitted_at"] = receipt.submitted_at.isoformat()
    data["lines"] = [list(pair) for pair in receipt.lines]
    return data


def receipt_from_json(data: dict[str, Any]) -> Receipt:
    fields = dict(data)
    fields["submitted_at"] = dt.datetime.fromisoformat(fields["submitted_at"])
    fields["lines"] = [(str(label), str(value)) for label, value in fields.get("lines", [])]
    return Receipt(**fields)


def _context(tracking_code: str) -> bytes:
    return b"print:" + tracking_code.encode()


@dataclass(frozen=True)
class PendingPrint:
    """A queued receipt, as an officer's screen or `kiosk doctor` lists it (nothing decrypted)."""

    job_id: int
    tracking_code: str
    created_at: dt.datetime
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class PrintReport:
    """One pass: how many printed, and the printer error that stopped the pass (None: queue empty)."""

    printed: int = 0
    error: PrinterError | None = None
    skipped: int = 0  # jobs whose stored receipt cannot be opened (left queued, logged)


class PrintQueue:
    """Receipts waiting for the printer, in one database with the dossiers.

    `printer_factory` is asked for the printer on every pass (the composition root's `Lazy`);
    passes are serialised by a lock, so two workers never print the same job.
    """

    def __init__(
        self,
        engine: Engine,
        sealer: Sealer,
        printer_factory: Callable[[], Printer],
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self._engine = engine
        self._sealer = sealer
        self._printer_factory = printer_factory
        self._clock = clock
        self._lock = threading.Lock()

    # --- queueing ---------------------------------------------------------------------------------

    def enqueue(self, receipt: Receipt, now: dt.datetime | None = None) -> int:
        """Store `receipt` for printing; returns the job id. Does not print."""
        code = canonical_code(receipt.tracking_code)
        payload = self._sealer.seal(receipt_to_json(receipt), context=_context(code))
        with Session(self._engine) as session, session.begin():
            row = PrintJobRow(
                tracking_code=code,
                created_at=now or self._clock(),
                attempts=0,
                last_error=None,
                printed_at=None,
                payload=payload,
            )
            session.add(row)
            session.flush()
            return row.id

    def reprint(self, tracking_code: str, now: dt.datetime | None = None) -> int:
        """Queue the newest stored receipt for `tracking_code` again (an officer's reprint).

        Raises `LookupError` when no receipt was ever queued for that code, `SealError` when the
        stored one cannot be opened (another station's key).
        """
        code = canonical_code(tracking_code)
        with Session(self._engine) as session:
            row = session.scalars(
                select(PrintJobRow)
                .where(PrintJobRow.tracking_code == code)
                .order_by(PrintJobRow.id.desc())
                .limit(1)
            ).one_or_none()
            if row is None:
                raise LookupError(f"no receipt was printed or queued for {tracking_code!r}")
            receipt = receipt_from_json(self._sealer.open(row.payload, context=_context(code)))
        return self.enqueue(receipt, now)

    def pending(self, limit: int = 100) -> list[PendingPrint]:
        """Jobs not printed yet, oldest first."""
        query = (
            select(
                PrintJobRow.id,
                PrintJobRow.tracking_code,
                PrintJobRow.created_at,
                PrintJobRow.attempts,
                PrintJobRow.last_error,
            )
            .where(PrintJobRow.printed_at.is_(None))
            .order_by(PrintJobRow.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [PendingPrint(*row) for row in conn.execute(query)]

    # --- printing ---------------------------------------------------------------------------------

    def print_next(self, now: dt.datetime | None = None) -> PrintReport:
        """Print the oldest readable queued job, if any (a pass of at most one job)."""
        return self.print_pending(now, limit=1)

    def print_pending(self, now: dt.datetime | None = None, limit: int = 100) -> PrintReport:
        """Print queued jobs in order until the queue is empty, `limit` are printed, or the
        printer fails; the failing job keeps its place with the error recorded. Never raises for
        printer faults: the report says what stopped the pass."""
        with self._lock:
            return self._pass(now, limit)

    def print_receipt(self, receipt: Receipt) -> PrintJob:
        """Queue `receipt` and print what is queued, this one included; raise `PrinterError` if it
        did not print (it stays queued). Lets the queue stand where a `Printer` is expected."""
        job_id = self.enqueue(receipt)
        report = self.print_pending()
        with self._engine.connect() as conn:
            printed = conn.scalar(select(PrintJobRow.printed_at).where(PrintJobRow.id == job_id))
        if printed is None:
            raise report.error or PrinterError(PrinterErrorReason.FAILED, "receipt still queued")
        return PrintJob(completed=True, job_id=f"print-job-{job_id}")

    def _pass(self, now: dt.datetime | None, limit: int) -> PrintReport:
        printed = skipped = 0
        after = 0  # job ids already tried in this pass (unreadable ones are stepped over)
        while printed < limit:
            with Session(self._engine) as session:
                row = session.scalars(
                    select(PrintJobRow)
                    .where(PrintJobRow.printed_at.is_(None), PrintJobRow.id > after)
                    .order_by(PrintJobRow.id)
                    .limit(1)
                ).one_or_none()
                if row is None:
                    return PrintReport(printed, None, skipped)
                job_id, code, payload = row.id, row.tracking_code, row.payload
            after = job_id
            try:
                receipt = receipt_from_json(self._sealer.open(payload, context=_context(code)))
            except (SealError, KeyError, TypeError, ValueError) as exc:
                # Never printable with this key: keep the row for an officer, don't block the rest.
                log.error("print job %s (%s) cannot be read: %s", job_id, code, exc)
                self._mark_failed(job_id, f"stored receipt cannot be read: {exc}")
                skipped += 1
                continue
            try:
                self._printer_factory().print_receipt(receipt)
            except PrinterError as exc:
                log.warning("print job %s (%s) not printed: %s", job_id, code, exc)
                self._mark_failed(job_id, str(exc))
                return PrintReport(printed, exc, skipped)
            except Exception as exc:  # a printer bug or a bad config: same outcome for the citizen
                log.exception("print job %s (%s) failed", job_id, code)
                error = PrinterError(PrinterErrorReason.FAILED, f"{type(exc).__name__}: {exc}")
                self._mark_failed(job_id, str(error))
                return PrintReport(printed, error, skipped)
            self._mark_printed(job_id, now or self._clock())
            printed += 1
        return PrintReport(printed, None, skipped)

    def _mark_printed(self, job_id: int, now: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(PrintJobRow)
                .where(PrintJobRow.id == job_id)
                .values(printed_at=now, attempts=PrintJobRow.attempts + 1, last_error=None)
            )

    def _mark_failed(self, job_id: int, error: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(PrintJobRow)
                .where(PrintJobRow.id == job_id)
                .values(attempts=PrintJobRow.attempts + 1, last_error=error[:_MAX_ERROR_CHARS])
            )
