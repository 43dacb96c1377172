"""The print policy: every receipt is stored before it is printed, and kept until it is.

A citizen's receipt is queued in the same transaction as their dossier (`DossierStore.submit`),
then printed by `print_for_citizen`: that job and no other. A printer fault (paper out, offline,
queue stopped) records the error on the job and keeps it queued. Nothing is lost by a printer
fault or a restart, and nobody else's receipt comes out of the tray.

Who prints a job that is left waiting:
- while its citizen is still at the kiosk (the done screen, until the session is wiped), the
  station worker retries it (`retry_for_citizen`) and the done screen learns it printed;
- once the citizen has gone (`citizen_left`, at the session reset; or the kiosk restarted), it
  waits for an officer: `kiosk print again` (`print_pending`, every waiting receipt in order) or
  a reprint by code. The worker never prints it by itself, so it cannot reach the next citizen.

A receipt carries the citizen's name, so it is stored sealed (`kiosk.sealing`), with the
tracking code in the clear for officers' reprints.

Jobs belong to a kiosk (the repository is this kiosk's), and every print first claims its job in
the database (`PrintJobRepository.claim`), held for `LEASE` and dropped once the outcome is
recorded: two passes (the worker's retry and an officer's `kiosk print again`, or two kiosks on one
database) never print the same receipt. A pass killed mid-print leaves its claim to expire.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from kiosk import trackcode
from kiosk.ports.clock import Clock
from kiosk.ports.printer import Printer, PrinterError, PrinterErrorReason, PrintJob
from kiosk.ports.storage import (
    MAX_ERROR_CHARS,
    NewPrintJob,
    PendingPrint,
    PrintJobRepository,
    StoredPrintJob,
)
from kiosk.receipt import Receipt

if TYPE_CHECKING:  # the kiosk's UI process imports this module's names, never the sealing crypto
    from kiosk.sealing import Sealer

log = logging.getLogger(__name__)

_CODE_CHARS = 16  # print_jobs.tracking_code

# How long a claim holds a job. Far longer than a print (the printers time out within a minute),
# short enough that a receipt whose pass died waits minutes, not hours, for the next pass.
LEASE = dt.timedelta(minutes=5)


def pass_owner() -> str:
    """Who claims jobs: this process, told apart from others on the host and from a restarted
    process that got the same pid."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


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
    data["result_due"] = receipt.result_due.isoformat() if receipt.result_due else None
    return data


def receipt_from_json(data: dict[str, Any]) -> Receipt:
    fields = dict(data)
    fields["submitted_at"] = dt.datetime.fromisoformat(fields["submitted_at"])
    fields["lines"] = [(str(label), str(value)) for label, value in fields.get("lines", [])]
    due = fields.get("result_due")  # absent from receipts queued before it existed
    fields["result_due"] = dt.date.fromisoformat(due) if due else None
    return Receipt(**fields)


def receipt_context(tracking_code: str) -> bytes:
    """The associated data a receipt is sealed with: its tracking code, apart from dossiers' own."""
    return b"print:" + tracking_code.encode()


def seal_receipt(sealer: Sealer, receipt: Receipt, now: dt.datetime) -> NewPrintJob:
    """The print job for `receipt`, sealed for its tracking code."""
    code = canonical_code(receipt.tracking_code)
    return NewPrintJob(code, now, sealer.seal(receipt_to_json(receipt), context=receipt_context(code)))


@dataclass(frozen=True)
class PrintReport:
    """One pass: how many printed, and the printer error that stopped the pass (None: queue empty)."""

    printed: int = 0
    error: PrinterError | None = None
    skipped: int = 0  # jobs whose stored receipt cannot be opened (left queued, logged)

    @property
    def idle(self) -> bool:
        """Nothing was waiting."""
        return not (self.printed or self.skipped or self.error)


