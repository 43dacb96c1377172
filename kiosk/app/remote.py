"""The UI process's proxies of the station's services, over the channel (`kiosk.app.channel`).

Each proxy has the methods of the core object it stands for that the kiosk calls (the
controller's `DossierSink` and `ReceiptPrinter`, the print queue of the officer's menu, the
call desk, session log, audit log and officers of `Reporting` and `OfficerMode`), so the
controller, the journey and the screens do not know the services live in another process.
Importing this module imports none of them.

Idempotent requests (a submission, a session mark, a citizen's print, a slip signature, a
status lookup, the health pass) are sent again while a restarted worker comes up; the others
(an officer's PIN, an audit row, a call) are sent once and fail with `StationError`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.app.channel import StationLink

if TYPE_CHECKING:
    from kiosk.audit import AuditRecord, Verification
    from kiosk.dossier import Dossier
    from kiosk.health import Check, Health
    from kiosk.officer_card_match import CardMatch
    from kiosk.officers import Officer
    from kiosk.ports.card import AccessKey, CardReader, ChipAuth, PassiveAuth
    from kiosk.ports.printer import PrinterStatus, PrintJob
    from kiosk.ports.sessions import SessionSummary
    from kiosk.ports.storage import PendingPrint
    from kiosk.printing import PrintReport
    from kiosk.receipt import Receipt
    from kiosk.status import StatusResult

PRINT_TIMEOUT_S = 120.0  # a print waits for the printer, which times out within a minute


class RemoteStore:
    """`DossierStore` as the kiosk uses it."""

    def __init__(self, link: StationLink) -> None:
        self._link = link

    def submit(self, dossier: Dossier, receipt: Receipt | None = None) -> int | None:
        # Sent again if the worker restarted in the middle: the same dossier is stored once.
        return self._link.call("submit", dossier, receipt, retry=True)

    def mark_session(
        self, tracking_code: str, *, assisted_by: str, identity_check: str, session_seconds: int
    ) -> None:
        self._link.call(
            "mark_session",
            tracking_code,
            retry=True,
            assisted_by=assisted_by,
            identity_check=identity_check,
            session_seconds=session_seconds,
        )

    def backlog(self) -> int:
        return self._link.call("backlog", retry=True)


class RemotePrintQueue:
    """`PrintQueue` as the kiosk uses it. A citizen's receipt that did not print is retried by
    the worker when the kiosk asks (`retry_for_citizen`, the kiosk's "print-retry" task); the
    done screen's `on_late_print` is called here, on the asking thread, when it printed."""

    def __init__(self, link: StationLink) -> None:
        self._link = link
        self._attended: dict[int, Callable[[], None]] = {}
        self._lock = threading.Lock()

    def print_for_citizen(self, job_id: int, on_late_print: Callable[[], None]) -> PrintJob:
        with self._lock:  # until it printed: a failed print is retried while the citizen stays
            self._attended[job_id] = on_late_print
        job: PrintJob = self._link.call("print_for_citizen", job_id, retry=True, timeout_s=PRINT_TIMEOUT_S)
        with self._lock:
            self._attended.pop(job_id, None)
        return job

    def citizen_left(self) -> None:
        with self._lock:
            self._attended.clear()
        self._link.call("citizen_left", retry=True)

    def retry_for_citizen(self) -> PrintReport:
        """One retry pass in the worker, then the late prints told (nothing asked when nothing
        of this kiosk's citizen waits)."""
        from kiosk.printing import PrintReport

        with self._lock:
            if not self._attended:
                return PrintReport()
        report: PrintReport = self._link.call("retry_for_citizen", timeout_s=PRINT_TIMEOUT_S)
        for job_id in self._link.call("late_printed"):
            with self._lock:
                told = self._attended.pop(job_id, None)
            if told is not None:
                told()
        return report

    def print_job(self, job_id: int) -> PrintJob:
        return self._link.call("print_job", job_id, retry=True, timeout_s=PRINT_TIMEOUT_S)

    def reprint(self, tracking_code: str) -> int:
        return self._link.call("reprint", tracking_code)

    def pending(self, limit: int = 100) -> list[PendingPrint]:
        return self._link.call("pending", limit, retry=True)

    def print_pending(self) -> PrintReport:
        return self._link.call("print_pending", timeout_s=PRINT_TIMEOUT_S)


class RemotePrinter:
    """The printer's status for the officer's health screen (it prints in the worker)."""

    def __init__(self, link: StationLink) -> None:
        self._link = link

    def status(self) -> PrinterStatus:
        return self._link.call("printer_status")

    def describe(self) -> str:
        return self._link.call("printer_describe")


class RemoteCallDesk:
    def __init__(self, link: StationLink) -> None:
        self._link = link

    def call(self, kiosk_id: str, screen: str, waited_seconds: int) -> bool:
        return self._link.call("call_officer", kiosk_id, screen, waited_seconds)


class RemoteSessionLog:
    def __init__(self, link: StationLink) -> None:
        self._link = link

    def record(self, kiosk_id: str, summary: SessionSummary) -> None:
        self._link.call("record_session", kiosk_id, summary)


class RemoteAudit:
    """`AuditLog`: rows are chained and keyed in the worker, which holds the audit key."""

    def __init__(self, link: StationLink) -> None:
        self._link = link

    def record(self, actor: str, action: str, detail: str = "") -> AuditRecord:
        return self._link.call("audit_record", actor, action, detail)

    def newest(self, limit: int) -> list[AuditRecord]:
        return self._link.call("audit_newest", limit, retry=True)

    def verify(self, expected: str | None = None) -> Verification:
        return self._link.call("audit_verify", expected, retry=True)


class RemoteOfficers:
    """`Officers` as the kiosk's sign-in uses it (`PinRefused` comes back as itself)."""

    def __init__(self, link: StationLink) -> None:
        self._link = link

    def authenticate(self, officer_id: str, secret: str, *, where: str = "kiosk") -> Officer:
        return self._link.call("authenticate", officer_id, secret, where)


class RemoteOfficerDesk:
    def __init__(self, link: StationLink) -> None:
        self.officers = RemoteOfficers(link)
        self.audit = RemoteAudit(link)


class RemoteOfficerCards:
    """`OfficerCards` as the kiosk's sign-in uses it: the card is read here, by the kiosk's own
    reader, with the CANs the worker opens; the number read is compared (and audited) there."""

    def __init__(self, link: StationLink) -> None:
        self._link = link

    def access_keys(self, disabled_too: bool = False) -> list[AccessKey]:
        return self._link.call("officer_card_keys", disabled_too, retry=True)

    def matched(self, id_number: str, passive: PassiveAuth, chip: ChipAuth, where: str) -> CardMatch:
        return self._link.call("officer_card_matched", id_number, passive, chip, where)

    def identify(self, reader: CardReader, where: str = "kiosk", signing_in: bool = False) -> CardMatch:
        """Whose card is on `reader`: blocking (run it off the UI thread, one read at a time)."""
        from kiosk.officer_card_match import identify

        return identify(self, reader, where, signing_in)


class RemoteStation:
    """The rest of what the kiosk asks the worker: slips, lookups, health, the menu's counts and
    the officer's health lines."""

    def __init__(self, link: StationLink) -> None:
        self.link = link

    def warm(self) -> None:
        self.link.call("warm", retry=True)

    def sign_slip(self, tracking_code: str) -> str:
        return self.link.call("sign_slip", tracking_code, retry=True)

    def look_up(self, text: str) -> StatusResult:
        return self.link.call("look_up", text, retry=True)

    def health(self, wait_s: float | None = None) -> Health:
        """The worker's health pass; `wait_s`: how long to wait for a worker still starting."""
        return self.link.call("health", retry=True, wait_s=wait_s)

    def service_counts(self) -> dict[str, int]:
        return self.link.call("service_counts", retry=True)

    def station_lines(self) -> list[Check]:
        return self.link.call("station_lines", timeout_s=60.0)

    def call(self, method: str, *args: Any) -> Any:
        return self.link.call(method, *args)
