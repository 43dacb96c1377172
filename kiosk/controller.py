"""Runs a `Journey` against real devices: card reads, submission, printing.

Device events arrive on foreign threads and are posted to the main thread through the `Runner`;
slow work (reading, storing, printing) runs in the background and reports back to the journey.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from kiosk import phrases
from kiosk.catalog import Service
from kiosk.dossier import Dossier, TrackingCodeConflict
from kiosk.flow.effects import CallOfficer, LookUp, ReadCard, RecordSession, Submit
from kiosk.flow.journey import Journey
from kiosk.flow.state import FlowState, Phase
from kiosk.payment import PaymentStatus, fee_line
from kiosk.ports.card import (
    CardError,
    CardErrorReason,
    CardEvent,
    CardEventKind,
    CardRead,
    CardReader,
    Holder,
    ReadProgress,
)
from kiosk.receipt import Receipt, result_due
from kiosk.runner import Runner

if TYPE_CHECKING:
    from kiosk.audit import AuditLog
    from kiosk.ports.calls import CallDesk
    from kiosk.ports.sessions import SessionLog
    from kiosk.status import StatusResult
from kiosk.trackcode import display, new_code
from kiosk.validation import display_value

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.04  # a card read's progress reaches the screen at most this often


class DossierSink(Protocol):
    def submit(self, dossier: Dossier, receipt: Receipt) -> int | None:
        """Store the dossier and queue its receipt in one transaction; the print job's id."""
        ...

    def mark_session(
        self, tracking_code: str, *, assisted_by: str, identity_check: str, session_seconds: int
    ) -> None:
        """The kiosk's marks on a stored dossier: who assisted, how identity was checked, time taken."""
        ...


class ReceiptPrinter(Protocol):
    def print_for_citizen(self, job_id: int, on_late_print: Callable[[], None]) -> Any:
        """Print this job only; raise if it did not print (it is retried while the citizen stays)."""
        ...

    def citizen_left(self) -> None: ...


@dataclass(frozen=True)
class Reporting:
    """What this kiosk tells the officers: "Gọi cán bộ" calls, anonymous session statistics, and
    the audit rows of both. Factories: the database opens after the first paint."""

    kiosk_id: str
    calls: Callable[[], CallDesk]
    sessions: Callable[[], SessionLog]
    audit: Callable[[], AuditLog]
    chime: Callable[[], None] | None = None  # played once a call is delivered (`officer.chime`)


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    help_text: str


def mask_id(id_number: str) -> str:
    """Receipts show only the ends of the ID number: enough to recognise it, not to reuse it."""
    return (
        id_number[:3] + "*" * max(0, len(id_number) - 7) + id_number[-4:] if len(id_number) > 7 else id_number
    )


def build_receipt(
    station: Station,
    dossier: Dossier,
    service: Service,
    holder: Holder,
    language: str,
    qr_payload: str = "",
) -> Receipt:
    """What the slip shows; `qr_payload` is the signed slip text (the bare code if none given)."""
    lines = [(phrases.ID_NUMBER.get("vi"), mask_id(holder.id_number))]
    appointment = ""
    for fdef in service.active_fields(dossier.fields):  # not the questions these answers skipped
        shown = display_value(fdef, dossier.fields.get(fdef.id), language)
        if fdef.type == "appointment" and dossier.fields.get(fdef.id):
            appointment = shown  # the slip's own line, in large type: the day to come back
            continue
        lines.append((fdef.label.get(language), shown))
    # With an appointment the law's days run from it (photo, fingerprints), not from today.
    days = service.processing_days
    due = result_due(dossier.submitted_at.date(), days) if days and not appointment else None
    status = PaymentStatus.UNPAID if dossier.fee_amount else PaymentStatus.NOT_REQUIRED
    fee = fee_line(dossier.fee_amount, status).get("vi")
    return Receipt(
        station_name=station.name,
        service_title=service.title.get("vi"),
        service_code=service.code,
        submitted_at=dossier.submitted_at,
        tracking_code=display(dossier.tracking_code),
        qr_payload=qr_payload or dossier.tracking_code,
        citizen_name=holder.full_name,
        lines=lines,
        next_steps=service.next_steps.get("vi"),
        where_to_ask=station.help_text,
        fee_text=fee,
        appointment=appointment,
        result_due=due,
    )


def today_address(residence: str) -> dict[str, str] | None:
    """The card's (often pre-2025, three-level) address in today's units, if it converts cleanly."""
    if not residence:
        return None
    from kiosk.addresses import parse_old_address

    match = parse_old_address(residence)
    address = match.to_address() if match.complete else None
    return address.to_dict() if address is not None else None


