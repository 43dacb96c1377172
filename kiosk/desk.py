"""The officer's work on a dossier at the console: search, view, status changes, filing, payments.

Rules live here, not in the console's pages: which status may follow which (nothing comes after
done or rejected), what a note may hold, that viewing personal data, every change and every
refusal is written to the audit log (`kiosk.audit`) with the officer who did it, and that the
role allows it (`kiosk.permissions`). Personal data is opened from the sealed payload only for an
officer allowed to see it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace

from kiosk import trackcode
from kiosk.audit import AuditLog
from kiosk.blind_index import BlindIndex, is_id_number
from kiosk.dossier import Dossier, StoredDossier
from kiosk.dossier_photo import Photo, open_photo
from kiosk.identity_note import NOTE_SEPARATOR, open_identity
from kiosk.officers import Actor
from kiosk.permissions import Action, NotAllowed, may
from kiosk.ports.clock import Clock
from kiosk.ports.desk import (
    DeskDossier,
    DeskRepository,
    DossierEvent,
    PaymentRecord,
    QueueQuery,
    QueueRow,
    ReceiptNumberTaken,
)
from kiosk.receipt import Receipt
from kiosk.sealing import Sealer, SealError

RECEIVED, PROCESSING, NEEDS_INFO, DONE, REJECTED = "received", "processing", "needs_info", "done", "rejected"
STATUSES = (RECEIVED, PROCESSING, NEEDS_INFO, DONE, REJECTED)
FINAL = frozenset({DONE, REJECTED})
NEXT: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({PROCESSING, NEEDS_INFO, REJECTED}),
    PROCESSING: frozenset({NEEDS_INFO, DONE, REJECTED}),
    NEEDS_INFO: frozenset({PROCESSING, DONE, REJECTED}),
    DONE: frozenset(),
    REJECTED: frozenset(),
}
MAX_NOTE = 1000
MAX_NATIONAL_NUMBER = 64
MAX_RECEIPT_NUMBER = 32
MAX_FILING_MINUTES = 600


def status_refusal(current: str, new: str) -> str | None:
    """Why a dossier `current` may not become `new` (None: it may), at a station's desk and at the
    hub alike: done and rejected are final, and each status has its next ones (`NEXT`)."""
    if new not in STATUSES:
        return f"unknown status {new!r}"
    if new in NEXT.get(current, frozenset()):
        return None
    if current in FINAL:
        return f"the dossier is {current}: its status no longer changes"
    return f"a dossier {current} cannot become {new}"


class DeskProblem(Exception):
    """Bad input or a refused change; the message says what to do. Nothing was changed."""


@dataclass(frozen=True)
class DossierView:
    """A dossier as its page shows it; `stored.dossier` holds personal data (None if not allowed
    or unreadable)."""

    desk: DeskDossier
    stored: StoredDossier
    events: list[DossierEvent]
    payments: list[PaymentRecord]
    # The officer's identity-check note (`kiosk.identity_note`), opened only with the personal
    # data: "" when none was written or the role may not see it.
    identity_note: str = ""

    @property
    def status(self) -> str:
        return self.desk.sealed.status

    @property
    def next_statuses(self) -> list[str]:
        return [s for s in STATUSES if s in NEXT[self.status]]


def clean_note(text: str) -> str:
    note = unicodedata.normalize("NFC", text).strip()
    if len(note) > MAX_NOTE:
        raise DeskProblem(f"a note is at most {MAX_NOTE} characters")
    return note


class DossierDesk:
    def __init__(
        self, repository: DeskRepository, sealer: Sealer, index: BlindIndex, audit: AuditLog, clock: Clock
    ) -> None:
        self._repository = repository
        self._sealer = sealer
        self._index = index
        self._audit = audit
        self._clock = clock

    def _now(self) -> dt.datetime:
        return self._clock().astimezone(dt.UTC)

    def _allow(self, by: Actor, action: Action, detail: str) -> None:
        if by.role is not None and not may(by.role, action, by.station is not None):
            self._audit.record(by.label, "refused", f"{action.value} {detail}: role {by.role.value}")
            raise NotAllowed(by.role, action)

    def search(self, by: Actor, text: str, query: QueueQuery) -> list[QueueRow]:
        """The queue with `query`'s filters; `text` is a tracking code, an ID number or a name
        typed with or without tone marks. Searching personal data (ID, name) needs the right to
        view it, and is audited (what was searched is not written: it is personal data)."""
        text = text.strip()
        if by.station is not None:  # an account of one station sees its dossiers only
            query = replace(query, station_id=by.station)
        if not text:
            return self._repository.queue(query)
        self._allow(by, Action.VIEW_PERSONAL_DATA, "search")
        code = trackcode.normalize(text)
        if code is not None:
            query = replace(query, tracking_code=code)
        elif is_id_number(text):
            query = replace(query, id_token=self._index.id_token(text))
        else:
            tokens = tuple(self._index.query_tokens(text))
            if not tokens:
                return []
            query = replace(query, name_tokens=tokens)
        self._audit.record(by.label, "search", "by code" if code else "by ID number or name")
        return self._repository.queue(query)

    def _get(self, tracking_code: str, by: Actor | None = None) -> DeskDossier:
        found = self._repository.get(tracking_code)
        # Another station's dossier is "no dossier" to an account of one station: not even
        # whether it exists leaks.
        if found is None or (by is not None and by.station not in (None, found.sealed.station_id)):
            raise DeskProblem(f"no dossier {tracking_code}")
        return found

    def service_of(self, tracking_code: str) -> str:
        return self._get(tracking_code).sealed.service_code

    def view(self, by: Actor, tracking_code: str) -> DossierView:
        """The dossier's page; its personal data only for a role that may see it (audited)."""
        desk = self._get(tracking_code, by)
        personal = by.role is None or may(by.role, Action.VIEW_PERSONAL_DATA, by.station is not None)
        stored = self._open(desk, personal)
        if personal:
            self._audit.record(by.label, "view_dossier", tracking_code)
        note = self._identity_note(desk) if personal else ""
        return DossierView(
            desk,
            stored,
            self._repository.events(tracking_code),
            self._repository.payments(tracking_code),
            note,
        )

    def _identity_note(self, desk: DeskDossier) -> str:
        if desk.identity_sealed is None:
            return ""
        code = desk.sealed.tracking_code
        try:
            return open_identity(self._sealer, code, desk.identity_sealed).partition(NOTE_SEPARATOR)[2]
        except SealError as exc:
            return f"(ghi chú không đọc được: {exc})"

    def photo(self, by: Actor, tracking_code: str) -> Photo | None:
        """The applicant's face from the chip, for a role that may see personal data (audited
        as a view of it); None when the dossier has none. `DeskProblem` if it cannot be opened."""
        self._allow(by, Action.VIEW_PERSONAL_DATA, f"photo {tracking_code}")
        sealed = self._repository.photo(tracking_code)
        if sealed is None:
            return None
        try:
            photo = open_photo(self._sealer, tracking_code, sealed)
        except SealError as exc:
            raise DeskProblem(f"the photo cannot be read: {exc}") from None
        self._audit.record(by.label, "view_photo", tracking_code)
        return photo

    def open_personal(self, by: Actor, tracking_code: str, purpose: str) -> StoredDossier:
        """The dossier with its personal data for an export (`purpose`: what it is for), audited."""
        self._allow(by, Action.EXPORT_DOSSIER, tracking_code)
        stored = self._open(self._get(tracking_code, by), True)
        self._audit.record(by.label, "export_dossier", f"{tracking_code} {purpose}")
        return stored

    def _open(self, desk: DeskDossier, personal: bool) -> StoredDossier:
        row = desk.sealed
        stored = StoredDossier(
            tracking_code=row.tracking_code,
            status=row.status,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
            dossier=None,
            fee_amount=row.fee_amount,
            payment_status=row.payment_status,
            note_for_citizen=row.note_for_citizen,
        )
        if not personal:
            return stored
        try:
            data = self._sealer.open(row.payload, context=row.tracking_code.encode())
        except SealError as exc:
            return replace(stored, problem=f"the dossier cannot be read: {exc}")
        dossier = Dossier(
            tracking_code=row.tracking_code,
            service_code=row.service_code,
            service_version=row.service_version,
            station_id=row.station_id,
            submitted_at=row.submitted_at,
            fields=dict(data["fields"]),
            holder=dict(data["holder"]),
            fee_amount=row.fee_amount,
        )
        return replace(stored, dossier=dossier)

    def change_status(
        self, by: Actor, tracking_code: str, status: str, note_for_citizen: str = "", note_internal: str = ""
    ) -> None:
        self._allow(by, Action.CHANGE_STATUS, tracking_code)
        current = self._get(tracking_code, by).sealed.status
        refusal = status_refusal(current, status)
        if refusal is not None:
            raise DeskProblem(refusal)
        for_citizen, internal = clean_note(note_for_citizen), clean_note(note_internal)
        if status in (NEEDS_INFO, REJECTED) and not for_citizen:
            raise DeskProblem("say what the citizen must bring or why it is refused (note for the citizen)")
        now = self._now()
        event = DossierEvent(now, by.label, "status", status, for_citizen, internal)
        if not self._repository.change_status(
            tracking_code, current, event, now if status in FINAL else None
        ):
            raise DeskProblem("another officer changed this dossier meanwhile: look at it again")
        self._audit.record(by.label, "status_change", f"{tracking_code} {current} -> {status}")

    def file_national(self, by: Actor, tracking_code: str, number: str, minutes: int) -> None:
        """Filed in the national online system as `number`, which took `minutes`."""
        self._allow(by, Action.CHANGE_STATUS, tracking_code)
        number = number.strip()
        if not number or len(number) > MAX_NATIONAL_NUMBER or not number.isprintable():
            raise DeskProblem(f"the national dossier number is 1 to {MAX_NATIONAL_NUMBER} characters")
        if not 0 <= minutes <= MAX_FILING_MINUTES:
            raise DeskProblem(f"the filing took 0 to {MAX_FILING_MINUTES} minutes")
        self._get(tracking_code, by)
        event = DossierEvent(self._now(), by.label, "filed", note_internal=number, seconds=minutes * 60)
        self._repository.file_national(tracking_code, number, event)
        self._audit.record(by.label, "filed_national", f"{tracking_code} as {number} in {minutes} min")

    def confirm_payment(
        self, by: Actor, tracking_code: str, method: str, receipt_number: str
    ) -> PaymentRecord:
        """Cash with its receipt number, or a VietQR transfer the officer saw arrive."""
        self._allow(by, Action.CONFIRM_PAYMENT, tracking_code)
        if method not in ("cash", "vietqr"):
            raise DeskProblem("a payment is cash or vietqr")
        receipt_number = receipt_number.strip()
        if not receipt_number or len(receipt_number) > MAX_RECEIPT_NUMBER or not receipt_number.isprintable():
            raise DeskProblem(f"the receipt number is 1 to {MAX_RECEIPT_NUMBER} characters")
        row = self._get(tracking_code, by).sealed
        if row.payment_status == "paid":
            raise DeskProblem("this dossier is paid already")
        if not row.fee_amount:
            raise DeskProblem("this service has no fee")
        now = self._now()
        payment = PaymentRecord(method, row.fee_amount, receipt_number, by.label, now)
        event = DossierEvent(now, by.label, "payment", note_internal=f"{method} {receipt_number}")
        try:
            self._repository.add_payment(tracking_code, payment, event)
        except ReceiptNumberTaken:
            raise DeskProblem(f"receipt number {receipt_number} is used already") from None
        self._audit.record(by.label, "payment", f"{tracking_code} {method} {row.fee_amount} {receipt_number}")
        return payment

    def rebuild_index(self, batch: int = 500) -> int:
        """Index every stored dossier again (`kiosk index rebuild`); how many rows. The searched
        token and pair rows are repaired too where the stored index is right but they are not."""
        after, count = 0, 0
        while True:
            rows = self._repository.unindexed(after, batch)
            unchanged: list[tuple[int, str]] = []
            for row in rows:
                try:
                    holder = self._sealer.open(row.payload, context=row.tracking_code.encode())["holder"]
                except (SealError, KeyError, TypeError):
                    continue  # unreadable rows stay unindexed; doctor and the page tell
                indexed = self._index.of_holder(dict(holder))
                if (indexed.name_index, indexed.id_index) != (row.name_index, row.id_index):
                    self._repository.set_index(row.row_id, indexed.name_index, indexed.id_index)
                else:
                    unchanged.append((row.row_id, row.name_index))
                count += 1
            self._repository.repair_name_rows(unchanged)
            if len(rows) < batch:
                return count
            after = rows[-1].row_id


def payment_receipt(station_name: str, service_title: str, payment: PaymentRecord, code: str) -> Receipt:
    """The paper receipt of a cash payment, printed by the station printer like a kiosk slip."""
    amount = f"{payment.amount:,}".replace(",", ".") + " đồng"
    return Receipt(
        station_name=station_name,
        service_title=f"Biên lai thu phí, lệ phí — {service_title}",
        service_code="",
        submitted_at=payment.confirmed_at,
        tracking_code=trackcode.display(code),
        qr_payload=code,
        citizen_name="",
        lines=[
            ("Số biên lai", payment.receipt_number),
            ("Số tiền", amount),
            ("Cán bộ thu", payment.confirmed_by),
        ],
        fee_text=f"{amount} — đã nộp",
    )
