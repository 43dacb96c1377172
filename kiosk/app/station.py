"""The station worker's side of the channel: the services that need the database, the sealing
keys or the receipt renderer, served to the kiosk's UI process (`kiosk.app.channel`).

`kiosk worker` builds one and serves it on the station's socket; `build_app` without a running
worker (the tests, `kiosk tour`) builds one in its own process and serves it on a thread over a
real socket, so every kiosk reaches these services through the same channel code.

The methods served are the `SERVED` names below and nothing else; each is a thin call into the
core's own object, so the rules stay where they were (`DossierStore.submit` is idempotent per
tracking code, `PrintQueue` prints a citizen's own receipt only).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiosk.app.root import (
    Lazy,
    OfficerDesk,
    Storage,
    WorkerLog,
    build_worker,
    make_call_desk,
    make_officer_cards,
    make_officer_desk,
    make_print_queue,
    make_printer,
    make_session_log,
    make_signer,
    make_stats_source,
    make_status_lookup,
    make_storage,
    make_store,
    station_zone,
)
from kiosk.config import Config
from kiosk.ports.clock import Clock, local_now
from kiosk.worker import Outcome, StationWorker, Task

if TYPE_CHECKING:
    from kiosk.audit import AuditRecord, Verification
    from kiosk.dossier import Dossier
    from kiosk.health import Check, Health
    from kiosk.officer_card_match import CardMatch
    from kiosk.officer_cards import OfficerCards
    from kiosk.officers import Officer
    from kiosk.outbox import DossierStore
    from kiosk.ports.calls import CallDesk
    from kiosk.ports.card import AccessKey, ChipAuth, PassiveAuth
    from kiosk.ports.printer import Printer, PrinterStatus, PrintJob
    from kiosk.ports.sessions import SessionLog, SessionSummary
    from kiosk.ports.stats import StatsSource
    from kiosk.ports.storage import PendingPrint
    from kiosk.printing import PrintQueue, PrintReport
    from kiosk.receipt import Receipt
    from kiosk.slip import SlipSigner
    from kiosk.status import StatusLookup, StatusResult

SERVED = (
    "ping",
    "warm",
    "submit",
    "mark_session",
    "backlog",
    "sign_slip",
    "look_up",
    "print_for_citizen",
    "citizen_left",
    "retry_for_citizen",
    "late_printed",
    "print_job",
    "reprint",
    "pending",
    "print_pending",
    "printer_status",
    "printer_describe",
    "call_officer",
    "record_session",
    "audit_record",
    "audit_newest",
    "audit_verify",
    "authenticate",
    "officer_card_keys",
    "officer_card_matched",
    "health",
    "service_counts",
    "station_lines",
)


class StationSide:
    """Everything of the station a kiosk asks for, built on first use, with the station worker's
    own periodic tasks (`build_worker`: delivery, hub statuses, purge, backup)."""

    def __init__(
        self,
        config: Config,
        clock: Clock = local_now,
        *,
        on_outcome: Callable[[Outcome], None] | None = None,
        first: Sequence[Task] = (),
        station_tasks: bool = True,
    ) -> None:
        self.config = config
        self.clock = clock
        self.storage: Lazy[Storage] = Lazy(lambda: make_storage(config))
        self.store: Lazy[DossierStore] = Lazy(lambda: make_store(config, self.storage()))
        self.printer: Lazy[Printer] = Lazy(lambda: make_printer(config))
        self.print_queue: Lazy[PrintQueue] = Lazy(
            lambda: make_print_queue(config, self.storage(), self.printer)
        )
        self.officer_desk: Lazy[OfficerDesk] = Lazy(lambda: make_officer_desk(config, clock))
        self.calls: Lazy[CallDesk] = Lazy(lambda: make_call_desk(config))
        self.sessions: Lazy[SessionLog] = Lazy(lambda: make_session_log(config))
        self.signer: Lazy[SlipSigner] = Lazy(lambda: make_signer(config, self.storage()))
        self.officer_cards: Lazy[OfficerCards] = Lazy(
            lambda: make_officer_cards(config, self.officer_desk(), self.storage())
        )
        # With a province hub, the hub first (`make_status_lookup`): the lookup's channel call
        # allows for its timeout.
        self.lookup: Lazy[StatusLookup] = Lazy(
            lambda: make_status_lookup(self.store(), self.signer(), config)
        )
        self.stats_source: Lazy[StatsSource] = Lazy(lambda: make_stats_source(config))
        self.worker_log = WorkerLog(clock)

        def heard(outcome: Outcome) -> None:
            self.worker_log(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

        # No print task here: the kiosk asks for the retries of its present citizen's receipt
        # (`retry_for_citizen`) while that citizen is at the done screen, and nobody else's.
        self.worker: StationWorker = build_worker(
            config,
            self.store,
            None,
            heard,
            clock,
            first=first,
            station_tasks=station_tasks,
            printer=self.printer,  # the heartbeat tells the province how the printer answers
        )
        self._late: list[int] = []  # jobs of present citizens a retry printed, not yet told
        self._late_lock = threading.Lock()

    def methods(self) -> dict[str, Callable[..., Any]]:
        return {name: getattr(self, name) for name in SERVED}

    # --- served -------------------------------------------------------------------------------

    def ping(self) -> str:
        return "pong"

    def warm(self) -> None:
        """A kiosk (re)started: open the database and the keys now, so that its first submission
        does not wait; receipts that waited for an earlier kiosk's citizen wait for an officer."""
        self.store()
        self.signer()
        self.citizen_left()

    def submit(self, dossier: Dossier, receipt: Receipt | None = None) -> int | None:
        return self.store().submit(dossier, receipt)

    def mark_session(self, tracking_code: str, **marks: Any) -> None:
        self.store().mark_session(tracking_code, **marks)

    def backlog(self) -> int:
        return self.store().backlog()

    def sign_slip(self, tracking_code: str) -> str:
        return self.signer().sign(tracking_code)

    def look_up(self, text: str) -> StatusResult:
        return self.lookup()(text)

    def print_for_citizen(self, job_id: int) -> PrintJob:
        def printed_late() -> None:  # on the thread of the kiosk's retry request
            with self._late_lock:
                self._late.append(job_id)

        return self.print_queue().print_for_citizen(job_id, printed_late)

    def citizen_left(self) -> None:
        self.print_queue().citizen_left()
        with self._late_lock:
            self._late.clear()

    def retry_for_citizen(self) -> PrintReport:
        return self.print_queue().retry_for_citizen()

    def late_printed(self) -> list[int]:
        with self._late_lock:
            late, self._late = self._late, []
        return late

    def print_job(self, job_id: int) -> PrintJob:
        return self.print_queue().print_job(job_id)

    def reprint(self, tracking_code: str) -> int:
        return self.print_queue().reprint(tracking_code)

    def pending(self, limit: int = 100) -> list[PendingPrint]:
        return self.print_queue().pending(limit)

    def print_pending(self) -> PrintReport:
        return self.print_queue().print_pending()

    def printer_status(self) -> PrinterStatus:
        return self.printer().status()

    def printer_describe(self) -> str:
        return self.printer().describe()

    def call_officer(self, kiosk_id: str, screen: str, waited_seconds: int) -> bool:
        return self.calls().call(kiosk_id, screen, waited_seconds)

    def record_session(self, kiosk_id: str, summary: SessionSummary) -> None:
        self.sessions().record(kiosk_id, summary)

    def audit_record(self, actor: str, action: str, detail: str = "") -> AuditRecord:
        return self.officer_desk().audit.record(actor, action, detail)

    def audit_newest(self, limit: int) -> list[AuditRecord]:
        return self.officer_desk().audit.newest(limit)

    def audit_verify(self, expected: str | None = None) -> Verification:
        return self.officer_desk().audit.verify(expected)

    def authenticate(self, officer_id: str, secret: str, where: str = "kiosk") -> Officer:
        return self.officer_desk().officers.authenticate(officer_id, secret, where=where)

    def officer_card_keys(self, disabled_too: bool = False) -> list[AccessKey]:
        """The CANs of the active officers' cards (and of the disabled ones', for the sign-in
        keypad), for the kiosk's own reader to try."""
        return self.officer_cards().access_keys(disabled_too)

    def officer_card_matched(
        self, id_number: str, passive: PassiveAuth, chip: ChipAuth, where: str = "kiosk"
    ) -> CardMatch:
        return self.officer_cards().matched(id_number, passive, chip, where)

    def health(self) -> Health:
        """The kiosk's health pass (storage and signer opened, then the service checks)."""
        from kiosk.app.health import kiosk_health

        return kiosk_health(self.config, (self.storage, self.signer))

    def service_counts(self) -> dict[str, int]:
        from kiosk.flow.menu import recent_counts

        return recent_counts(self.stats_source(), self.clock().date(), station_zone())

    def station_lines(self) -> list[Check]:
        from kiosk.app.officer_health import station_lines

        return station_lines(self.config, self.printer, self.print_queue, self.store, self.worker_log)
