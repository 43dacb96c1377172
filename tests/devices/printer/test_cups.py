"""CUPS backend against a real cupsd (started here, in a temp folder, on a unix socket).

Queues: `KioskPDF` (cups-pdf, writing PDFs into the temp folder) and `Thermal`, whose backend
reports the roll empty and exits 4 (CUPS_BACKEND_STOP), as a printer out of paper does; re-pointing
it at cups-pdf and enabling it is the officer changing the roll.

Runs as root (cups-pdf's backend must, and so does cupsd); CI does. The only file written outside
the temp folder is cups-pdf's per-queue config `/etc/cups/cups-pdf-<name>.conf` (cups-pdf reads
its config only from there); it is removed again, with cupsd stopped, whatever the outcome.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cups
import pytest
from PIL import Image

from db.engine import make_engine
from db.migrate import upgrade
from db.print_jobs import SqlPrintJobRepository
from devices.printer.cups import CupsPrinter, ascii_title, pdf_page_size_mm, status_from_attributes
from devices.printer.receipt_pdf import render_receipt_pdf
from devices.printer.sample import sample_receipt
from kiosk.ports.printer import PrinterError, PrinterErrorReason, PrinterState, PrinterStatus
from kiosk.printing import PrintQueue
from kiosk.sealing import KEY_SIZE, Sealer

pytestmark = pytest.mark.cups

CUPS_LIB = Path("/usr/lib/cups")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF_DIR = Path("/etc/cups")  # compiled into cups-pdf

PAPER_OUT_BACKEND = """#!/bin/sh
# A printer whose roll is empty: reports it and stops the queue (exit 4 = CUPS_BACKEND_STOP).
if [ $# -eq 0 ]; then echo 'direct paperout "Unknown" "Kiosk test: paper out"'; exit 0; fi
echo "STATE: +media-empty-error" >&2
echo "ERROR: paper out" >&2
exit 4
"""


@dataclass
class Cupsd:
    socket: Path
    out: Path  # where cups-pdf writes
    cups_pdf_uri: str
    log: Path

    def connection(self) -> cups.Connection:
        return cups.Connection(host=str(self.socket))

    def lpadmin(self, *args: str) -> None:
        subprocess.run(["lpadmin", "-h", str(self.socket), *args], check=True, capture_output=True)

    def printed(self) -> list[Path]:
        return sorted(self.out.glob("*.pdf"))

    def wait_for_pdfs(self, count: int, timeout: float = 30) -> list[Path]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            files = self.printed()
            # cups-pdf writes through Ghostscript: wait until the file is complete.
            if len(files) >= count and all(_complete(f) for f in files):
                return files
            time.sleep(0.1)
        raise AssertionError(f"{count} PDF(s) expected in {self.out}, found {self.printed()}")


def _complete(path: Path) -> bool:
    data = path.read_bytes()
    return b"%%EOF" in data[-1024:]


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.write_text(text)
    path.chmod(mode)


@pytest.fixture(scope="module")
def cupsd() -> Iterator[Cupsd]:
    assert os.geteuid() == 0, "the CUPS tests start cupsd and cups-pdf, which need root"
    for tool in ("/usr/sbin/cupsd", "/usr/sbin/lpadmin", str(CUPS_LIB / "backend" / "cups-pdf")):
        assert Path(tool).exists(), f"{tool} missing: apt-get install cups printer-driver-cups-pdf"
    base = Path(tempfile.mkdtemp(prefix="kiosk-cupsd-"))
    base.chmod(0o755)  # filters run as user lp and read the PPD under it
    name = f"kiosktest{uuid.uuid4().hex[:12]}"
    pdf_conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{name}.conf"
    process: subprocess.Popen[bytes] | None = None
    try:
        for sub in ("root", "bin", "bin/backend", "spool", "spool/tmp", "cache", "state", "log", "out"):
            (base / sub).mkdir(mode=0o755)
        # ServerBin: the system's filters and backends, plus ours.
        for entry in CUPS_LIB.iterdir():
            if entry.name != "backend":
                (base / "bin" / entry.name).symlink_to(entry)
        for backend in (CUPS_LIB / "backend").iterdir():
            (base / "bin" / "backend" / backend.name).symlink_to(backend)
        _write(base / "bin" / "backend" / "paperout", PAPER_OUT_BACKEND, 0o755)

        socket = base / "cups.sock"
        _write(
            base / "cups-files.conf",
            f"ServerRoot {base}/root\nServerBin {base}/bin\nRequestRoot {base}/spool\n"
            f"TempDir {base}/spool/tmp\nCacheDir {base}/cache\nStateDir {base}/state\n"
            f"ErrorLog {base}/log/error_log\nAccessLog {base}/log/access_log\n"
            f"PageLog {base}/log/page_log\nUser lp\nGroup lp\nSystemGroup root lpadmin\n",
        )
        _write(
            base / "cupsd.conf",
            f"LogLevel info\nListen {socket}\nBrowsing No\nWebInterface No\nDefaultAuthType None\n"
            "JobRetryInterval 1\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  JobPrivateAccess all\n  JobPrivateValues none\n"
            "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n"
            "  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
        )
        assert not pdf_conf.exists()
        _write(
            pdf_conf,
            f"Out {base}/out\nSpool {base}/spool/cups-pdf\nLog {base}/log\nGSTmp {base}/spool/tmp\n",
        )
        process = subprocess.Popen(
            ["/usr/sbin/cupsd", "-f", "-c", str(base / "cupsd.conf"), "-s", str(base / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"cupsd exited: {process.stderr.read().decode() if process.stderr else ''}"
                )
            try:
                cups.Connection(host=str(socket)).getPrinters()
                break
            except (RuntimeError, cups.IPPError, cups.HTTPError):
                if time.monotonic() > deadline:
                    raise AssertionError("cupsd did not answer on its socket within 15 s") from None
                time.sleep(0.1)
        server = Cupsd(socket, base / "out", f"cups-pdf:/{name}", base / "log" / "error_log")
        server.lpadmin("-p", "KioskPDF", "-E", "-v", server.cups_pdf_uri, "-P", str(CUPS_PDF_PPD))
        server.lpadmin("-p", "Thermal", "-E", "-v", "paperout:/", "-P", str(CUPS_PDF_PPD))
        yield server
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(base, ignore_errors=True)


def printer(server: Cupsd, queue: str, timeout_s: float = 30) -> CupsPrinter:
    return CupsPrinter(queue, server=str(server.socket), timeout_s=timeout_s)


def pdf_width_mm(path: Path) -> float:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    line = next(row for row in out.splitlines() if row.startswith("Page size:"))
    width_pt = float(line.split()[2])
    return width_pt * 25.4 / 72


def ink_fraction(path: Path, tmp: Path) -> float:
    """Share of non-white pixels on page 1 rendered at 50 dpi (pdftoppm, greyscale)."""
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", "-f", "1", "-l", "1", str(path), str(tmp / "p")], check=True
    )
    image = Image.open(next(tmp.glob("p*.pgm")))
    histogram = image.histogram()
    return 1 - sum(histogram[200:]) / sum(histogram)


# --- a real queue ----------------------------------------------------------------------------------


def test_receipt_prints_through_cups_pdf(cupsd: Cupsd, tmp_path: Path) -> None:
    before = len(cupsd.printed())
    kiosk_printer = printer(cupsd, "KioskPDF")
    assert kiosk_printer.status().state is PrinterState.READY
    job = kiosk_printer.print_receipt(sample_receipt())
    assert job.completed and job.job_id and job.job_id.startswith("KioskPDF-")

    files = cupsd.wait_for_pdfs(before + 1)
    printed = files[-1]
    assert printed.name.startswith(ascii_title("7K3QX-M9T2B"))  # ASCII title survives cups-pdf
    assert abs(pdf_width_mm(printed) - 80) < 0.5  # the custom page size reached the driver
    assert ink_fraction(printed, tmp_path) > 0.02  # not a blank page


def test_a_printed_job_leaves_no_spooled_receipt(cupsd: Cupsd) -> None:
    """This cupsd keeps job files a day (the default PreserveJobFiles): the kiosk purges its own."""
    spool = cupsd.socket.parent / "spool"
    job = printer(cupsd, "KioskPDF").print_receipt(sample_receipt())
    assert job.completed and job.job_id
    job_number = int(job.job_id.rsplit("-", 1)[1])
    assert job_number not in cupsd.connection().getJobs(which_jobs="all")
    assert not [p.name for p in spool.glob(f"d{job_number:05d}-*")]  # the document (the receipt)
    assert not [p.name for p in spool.glob(f"c{job_number:05d}")]  # its attributes (the title)


def test_submitted_pdf_has_the_vietnamese_text(tmp_path: Path) -> None:
    # What we hand CUPS (cups-pdf re-renders it, so the text is checked on our side).
    path = tmp_path / "submitted.pdf"
    path.write_bytes(render_receipt_pdf(sample_receipt()))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hoàng Đình Nguyễn Thượng Khải Hoàn" in " ".join(text.split())
    width, height = pdf_page_size_mm(path.read_bytes()) or (0, 0)
    assert abs(width - 80) < 0.01 and height > 100


def test_unknown_queue_is_an_error_not_an_exception(cupsd: Cupsd) -> None:
    missing = printer(cupsd, "NoSuchQueue")
    assert missing.status().state is PrinterState.ERROR
    with pytest.raises(PrinterError) as caught:
        missing.print_receipt(sample_receipt())
    assert "no such CUPS queue" in caught.value.detail


def test_no_server_is_offline(tmp_path: Path) -> None:
    gone = CupsPrinter("KioskPDF", server=str(tmp_path / "no.sock"))
    assert gone.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterError) as caught:
        gone.print_receipt(sample_receipt())
    assert caught.value.reason is PrinterErrorReason.OFFLINE


def test_disabled_queue_is_stopped_and_gets_no_job(cupsd: Cupsd) -> None:
    conn = cupsd.connection()
    conn.disablePrinter("KioskPDF")
    try:
        kiosk_printer = printer(cupsd, "KioskPDF")
        assert kiosk_printer.status().state is PrinterState.STOPPED
        jobs_before = len(conn.getJobs(which_jobs="all"))
        with pytest.raises(PrinterError) as caught:
            kiosk_printer.print_receipt(sample_receipt())
        assert caught.value.reason is PrinterErrorReason.STOPPED
        assert len(conn.getJobs(which_jobs="all")) == jobs_before
    finally:
        conn.enablePrinter("KioskPDF")


# --- paper out, kept in the durable queue, printed once the roll is changed ---------------------------


def test_paper_out_keeps_the_job_until_the_printer_is_fixed(cupsd: Cupsd, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    upgrade(url)
    jobs = SqlPrintJobRepository(make_engine(url), "kiosk-1")
    queue = PrintQueue(jobs, Sealer(os.urandom(KEY_SIZE)), lambda: printer(cupsd, "Thermal"))
    conn = cupsd.connection()
    receipt = sample_receipt()
    job_id = queue.enqueue(receipt)

    report = queue.print_pending(dt.datetime(2026, 11, 26, 7, 10, tzinfo=dt.UTC))
    assert report.printed == 0
    assert report.error is not None and report.error.reason is PrinterErrorReason.PAPER_OUT
    status = printer(cupsd, "Thermal").status()
    assert status.state is PrinterState.PAPER_OUT, status
    attrs = conn.getPrinterAttributes("Thermal", requested_attributes=["printer-state"])
    assert attrs["printer-state"] == 5  # stopped by the backend's exit 4
    # Our job was withdrawn from CUPS: only the kiosk's own queue holds it now.
    assert conn.getJobs(which_jobs="not-completed") == {}
    [pending] = queue.pending()
    assert (pending.job_id, pending.attempts) == (job_id, 1)
    assert pending.last_error and "paper_out" in pending.last_error

    # Still out of paper: the queue is not fed another job.
    jobs_before = len(conn.getJobs(which_jobs="all"))
    again = queue.print_pending()
    assert again.error is not None and again.error.reason is PrinterErrorReason.PAPER_OUT
    assert len(conn.getJobs(which_jobs="all")) == jobs_before
    assert queue.pending()[0].attempts == 2

    # The officer changes the roll (here: the queue now reaches cups-pdf) and resumes the queue.
    before = len(cupsd.printed())
    cupsd.lpadmin("-p", "Thermal", "-v", cupsd.cups_pdf_uri)
    conn.enablePrinter("Thermal")
    done = queue.print_pending()
    assert done.printed == 1 and done.error is None, done
    assert queue.pending() == []
    files = cupsd.wait_for_pdfs(before + 1)
    assert abs(pdf_width_mm(files[-1]) - 80) < 0.5
    time.sleep(1)
    assert len(cupsd.printed()) == before + 1  # printed once: the withdrawn job did not come back


# --- the attribute mapping (pure) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attrs", "state"),
    [
        ({"printer-state": 3, "printer-state-reasons": ["none"]}, PrinterState.READY),
        ({"printer-state": 4, "printer-state-reasons": ["none"]}, PrinterState.READY),
        ({"printer-state": 5, "printer-state-reasons": ["paused"]}, PrinterState.STOPPED),
        ({"printer-state": 5, "printer-state-reasons": ["media-empty-error"]}, PrinterState.PAPER_OUT),
        ({"printer-state": 4, "printer-state-reasons": ["media-needed-warning"]}, PrinterState.PAPER_OUT),
        ({"printer-state": 3, "printer-state-reasons": ["media-empty-report"]}, PrinterState.READY),
        ({"printer-state": 4, "printer-state-reasons": ["offline-report"]}, PrinterState.OFFLINE),
        ({"printer-state": 3, "printer-is-accepting-jobs": False}, PrinterState.STOPPED),
        ({"printer-state": 3, "printer-state-reasons": ["other-error"]}, PrinterState.ERROR),
        ({"printer-state": 3, "printer-state-reasons": "toner-low-warning"}, PrinterState.READY),
    ],
)
def test_status_from_attributes(attrs: dict[str, object], state: PrinterState) -> None:
    assert status_from_attributes(attrs).state is state


def test_ascii_title() -> None:
    assert ascii_title("7K3QX-M9T2B") == "kiosk-receipt-7K3QX-M9T2B"
    assert ascii_title("Mã số 12") == "kiosk-receipt-M_s_12"
    assert ascii_title("") == "kiosk-receipt"


def test_from_status_reason_for_paper_out() -> None:
    error = PrinterError.from_status(PrinterStatus(PrinterState.PAPER_OUT, "media-empty-error"))
    assert error.reason is PrinterErrorReason.PAPER_OUT
