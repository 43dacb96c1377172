"""PdfPrinter against a real folder: file naming, atomic writes, status and errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from devices.printer.pdf import PdfPrinter
from devices.printer.sample import sample_receipt
from kiosk.ports.printer import (
    Printer,
    PrinterError,
    PrinterErrorReason,
    PrinterState,
    PrinterStatus,
)

NOW = dt.datetime(2026, 11, 26, 14, 5, 9)


def printer(out_dir: Path) -> PdfPrinter:
    return PdfPrinter(out_dir, clock=lambda: NOW)


def test_writes_named_pdf_into_new_folder(tmp_path: Path) -> None:
    out = tmp_path / "receipts" / "2026"
    job = printer(out).print_receipt(sample_receipt())
    assert job.completed
    assert job.path == out / "7K3QX-M9T2B-20261126-140509.pdf"
    assert PdfReader(job.path).pages[0].extract_text()  # a whole, readable PDF
    assert [p.name for p in out.iterdir()] == [job.path.name]  # no temp file left behind


def test_reprint_in_same_second_keeps_both(tmp_path: Path) -> None:
    p = printer(tmp_path)
    first = p.print_receipt(sample_receipt())
    before = first.path.read_bytes() if first.path else b""
    second = p.print_receipt(dataclasses.replace(sample_receipt(), queue_number="016"))
    assert first.path != second.path
    assert first.path is not None and first.path.read_bytes() == before


def test_tracking_code_cannot_escape_the_folder(tmp_path: Path) -> None:
    receipt = dataclasses.replace(sample_receipt(), tracking_code="../../etc/x y")
    job = printer(tmp_path / "out").print_receipt(receipt)
    assert job.path is not None
    assert job.path.parent == tmp_path / "out"
    assert job.path.name == "etc_x_y-20261126-140509.pdf"


def test_status_ready_for_writable_or_creatable_folder(tmp_path: Path) -> None:
    assert printer(tmp_path).status().state is PrinterState.READY
    missing = tmp_path / "not" / "yet"
    assert printer(missing).status().ready
    assert not missing.exists()  # asking must not create it


def test_unwritable_folder_reports_error_and_refuses(tmp_path: Path) -> None:
    # Root ignores permission bits, so make the folder impossible: it would live inside a file.
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    out = blocker / "receipts"
    p = printer(out)

    status = p.status()
    assert status.state is PrinterState.ERROR
    assert str(out) in status.message

    with pytest.raises(PrinterError) as info:
        p.print_receipt(sample_receipt())
    assert info.value.reason is PrinterErrorReason.NOT_WRITABLE
    assert blocker.read_text() == "a file, not a folder"


def test_folder_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "receipts"
    target.write_text("")
    assert printer(target).status().state is PrinterState.ERROR
    with pytest.raises(PrinterError):
        printer(target).print_receipt(sample_receipt())


def test_describe_names_the_folder(tmp_path: Path) -> None:
    line = printer(tmp_path).describe()
    assert str(tmp_path) in line and "\n" not in line


def test_is_a_printer(tmp_path: Path) -> None:
    assert isinstance(printer(tmp_path), Printer)


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (PrinterState.PAPER_OUT, PrinterErrorReason.PAPER_OUT),
        (PrinterState.OFFLINE, PrinterErrorReason.OFFLINE),
        (PrinterState.STOPPED, PrinterErrorReason.STOPPED),
        (PrinterState.ERROR, PrinterErrorReason.FAILED),
    ],
)
def test_error_from_status(state: PrinterState, reason: PrinterErrorReason) -> None:
    error = PrinterError.from_status(PrinterStatus(state, "media-empty-error"))
    assert error.reason is reason and error.detail == "media-empty-error"


def test_ready_status_is_not_an_error() -> None:
    with pytest.raises(ValueError):
        PrinterError.from_status(PrinterStatus(PrinterState.READY))


def test_printer_package_imports_without_qt() -> None:
    code = (
        "import sys; sys.modules['PySide6'] = None\n"  # any `import PySide6...` now fails
        "import devices.printer, devices.printer.pdf, devices.printer.receipt_pdf, "
        "devices.printer.layout, devices.printer.sample, devices.printer.fake\n"
        "assert not any(m.startswith('PySide6') and sys.modules[m] for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
