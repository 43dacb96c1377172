"""`PdfPrinter`: receipts as PDF files in a folder (demo kiosks, tests, an archive of slips).

Each file appears whole or not at all (written to a temp file in the same folder, then renamed),
so a watcher or a later CUPS/archive step never picks up half a PDF. A receipt holds the
citizen's name and answers: files are 0600 in a 0700 folder, temp files a crash left behind are
removed when the printer is made, and `kiosk purge` removes receipts past `retention.days`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

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
from kiosk.retention import remove_partial_receipts

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class PdfPrinter(Printer):
    def __init__(self, out_dir: Path, *, clock: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        self.out_dir = Path(out_dir)
        self._clock = clock  # injectable so tests can pin the file name
        remove_partial_receipts(self.out_dir)

    def describe(self) -> str:
        return f"PDF files in {self.out_dir}"

    def status(self) -> PrinterStatus:
        try:
            self._probe()
        except OSError as exc:
            return PrinterStatus(
                PrinterState.ERROR, f"cannot write receipts to {self.out_dir}: {_why(exc)}"
            )
        return PrinterStatus(PrinterState.READY, f"writing to {self.out_dir}")

    def print_receipt(self, receipt: Receipt) -> PrintJob:
        try:
            pdf = render_receipt_pdf(receipt)
        except Exception as exc:  # a layout bug must still reach the UI as "could not print"
            raise PrinterError(PrinterErrorReason.FAILED, f"rendering failed: {exc!r}") from exc
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self._write(pdf, self._file_name(receipt.tracking_code))
        except OSError as exc:
            raise PrinterError(
                PrinterErrorReason.NOT_WRITABLE, f"{self.out_dir}: {_why(exc)}"
            ) from exc
        return PrintJob(completed=True, path=path)

    def _file_name(self, tracking_code: str) -> str:
        code = _UNSAFE.sub("_", tracking_code).strip("_") or "receipt"
        stamp = self._clock().strftime("%Y%m%d-%H%M%S")
        name = f"{code}-{stamp}.pdf"
        # A reprint within the same second must not replace the first file.
        counter = 1
        while (self.out_dir / name).exists():
            counter += 1
            name = f"{code}-{stamp}-{counter}.pdf"
        return name

    def _write(self, data: bytes, name: str) -> Path:
        final = self.out_dir / name
        fd, tmp = tempfile.mkstemp(dir=self.out_dir, prefix=".receipt-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return final

    def _probe(self) -> None:
        """Raise OSError unless a file can be created where receipts will go.

        Checked by writing, not with os.access: the kiosk may run as root (which access() waves
        through) or on a read-only mount. A missing folder is fine if its parent could hold it.
        """
        target = self.out_dir
        while not target.exists():
            if target.parent == target:
                break
            target = target.parent
        if not target.is_dir():
            raise NotADirectoryError(f"{target} is not a folder")
        with tempfile.TemporaryFile(dir=target, prefix=".probe-"):
            pass


def _why(exc: OSError) -> str:
    """"Not a directory: /x/y" rather than "[Errno 20] Not a directory: '/x/y'"."""
    if not exc.strerror:
        return str(exc)
    return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