class PrintQueue:
    """Receipts waiting for the printer, over a `PrintJobRepository`.

    `printer_factory` is asked for the printer on every print (the composition root's `Lazy`).
    Each print claims its job for `owner` first (see the module's doc); within this process a lock
    serialises printing too, so the printer gets one receipt at a time.
    """

    def __init__(
        self,
        jobs: PrintJobRepository,
        sealer: Sealer,
        printer_factory: Callable[[], Printer],
        clock: Clock = _utcnow,
        owner: str | None = None,
    ) -> None:
        self._jobs = jobs
        self._sealer = sealer
        self._printer_factory = printer_factory
        self._clock = clock
        self.owner = owner or pass_owner()
        self._lock = threading.Lock()  # held while printing
        # Jobs whose citizen is still at the kiosk -> told when the job prints on a retry.
        # In memory on purpose: a restart forgets them, and then they wait for an officer.
        self._attended: dict[int, Callable[[], None]] = {}
        self._attended_lock = threading.Lock()  # never held while printing (the UI thread takes it)

    # --- queueing ---------------------------------------------------------------------------------

    def enqueue(self, receipt: Receipt, now: dt.datetime | None = None) -> int:
        """Store `receipt` for printing; returns the job id. Does not print."""
        return self._jobs.add(seal_receipt(self._sealer, receipt, now or self._clock()))

    def reprint(self, tracking_code: str, now: dt.datetime | None = None) -> int:
        """Queue the newest stored receipt for `tracking_code` again (an officer's reprint).

        Raises `LookupError` when no receipt was ever queued for that code, `SealError` when the
        stored one cannot be opened (another station's key).
        """
        job = self._jobs.latest(canonical_code(tracking_code))
        if job is None:
            raise LookupError(f"no receipt was printed or queued for {tracking_code!r}")
        return self.enqueue(self._receipt(job), now)

    def pending(self, limit: int = 100) -> list[PendingPrint]:
        """Jobs not printed yet, oldest first."""
        return self._jobs.pending(limit)

    # --- a citizen's own receipt ------------------------------------------------------------------

    def print_job(self, job_id: int, now: dt.datetime | None = None) -> PrintJob:
        """Print this one job, unless it has printed already. Raises `PrinterError` if it does not
        print (it stays queued, the error recorded; or another pass holds it), `LookupError` for an
        unknown job."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise LookupError(f"no print job {job_id}")
            if job.printed_at is None:
                at = now or self._clock()
                if not self._jobs.claim(job_id, self.owner, at, at + LEASE):
                    job = self._jobs.get(job_id)
                    if job is None:
                        raise LookupError(f"no print job {job_id}")
                    if job.printed_at is None:  # another pass is printing it (or another kiosk's)
                        raise PrinterError(
                            PrinterErrorReason.FAILED,
                            "this receipt is held by another print pass (or is another kiosk's)",
                        )
                    return PrintJob(completed=True, job_id=f"print-job-{job_id}")
                receipt = self._readable(job)
                if receipt is None:
                    raise PrinterError(PrinterErrorReason.FAILED, "the stored receipt cannot be read")
                error = self._print(job, receipt, now)
                if error is not None:
                    raise error
        return PrintJob(completed=True, job_id=f"print-job-{job_id}")

    def print_for_citizen(self, job_id: int, on_late_print: Callable[[], None]) -> PrintJob:
        """The citizen's print: `print_job`, and if it fails, the job is retried by the worker
        (`retry_for_citizen`) until `citizen_left`; `on_late_print` is called (on the worker's
        thread) if a retry prints it."""
        try:
            return self.print_job(job_id)
        except PrinterError:
            with self._attended_lock:
                self._attended[job_id] = on_late_print
            raise

    def citizen_left(self) -> None:
        """The session was wiped: what did not print waits for an officer from now on."""
        with self._attended_lock:
            self._attended.clear()

    def retry_for_citizen(self, now: dt.datetime | None = None) -> PrintReport:
        """The worker's print task: retry the receipts of citizens still at the kiosk, only those."""
        with self._attended_lock:
            waiting = list(self._attended)
        printed = 0
        for job_id in waiting:
            with self._attended_lock:
                if job_id not in self._attended:
                    continue  # the citizen left while an earlier job printed
            try:
                self.print_job(job_id, now)
                done = True
            except PrinterError as exc:
                return PrintReport(printed, exc)
            except LookupError:  # purged meanwhile: nothing left to print
                log.warning("print job %s vanished while its citizen waited", job_id)
                done = False
            with self._attended_lock:
                told = self._attended.pop(job_id, None)  # None: the citizen has just left
            if done:
                printed += 1
                if told is not None:
                    told()
        return PrintReport(printed)

    # --- an officer's pass ------------------------------------------------------------------------

    def print_next(self, now: dt.datetime | None = None) -> PrintReport:
        """Print the oldest readable queued job, if any (a pass of at most one job)."""
        return self.print_pending(now, limit=1)

    def print_pending(self, now: dt.datetime | None = None, limit: int = 100) -> PrintReport:
        """Print every waiting job in order (an officer asked: `kiosk print again`) until the queue
        is empty, `limit` are printed, or the printer fails; the failing job keeps its place with
        the error recorded. Never raises for printer faults: the report says what stopped the pass."""
        printed = skipped = 0
        after = 0  # job ids already tried in this pass (unreadable ones are stepped over)
        with self._lock:
            while printed < limit:
                at = now or self._clock()
                job = self._jobs.claim_next(after, self.owner, at, at + LEASE)
                if job is None:
                    break
                after = job.job_id
                receipt = self._readable(job)
                if receipt is None:
                    skipped += 1
                    continue
                error = self._print(job, receipt, now)
                if error is not None:
                    return PrintReport(printed, error, skipped)
                printed += 1
        return PrintReport(printed, None, skipped)

    # --- internals --------------------------------------------------------------------------------

    def _receipt(self, job: StoredPrintJob) -> Receipt:
        return receipt_from_json(self._sealer.open(job.payload, context=receipt_context(job.tracking_code)))

    def _readable(self, job: StoredPrintJob) -> Receipt | None:
        from kiosk.sealing import SealError

        try:
            return self._receipt(job)
        except (SealError, KeyError, TypeError, ValueError) as exc:
            # Never printable with this key: keep the row for an officer, don't block the rest.
            log.error("print job %s (%s) cannot be read: %s", job.job_id, job.tracking_code, exc)
            self._jobs.mark_failed(
                job.job_id, self.owner, f"stored receipt cannot be read: {exc}"[:MAX_ERROR_CHARS]
            )
            return None

    def _print(self, job: StoredPrintJob, receipt: Receipt, now: dt.datetime | None) -> PrinterError | None:
        """Print one claimed job and record the outcome (dropping the claim); the error if it did
        not print."""
        try:
            self._printer_factory().print_receipt(receipt)
        except PrinterError as exc:
            log.warning("print job %s (%s) not printed: %s", job.job_id, job.tracking_code, exc)
            error = exc
        except Exception as exc:  # a printer bug or a bad config: same outcome for the citizen
            log.exception("print job %s (%s) failed", job.job_id, job.tracking_code)
            error = PrinterError(PrinterErrorReason.FAILED, f"{type(exc).__name__}: {exc}")
        else:
            self._jobs.mark_printed(job.job_id, self.owner, now or self._clock())
            return None
        self._jobs.mark_failed(job.job_id, self.owner, str(error)[:MAX_ERROR_CHARS])
        return error
