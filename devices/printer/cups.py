"""`CupsPrinter`: the receipt PDF sent to a CUPS queue (an office printer, or any driver CUPS has).

One print is: check the queue is ready, submit the PDF under an ASCII title, then follow the job
until CUPS reports it completed. If the queue stops (paper out, backend failure) or the printer
goes offline while our job waits, the job is cancelled in CUPS and the failure raised: the caller's
durable queue (`kiosk.printing`) keeps the receipt and prints it again later, so a receipt is
never printed twice by a CUPS job resuming on its own after an officer re-enables the queue.
Every job is purged from CUPS when done (Cancel-Job with purge-job): its spooled file holds the
citizen's name, and CUPS would otherwise keep it as long as `PreserveJobFiles` says.

A new connection is opened for every call (cheap on the local socket): no handle goes stale when
cupsd restarts, and pycups connections are not shared between threads. Every pycups error is
mapped to `PrinterError`; nothing from the library reaches the caller.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from devices.printer.receipt_pdf import render_receipt_pdf
from kiosk.ports.printer import (
    Printer,
    PrinterError,
    PrinterErrorReason,
    PrinterState,
    PrinterStatus,
    PrintJob,
)
from kiosk.receipt import Receipt

try:
    import cups
except ImportError:  # pragma: no cover - the pycups wheel needs libcups; reported on use
    cups = None

# IPP printer-state (RFC 8011 §5.4.11) and job-state (§5.3.7) values.
PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9

_STATUS_ATTRIBUTES = [
    "printer-state",
    "printer-state-reasons",
    "printer-state-message",
    "printer-is-accepting-jobs",
    "queued-job-count",
]
_JOB_ATTRIBUTES = ["job-state", "job-state-reasons", "job-printer-state-message"]
_UNSAFE_TITLE = re.compile(r"[^A-Za-z0-9_-]+")
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
_PT_PER_MM = 72 / 25.4

DEFAULT_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.2


def _reason_name(reason: str) -> str:
    """'media-empty-error' -> 'media-empty' (RFC 8011 §5.4.12: -report/-warning/-error suffixes)."""
    for suffix in ("-report", "-warning", "-error"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


def status_from_attributes(attrs: Mapping[str, Any]) -> PrinterStatus:
    """Our status from a queue's IPP attributes. Pure: tested without a server.

    Paper first (the one thing a citizen-facing screen words differently), then offline, then a
    stopped or job-refusing queue, then any other `-error` reason.
    """
    state = attrs.get("printer-state")
    reasons = attrs.get("printer-state-reasons") or []
    if isinstance(reasons, str):
        reasons = [reasons]
    reasons = [r for r in reasons if r and r != "none"]
    message = str(attrs.get("printer-state-message") or "")
    detail = "; ".join(filter(None, [message, ", ".join(reasons)]))
    names = {_reason_name(r) for r in reasons if not r.endswith("-report")}
    # media-empty (roll out), media-needed (waiting for paper), media-jam: an officer opens it.
    if names & {"media-empty", "media-needed"}:
        return PrinterStatus(PrinterState.PAPER_OUT, detail or "paper out")
    if "offline" in {_reason_name(r) for r in reasons} or names & {"shutdown", "timed-out"}:
        return PrinterStatus(PrinterState.OFFLINE, detail or "printer offline")
    if state == PRINTER_STOPPED or "paused" in names:
        return PrinterStatus(PrinterState.STOPPED, detail or "queue stopped")
    if attrs.get("printer-is-accepting-jobs") is False:
        return PrinterStatus(PrinterState.STOPPED, detail or "queue is rejecting jobs")
    if any(r.endswith("-error") for r in reasons):
        return PrinterStatus(PrinterState.ERROR, detail)
    queued = attrs.get("queued-job-count")
    busy = "printing" if state == PRINTER_PROCESSING else "idle"
    return PrinterStatus(
        PrinterState.READY, f"{busy}, {queued or 0} job(s) queued" + (f"; {detail}" if detail else "")
    )


def pdf_page_size_mm(pdf: bytes) -> tuple[float, float] | None:
    """Width and height of the first page, from its /MediaBox (reportlab writes it in clear)."""
    match = _MEDIA_BOX.search(pdf)
    if match is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return abs(x1 - x0) / _PT_PER_MM, abs(y1 - y0) / _PT_PER_MM


def ascii_title(tracking_code: str) -> str:
    """cups-pdf and some drivers mangle non-ASCII job titles: keep letters, digits, - and _."""
    code = _UNSAFE_TITLE.sub("_", tracking_code).strip("_")
    return f"kiosk-receipt-{code}" if code else "kiosk-receipt"


def _map_error(exc: BaseException, doing: str) -> PrinterError:
    """A pycups (or OS) failure as a `PrinterError` naming what we were doing."""
    if cups is not None and isinstance(exc, cups.IPPError):
        status, text = [*exc.args, None, ""][:2]
        if text == "client-error-not-found" or status == 0x0406:
            return PrinterError(PrinterErrorReason.FAILED, f"{doing}: no such CUPS queue ({text})")
        if text in ("server-error-not-accepting-jobs",) or status == 0x0506:
            return PrinterError(PrinterErrorReason.STOPPED, f"{doing}: queue not accepting jobs")
        return PrinterError(PrinterErrorReason.FAILED, f"{doing}: IPP error {status} {text}")
    if cups is not None and isinstance(exc, cups.HTTPError):
        return PrinterError(PrinterErrorReason.OFFLINE, f"{doing}: CUPS HTTP error {exc.args}")
    if isinstance(exc, RuntimeError) and "connect" in str(exc):
        return PrinterError(PrinterErrorReason.OFFLINE, f"{doing}: CUPS server not reachable ({exc})")
    if isinstance(exc, OSError):
        return PrinterError(PrinterErrorReason.NOT_WRITABLE, f"{doing}: {exc}")
    return PrinterError(PrinterErrorReason.FAILED, f"{doing}: {type(exc).__name__}: {exc}")


class CupsPrinter(Printer):
    """A CUPS queue. `queue` "" means the server's default destination.

    `server` is a host name, "host:port" is not accepted: pass `port`; a path is a unix socket
    (tests run their own cupsd on one). None: libcups' default (CUPS_SERVER, client.conf, local).
    """

    def __init__(
        self,
        queue: str = "",
        *,
        server: str | None = None,
        port: int | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        poll_s: float = POLL_INTERVAL_S,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.queue = queue
        self.server = server
        self.port = port
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._sleep = sleep
        self._monotonic = monotonic

    def describe(self) -> str:
        where = f" on {self.server}" + (f":{self.port}" if self.port else "") if self.server else ""
        return f"CUPS queue {self.queue or '(default)'}{where}"

    # --- connection -------------------------------------------------------------------------

    def _connect(self) -> Any:
        if cups is None:
            raise PrinterError(PrinterErrorReason.FAILED, "pycups is not installed")
        kwargs: dict[str, Any] = {}
        if self.server:
            kwargs["host"] = self.server
        if self.port:
            kwargs["port"] = self.port
        try:
            return cups.Connection(**kwargs)
        except Exception as exc:
            raise _map_error(exc, "connecting to CUPS") from exc

    def _queue_name(self, conn: Any) -> str:
        if self.queue:
            return self.queue
        try:
            default = conn.getDefault()
        except Exception as exc:
            raise _map_error(exc, "asking for the default queue") from exc
        if not default:
            raise PrinterError(PrinterErrorReason.FAILED, "no CUPS queue configured and no default queue")
        return str(default)

    def _attributes(self, conn: Any, queue: str, names: Iterable[str]) -> dict[str, Any]:
        try:
            return dict(conn.getPrinterAttributes(queue, requested_attributes=list(names)))
        except Exception as exc:
            raise _map_error(exc, f"reading the state of queue {queue}") from exc

    # --- Printer --------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        try:
            conn = self._connect()
            queue = self._queue_name(conn)
            return status_from_attributes(self._attributes(conn, queue, _STATUS_ATTRIBUTES))
        except PrinterError as exc:
            state = PrinterState.OFFLINE if exc.reason is PrinterErrorReason.OFFLINE else PrinterState.ERROR
            return PrinterStatus(state, exc.detail)

    def print_receipt(self, receipt: Receipt) -> PrintJob:
        try:
            pdf = render_receipt_pdf(receipt)
        except Exception as exc:  # a layout bug must still reach the UI as "could not print"
            raise PrinterError(PrinterErrorReason.FAILED, f"rendering failed: {exc!r}") from exc
        return self.print_pdf(pdf, ascii_title(receipt.tracking_code))

    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        """Submit a PDF and wait for CUPS to finish it (or fail, or `timeout_s`)."""
        conn = self._connect()
        queue = self._queue_name(conn)
        # Refuse up front rather than park a job in a stopped queue (it would print by itself
        # when re-enabled, and again from our own retry). Only a stopped or rejecting queue is
        # refused: a reason such as media-empty can outlive the fault on an enabled queue (the
        # backend clears it on its next job), so such a queue gets the job and is watched.
        attrs = self._attributes(conn, queue, _STATUS_ATTRIBUTES)
        if _halted(attrs):
            raise PrinterError.from_status(_not_ready(attrs))
        options = self._options(conn, queue, pdf)
        job_id = self._submit(conn, queue, pdf, title, options)
        return self._follow(conn, queue, job_id)

    def _options(self, conn: Any, queue: str, pdf: bytes) -> dict[str, str]:
        """A custom page exactly the receipt's size where the queue takes custom sizes (roll
        printers, cups-pdf); otherwise the queue's own paper (an office printer's A4)."""
        size = pdf_page_size_mm(pdf)
        media = self._attributes(conn, queue, ["media-supported"]).get("media-supported") or []
        if isinstance(media, str):
            media = [media]
        if size is None or not any(str(m).startswith("custom_min_") for m in media):
            return {}
        width, height = size
        return {"PageSize": f"Custom.{width:.1f}x{height:.1f}mm"}

    def _submit(self, conn: Any, queue: str, pdf: bytes, title: str, options: dict[str, str]) -> int:
        fd, path = tempfile.mkstemp(prefix="kiosk-receipt-", suffix=".pdf")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
            # printFile sends the whole file before returning: the temp file can go right after.
            return int(conn.printFile(queue, path, title, options))
        except Exception as exc:
            raise _map_error(exc, f"submitting to queue {queue}") from exc
        finally:
            os.unlink(path)

    def _follow(self, conn: Any, queue: str, job_id: int) -> PrintJob:
        deadline = self._monotonic() + self.timeout_s
        job = f"{queue}-{job_id}"
        while True:
            try:
                attrs = conn.getJobAttributes(job_id, requested_attributes=_JOB_ATTRIBUTES)
            except Exception as exc:
                raise _map_error(exc, f"following job {job}") from exc
            state = attrs.get("job-state")
            if state == JOB_COMPLETED:
                self._purge(conn, job_id)
                return PrintJob(completed=True, job_id=job)
            if state in (JOB_CANCELED, JOB_ABORTED):
                why = attrs.get("job-printer-state-message") or attrs.get("job-state-reasons") or ""
                status = self.status()
                if not status.ready:
                    raise PrinterError.from_status(status)
                raise PrinterError(PrinterErrorReason.FAILED, f"job {job} {_JOB_WORD[state]}: {why}")
            # Pending, held, processing or stopped: can the queue still finish it?
            printer = self._attributes(conn, queue, _STATUS_ATTRIBUTES)
            if _halted(printer) or state == JOB_STOPPED:
                self._cancel(conn, job_id)
                raise PrinterError.from_status(_not_ready(printer))
            if self._monotonic() >= deadline:
                self._cancel(conn, job_id)
                status = status_from_attributes(printer)
                if not status.ready:  # e.g. an IPP printer holding the job while out of paper
                    raise PrinterError.from_status(status)
                raise PrinterError(
                    PrinterErrorReason.TIMEOUT,
                    f"job {job} not finished after {self.timeout_s:g} s (state {state}); cancelled",
                )
            self._sleep(self.poll_s)

    def _cancel(self, conn: Any, job_id: int) -> None:
        """Best effort: the job is retried from our own queue, never resumed by CUPS, and its
        spooled file (the citizen's receipt) is purged with it."""
        with contextlib.suppress(Exception):  # already finished or gone: nothing left to cancel
            conn.cancelJob(job_id, purge_job=True)

    def _purge(self, conn: Any, job_id: int) -> None:
        """Drop a finished job's spooled file and history now, whatever `PreserveJobFiles` and
        `PreserveJobHistory` say (CUPS keeps them a day by default; systemd/README.md). Best
        effort: the receipt is printed either way."""
        with contextlib.suppress(Exception):
            conn.cancelJob(job_id, purge_job=True)


_JOB_WORD = {JOB_CANCELED: "was cancelled", JOB_ABORTED: "was aborted"}


def _halted(attrs: Mapping[str, Any]) -> bool:
    """The queue will not print anything until someone acts: stopped (state 5) or rejecting."""
    return attrs.get("printer-state") == PRINTER_STOPPED or attrs.get("printer-is-accepting-jobs") is False


def _not_ready(attrs: Mapping[str, Any]) -> PrinterStatus:
    """The status of a halted queue, never READY (a stopped queue with no reason is STOPPED)."""
    status = status_from_attributes(attrs)
    return status if not status.ready else PrinterStatus(PrinterState.STOPPED, status.message)
