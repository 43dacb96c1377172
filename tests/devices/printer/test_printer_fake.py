"""FakePrinter behaves like a printer whose state the test controls."""

from __future__ import annotations

import dataclasses

import pytest

from devices.printer.fake import FakePrinter
from devices.printer.sample import sample_receipt
from kiosk.ports.printer import Printer, PrinterError, PrinterErrorReason, PrinterState, PrinterStatus


def test_records_rendered_receipts() -> None:
    printer = FakePrinter()
    assert isinstance(printer, Printer)
    first = printer.print_receipt(sample_receipt())
    second = printer.print_receipt(dataclasses.replace(sample_receipt(), queue_number="016"))
    assert first.completed and first.job_id != second.job_id
    assert [p.receipt.queue_number for p in printer.printed] == ["015", "016"]
    assert printer.printed[0].pdf.startswith(b"%PDF-")


def test_paper_out_refuses_until_fixed() -> None:
    printer = FakePrinter(PrinterStatus(PrinterState.PAPER_OUT, "media-empty"))
    with pytest.raises(PrinterError) as info:
        printer.print_receipt(sample_receipt())
    assert info.value.reason is PrinterErrorReason.PAPER_OUT
    assert printer.printed == []

    printer.set_status(PrinterStatus(PrinterState.READY))
    assert printer.print_receipt(sample_receipt()).completed
    assert len(printer.printed) == 1
