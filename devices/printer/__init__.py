"""Receipt printing: one `Printer` interface (base.py); backends beside it: pdf, fake (tests)."""

from devices.printer.base import (
    Printer,
    PrinterError,
    PrinterErrorReason,
    PrinterState,
    PrinterStatus,
    PrintJob,
)

__all__ = [
    "PrintJob",
    "Printer",
    "PrinterError",
    "PrinterErrorReason",
    "PrinterState",
    "PrinterStatus",
]