class KioskController:
    def __init__(
        self,
        journey: Journey,
        card_reader: Callable[[], CardReader],
        sink: Callable[[], DossierSink],
        printer: Callable[[], ReceiptPrinter],
        runner: Runner,
        station: Station,
        clock: Callable[[], dt.datetime],
        status_lookup: Callable[[], Callable[[str], StatusResult]],
        sign_slip: Callable[[str], str] = lambda code: code,
        reporting: Reporting | None = None,
    ) -> None:
        self.journey = journey
        # Factories: the chip crypto, SQLAlchemy and reportlab load after the idle screen paints.
        self._card_reader = card_reader
        self._sink = sink
        self._printer = printer
        self._status_lookup = status_lookup
        self.sign_slip = sign_slip  # tracking code -> the signed text the slip's QR carries
        self._reporting = reporting
        self.runner = runner
        self.station = station
        self._clock = clock
        self.last_receipt: Receipt | None = None
        self._citizen_job: int | None = None  # this session's print job
        # The dossier of a submission whose outcome is not known (the station worker's answer was
        # lost): sent again, with its code, if the citizen tries again with the same answers.
        self._unconfirmed: Dossier | None = None
        self._in_session = False
        # One read at a time: an officer's card being recognised and a citizen's read would mix
        # their APDUs on the same chip (`with_card`).
        self._card_turn = threading.Lock()
        self._card_placed: list[Callable[[], None]] = []
        journey.subscribe(self._on_change)

    def start(self) -> None:
        """Start listening to the reader (may run on a worker thread: events go through the runner)."""
        reader = self._card_reader()
        reader.start(self._on_card_event)
        if reader.card_present():
            self.runner.post(self.journey.card_inserted)

    def stop(self) -> None:
        self._card_reader().stop()

    # -- card -----------------------------------------------------------------------------
    def _on_card_event(self, event: CardEvent) -> None:
        self.runner.post(lambda: self._apply_card_event(event))

    def _apply_card_event(self, event: CardEvent) -> None:
        kind = event.kind
        if kind is CardEventKind.CARD_INSERTED:
            self.journey.card_inserted()
            for listener in list(self._card_placed):
                listener()
        elif kind is CardEventKind.CARD_REMOVED:
            self.journey.card_removed()
        elif kind is CardEventKind.READER_ATTACHED:
            self.journey.reader_changed(True)
        elif kind is CardEventKind.READER_REMOVED:
            self.journey.reader_changed(False)

    def _read_card(self, effect: ReadCard) -> None:
        posted: list[tuple[str, float]] = [("", 0.0)]  # the last stage posted, and when (monotonic s)

        def progress(p: ReadProgress) -> None:
            # Each post re-renders the window, and a read reports each of its ~30 steps: all of
            # them took ~70 ms of the UI thread during a read (bench/stalls.py). Each new stage
            # is posted (the voice says it), and within one the bar moves as smoothly at a post
            # every `PROGRESS_EVERY_S`.
            now = time.monotonic()
            stage, when = posted[0]
            if p.stage != stage or now - when >= PROGRESS_EVERY_S:
                posted[0] = (p.stage, now)
                self.runner.post(lambda: self.journey.card_progress(p))

        def failed(exc: BaseException) -> None:
            reason = exc.reason if isinstance(exc, CardError) else CardErrorReason.BAD_RESPONSE
            if not isinstance(exc, CardError):
                log.exception("card read failed unexpectedly", exc_info=exc)
            self.journey.card_failed(reason)

        def read() -> tuple[CardRead, dict[str, str] | None]:
            with self._card_turn:
                result = self._card_reader().read(effect.key, progress)
            return result, today_address(result.holder.residence)

        self.runner.run(read, lambda done: self.journey.card_read(*done), failed)

    def on_card_placed(self, listener: Callable[[], None]) -> None:
        """`listener` is called on the UI thread after each card placed on the reader (after the
        journey heard of it): officer mode recognises officers' own cards (`kiosk.officer_cards`)."""
        self._card_placed.append(listener)

    def with_card(
        self,
        work: Callable[[CardReader], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Run `work` with the reader off the UI thread, never during another read; `done` or
        `failed` on the UI thread."""

        def turn() -> Any:
            with self._card_turn:
                return work(self._card_reader())

        self.runner.run(turn, done, failed)

    # -- submission and receipt -----------------------------------------------------------
    def _submit(self, effect: Submit) -> None:
        state = self.journey.state()
        language = state.language
        marks = {
            "assisted_by": state.assisted_by,
            "identity_check": state.identity_check,
            "session_seconds": self.journey.session_seconds(),
        }
        holder = effect.holder
        submitted_at = self._clock()

        def dossier_with(code: str) -> Dossier:
            return Dossier(
                tracking_code=code,
                service_code=effect.service.code,
                service_version=effect.service.version,
                station_id=self.station.id,
                submitted_at=submitted_at,
                fields=dict(effect.values),
                # The chip's passive-authentication outcome goes with the card data, for the officer.
                holder={
                    **{k: v for k, v in vars(holder).items() if isinstance(v, str) and v},
                    "passive_auth": effect.card_check,
                },
                consented_at=effect.consented_at,
                fee_amount=effect.service.fee.amount_for(effect.values),
                photo=effect.photo,
            )

        def store() -> tuple[str, Receipt, int | None]:
            # A fresh code on the rare collision (45 random bits), before anything is printed.
            # The slip is signed before the commit: a signing fault stores nothing.
            for _attempt in range(5):
                dossier = self._again_or(dossier_with(new_code()))
                slip = self.sign_slip(dossier.tracking_code)
                receipt = build_receipt(self.station, dossier, effect.service, holder, language, slip)
                try:
                    job = self._sink().submit(dossier, receipt)
                except TrackingCodeConflict:
                    self._unconfirmed = None
                    continue
                except Exception:
                    # Perhaps stored: the same dossier again is stored once (`DossierStore.submit`).
                    self._unconfirmed = dossier
                    raise
                self._unconfirmed = None
                self._mark(dossier.tracking_code, marks)
                return dossier.tracking_code, receipt, job
            raise RuntimeError("no free tracking code after 5 tries")

        def stored(done: tuple[str, Receipt, int | None]) -> None:
            code, receipt, job = done
            self.last_receipt = receipt
            self._citizen_job = job
            self.journey.submitted(code)
            if job is None:
                self._print_failed(LookupError(f"no print job was queued for {code}"))
                return
            own_job = job

            def late() -> None:  # on the worker's thread, when a retry printed it
                self.runner.post(lambda: self._printed_late(code))

            def print_own() -> Any:  # this citizen's receipt and nobody else's
                return self._printer().print_for_citizen(own_job, late)

            self.runner.run(print_own, self._printed, self._print_failed)

        def failed(exc: BaseException) -> None:
            log.error("submission failed: %s", exc)
            self.journey.submit_failed(phrases.SUBMIT_FAILED)

        self.runner.run(store, stored, failed)

    def _again_or(self, fresh: Dossier) -> Dossier:
        """The unconfirmed dossier if `fresh` says the same (a retry of the same answers), so a
        submission whose answer was lost is never stored twice; else `fresh`."""
        earlier = self._unconfirmed
        if earlier is not None and earlier == replace(
            fresh, tracking_code=earlier.tracking_code, submitted_at=earlier.submitted_at
        ):
            return earlier
        return fresh

    def _mark(self, code: str, marks: dict[str, Any]) -> None:
        """The dossier is stored: a fault here must not make the citizen send it again (a second
        dossier), so it is logged and the submission stands."""
        try:
            self._sink().mark_session(code, **marks)
        except Exception:
            log.exception("dossier %s stored, but its kiosk marks were not", code)

    # -- officers: calls and statistics ----------------------------------------------------
    def _call_officer(self, effect: CallOfficer) -> None:
        reporting = self._reporting
        if reporting is None:
            self.journey.officer_call_done(False)
            return
        where = f"screen {effect.screen}, waited {effect.waited_seconds} s"
        actor = f"kiosk:{reporting.kiosk_id}"

        def call() -> bool:
            delivered = reporting.calls().call(reporting.kiosk_id, effect.screen, effect.waited_seconds)
            reporting.audit().record(actor, "officer_call", where if delivered else f"{where}: not stored")
            if delivered and reporting.chime is not None:
                reporting.chime()
            return delivered

        def failed(exc: BaseException) -> None:
            log.error("call for an officer not delivered: %s", exc)
            self.journey.officer_call_done(False)

        self.runner.run(call, self.journey.officer_call_done, failed)

    def _record_session(self, effect: RecordSession) -> None:
        reporting = self._reporting
        if reporting is None:
            return
        self.runner.run(
            lambda: reporting.sessions().record(reporting.kiosk_id, effect.summary),
            lambda _done: None,
            lambda exc: log.error("session statistics not stored: %s", exc),
        )

    def _printed(self, _job: Any) -> None:
        self.journey.printed(True)

    def _print_failed(self, exc: BaseException) -> None:
        log.error("printing failed: %s", exc)
        self.journey.printed(False)

    def _printed_late(self, tracking_code: str) -> None:
        state = self.journey.state()
        if state.phase is Phase.DONE and state.review.tracking_code == tracking_code:  # still that citizen
            self.journey.printed(True)

    def _look_up(self, effect: LookUp) -> None:
        def failed(exc: BaseException) -> None:
            from kiosk.status import LookupOutcome, StatusResult

            log.error("status lookup failed: %s", exc)
            self.journey.lookup_done(StatusResult(LookupOutcome.UNAVAILABLE))

        self.runner.run(lambda: self._status_lookup()(effect.text), self.journey.lookup_done, failed)

    def _on_change(self, state: FlowState) -> None:
        self._drain()
        if state.phase is Phase.IDLE:
            if self._in_session:  # the citizen has gone: nothing of theirs stays in memory
                self._in_session = False
                self.last_receipt = None
                self._unconfirmed = None
                if self._citizen_job is not None:  # their waiting receipt is for an officer now
                    self._citizen_job = None
                    self._printer().citizen_left()
                self._card_reader().forget()
        else:
            self._in_session = True

    def _drain(self) -> None:
        for effect in self.journey.take_effects():
            if isinstance(effect, ReadCard):
                self._read_card(effect)
            elif isinstance(effect, Submit):
                self._submit(effect)
            elif isinstance(effect, LookUp):
                self._look_up(effect)
            elif isinstance(effect, CallOfficer):
                self._call_officer(effect)
            elif isinstance(effect, RecordSession):
                self._record_session(effect)
