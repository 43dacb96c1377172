"""`FakePrinter`: an in-memory printer for tests (not a `printer.backend`: demo mode prints PDFs).

The test sets the status (paper out, offline...) and reads back what was printed. Receipts are
really rendered, so bad receipt data fails here as it would on a real printer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from devices.printer.receipt_pdf import render_receipt_pdf
from kiosk.ports.printer import Printer, PrinterError, PrinterState, PrinterStatus, PrintJob
from kiosk.receipt import Receipt


@dataclass(frozen=True)
class FakePrint:
    receipt: Receipt
    pdf: bytes


class FakePrinter(Printer):
    def __init__(self, status: PrinterStatus | None = None) -> None:
        self._lock = threading.Lock()  # prints come from a worker thread, status from the test
        self._status = status or PrinterStatus(PrinterState.READY)
        self._printed: list[FakePrint] = []

    def set_status(self, status: PrinterStatus) -> None:
        with self._lock:
            self._status = status

    @property
    def printed(self) -> list[FakePrint]:
        with self._lock:
            return list(self._printed)

    def status(self) -> PrinterStatus:
        with self._lock:
            return self._status

    def describe(self) -> str:
        return "fake printer (in memory, nothing printed)"

    def print_receipt(self, receipt: Receipt) -> PrintJob:
        status = self.status()
        if not status.ready:
            raise PrinterError.from_status(status)
        pdf = render_receipt_pdf(receipt)
        with self._lock:
            self._printed.append(FakePrint(receipt, pdf))
            job_id = f"fake-{len(self._printed)}"
        return PrintJob(completed=True, job_id=job_id)
