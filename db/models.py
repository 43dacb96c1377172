"""Tables of the station database.

Portable on purpose: the same models run on the embedded SQLite file and on a district PostgreSQL
hub, so no dialect-specific types or SQL. Personal data lives only in `DossierRow.payload`,
sealed by `kiosk.sealing.Sealer`; the other columns are what officers and the status lookup need
without the key.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class DossierStatus(enum.StrEnum):
    RECEIVED = "received"  # stored at the station, not yet looked at
    PROCESSING = "processing"
    NEEDS_INFO = "needs_info"  # the officer asked the citizen for more (note_for_citizen says what)
    DONE = "done"
    REJECTED = "rejected"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes in Python on every backend.

    SQLite has no timezone type and hands back naive values; PostgreSQL gets `timestamptz`.
    Naive datetimes are refused on the way in: a local wall-clock time stored as UTC is a bug
    that only shows seven hours later.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware (UTC) datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# Deterministic constraint names: Alembic needs names to alter or drop constraints later
# (SQLite batch mode especially).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in DossierStatus)


class PaymentStatus(enum.StrEnum):
    NOT_REQUIRED = "not_required"  # no fee for this service
    UNPAID = "unpaid"
    PAID = "paid"


_PAYMENT_VALUES = ", ".join(f"'{s.value}'" for s in PaymentStatus)


class DossierRow(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status"),
        CheckConstraint(f"payment_status IN ({_PAYMENT_VALUES})", name="payment_status"),
        # The report's queries read a period from these alone (db.stats; revision 0012_report_indexes).
        Index(
            "ix_dossiers_submitted_report", "submitted_at", "service_code", "assisted_by", "session_seconds"
        ),
        Index("ix_dossiers_finished_report", "finished_at", "status", "service_code", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(10), unique=True, index=True)
    service_code: Mapped[str] = mapped_column(String(64))
    service_version: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=DossierStatus.RECEIVED.value)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # reports by period: indexed above
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # {"fields": ..., "holder": ...} sealed with the tracking code as context (see kiosk.outbox).
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # Fee in whole đồng (0: free); the server defaults fill rows stored before revision 0002.
    fee_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    payment_status: Mapped[str] = mapped_column(
        String(16), default=PaymentStatus.NOT_REQUIRED.value, server_default=PaymentStatus.NOT_REQUIRED.value
    )
    # Revision 0006 (officers' work). What the citizen sees with the status (slip, status screen).
    note_for_citizen: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The dossier's number in the national online system, once an officer filed it there.
    national_number: Mapped[str | None] = mapped_column(String(64))
    # Officer who took over the session in assist mode (NULL: the citizen alone), and how the
    # citizen's identity was checked when not read from a chip ("" when it was): the way only
    # (`kiosk.officer_mode.IdentityCheck`); the officer's note is sealed (revision 0013,
    # `kiosk.identity_note`), NULL when none was written.
    assisted_by: Mapped[str | None] = mapped_column(String(32))
    identity_check: Mapped[str] = mapped_column(String(200), default="", server_default="")
    identity_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Keyed blind index for the console's search (kiosk.blind_index): space-separated HMAC tokens
    # of the toneless name words, and of the ID number; never the plain text.
    name_index: Mapped[str] = mapped_column(Text, default="", server_default="")
    id_index: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    # Seconds the citizen spent at the kiosk for this dossier (statistics); NULL when unknown.
    session_seconds: Mapped[int | None] = mapped_column(Integer)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # done/rejected: indexed above


class DossierNameTokenRow(Base):
    """One name token of a dossier's blind index (`DossierRow.name_index` split), so that the
    console's toneless search is an indexed lookup instead of a LIKE scan. Written with the
    dossier in one transaction; deleted with it by the database (ON DELETE CASCADE)."""

    __tablename__ = "dossier_name_tokens"
    __table_args__ = (
        # The search walks one token's dossiers newest first and probes the others.
        Index("ix_dossier_name_tokens_token", "token", "dossier_id"),
        # Two columns, both in each key: on SQLite the table is its primary key (no rowid copy).
        {"sqlite_with_rowid": False},
    )

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)


class DossierPhotoRow(Base):
    """The applicant's face from the chip (DG2), sealed like the payload (`kiosk.dossier_photo`),
    apart from the dossier row so that lists and searches never read ~20 KB per dossier. Revision
    0011_dossier_photo; purged with its dossier (and ON DELETE CASCADE)."""

    __tablename__ = "dossier_photos"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class IdentityNoteToSealRow(Base):
    """An identity-check entry revision 0013 took out of `dossiers.identity_check`, still clear:
    the migration has no key, so the first storage opened with the data key seals it into
    `dossiers.identity_sealed` and deletes this row (`kiosk.identity_note.seal_pending`)."""

    __tablename__ = "identity_notes_to_seal"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class DossierNamePairRow(Base):
    """Two name tokens of a dossier together (`kiosk.blind_index.pair`, revision 0012): a search of
    two or more words starts from the shortest pair list. Written with the tokens; deleted with the
    dossier by the database (ON DELETE CASCADE)."""

    __tablename__ = "dossier_name_pairs"
    __table_args__ = (
        Index("ix_dossier_name_pairs_pair", "pair", "dossier_id"),
        {"sqlite_with_rowid": False},
    )

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    pair: Mapped[str] = mapped_column(String(128), primary_key=True)


class DossierEventRow(Base):
    """One step in a dossier's history (status change, filing, payment, note), by an officer."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(32))  # officer id, or "kiosk"
    kind: Mapped[str] = mapped_column(String(16))  # status / filed / payment / note / assist
    status: Mapped[str | None] = mapped_column(String(16))  # the new status of a status change
    note_for_citizen: Mapped[str] = mapped_column(Text, default="", server_default="")
    note_internal: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Seconds an officer spent filing it online (kind "filed"), for the statistics.
    seconds: Mapped[int | None] = mapped_column(Integer)


class PaymentRow(Base):
    """A payment an officer confirmed: cash with a receipt number, or a VietQR transfer seen."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # "cash" / "vietqr"
    amount: Mapped[int] = mapped_column(Integer)  # whole đồng
    receipt_number: Mapped[str] = mapped_column(String(32), unique=True)
    confirmed_by: Mapped[str] = mapped_column(String(32))
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OfficerCallRow(Base):
    """A citizen's "Gọi cán bộ": made by a kiosk, seen live by the console, answered by an officer."""

    __tablename__ = "officer_calls"
    __table_args__ = (Index("ix_officer_calls_open", "answered_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    screen: Mapped[str] = mapped_column(String(64))  # the step the citizen is on
    waited_seconds: Mapped[int] = mapped_column(Integer)  # how long the session had lasted
    called_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class KioskSessionRow(Base):
    """One citizen session at a kiosk, anonymous (statistics: abandoned where, time at kiosk)."""

    __tablename__ = "kiosk_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    service_code: Mapped[str] = mapped_column(String(64), default="", server_default="")
    last_step: Mapped[str] = mapped_column(String(64), default="", server_default="")
    outcome: Mapped[str] = mapped_column(String(16))  # submitted / abandoned / timed_out
    assisted: Mapped[bool] = mapped_column(Boolean, default=False)


class TargetRow(Base):
    """A station head's target (chỉ tiêu) for a period: e.g. 2026-12, "dossiers", 300."""

    __tablename__ = "targets"

    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM, YYYY-Www or YYYY-MM-DD
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(64), primary_key=True, default="")  # "": all
    target: Mapped[int] = mapped_column(Integer)


class StationSettingRow(Base):
    """A station setting the station head edits in the console (name, help text)."""

    __tablename__ = "station_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ConsoleSessionRow(Base):
    """A logged-in console session: the SHA-256 of its cookie token, never the token."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.officer_id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    __tablename__ = "outbox"
    # The sync worker's query: unsent rows whose time has come, oldest first.
    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No ON DELETE CASCADE: purging a dossier must not silently drop an unsent submission.
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    target: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditRow(Base):
    """One officer action (status change, assist mode, export...), append-only: a link of the
    keyed hash chain of `kiosk.audit`. `id` is the row's number in the chain, given by the writer
    (1, 2, 3... without gaps), not by the database."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    # HMAC-SHA256 (hex) over the previous row's link and this row's content; "" on rows from
    # before revision 0005, which verification reports as unchained.
    link: Mapped[str] = mapped_column(String(64), server_default="")


_ROLE_VALUES = "'officer', 'station_head', 'technician'"  # kiosk.permissions.Role


class OfficerRow(Base):
    """An officer's account (`kiosk.officers`): argon2 hashes only, never a PIN or password."""

    __tablename__ = "officers"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="role"),)

    officer_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Revision 0011_dossier_photo: the officer's own chip card (`kiosk.officer_cards`), as the
    # blind-index token of its ID number (found by it when the card is placed) and the number
    # sealed (the chip's access key is derived from it). NULL: no card.
    card_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    card_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Revision 0009: at a province hub, the one station whose dossiers this account may see
    # (NULL: the whole database: at a station its own dossiers, at the hub the province's).
    station_id: Mapped[str | None] = mapped_column(String(64))


class PrintJobRow(Base):
    """One receipt to print (kiosk.printing): kept until the printer took it, retried meanwhile.

    The receipt holds the citizen's name, so it is stored sealed, like a dossier's payload.
    """

    __tablename__ = "print_jobs"
    # The print passes' query: this kiosk's unprinted jobs, oldest first.
    __table_args__ = (
        Index("ix_print_jobs_pending", "printed_at", "id"),
        Index("ix_print_jobs_kiosk_pending", "kiosk_id", "printed_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), index=True)  # not unique: reprints
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The `kiosk.receipt.Receipt` as JSON, sealed with "print:<tracking code>" as context.
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # The kiosk whose printer it is for ('' for jobs queued before revision 0003: any kiosk's).
    kiosk_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The print pass printing it now, until `lease_until` (see db.print_jobs); NULL when none.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class StationKeyRow(Base):
    """A key this database was used with (`kiosk.keys`): its id only, never the key."""

    __tablename__ = "station_keys"
    __table_args__ = (CheckConstraint("state IN ('current', 'retired', 'lost')", name="state"),)

    purpose: Mapped[str] = mapped_column(String(16), primary_key=True)  # "data" or "slip"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DailyCountRow(Base):
    """Anonymous statistics kept when old dossiers are purged (`kiosk.retention`): how many
    dossiers of a service ended in a status on a day, nothing about who."""

    __tablename__ = "daily_counts"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, station's local date
    service_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


# --- Revision 0007: the province hub (`hub/`) and a station's link to it --------------------------


class StationRecordRow(Base):
    """A station enrolled at the hub: its request key (RFC 9421 signatures, `kiosk.request_signing`)
    and its slip public keys (handed to the province's other stations at sync)."""

    __tablename__ = "stations"

    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    province: Mapped[str] = mapped_column(String(100))
    commune: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    # The signatures' `keyid` (`hub.keys.request_key_id`), and the raw public key in base64.
    request_key_id: Mapped[str] = mapped_column(String(32), unique=True)
    request_key: Mapped[str] = mapped_column(String(64))
    slip_keys: Mapped[str] = mapped_column(Text)  # JSON list of base64 raw Ed25519 public keys
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class EnrolmentCodeRow(Base):
    """A one-time enrolment code: its SHA-256 only, and the station record it will make."""

    __tablename__ = "enrolment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64))
    province: Mapped[str] = mapped_column(String(100))
    commune: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RequestNonceRow(Base):
    """Nonces of signed requests, shared by every hub process (`kiosk.request_signing.NonceLog`)."""

    __tablename__ = "request_nonces"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class HubSubmissionRow(Base):
    """A submission the hub accepted, by the station's idempotency key: a retry finds it here."""

    __tablename__ = "hub_submissions"

    idempotency_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    body_sha256: Mapped[str] = mapped_column(String(64))  # the same key with another body: refused
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class HubUploadRow(Base):
    """An attachment of a dossier on its way to the hub in chunks: how much has arrived so far is
    the offset a cut upload resumes at (`hub/uploads.py`)."""

    __tablename__ = "hub_uploads"
    __table_args__ = (UniqueConstraint("dossier_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))  # "photo", "scan-1"…: one per dossier
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    received: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class HubUploadChunkRow(Base):
    """One acknowledged chunk, sealed with the hub's data key like the dossier it belongs to."""

    __tablename__ = "hub_upload_chunks"

    upload_id: Mapped[int] = mapped_column(ForeignKey("hub_uploads.id", ondelete="CASCADE"), primary_key=True)
    offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    length: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))  # of the clear bytes: a resent chunk is compared
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class HubLinkRow(Base):
    """At a station: how far it has pulled the hub's statuses, when, and the province's slip keys."""

    __tablename__ = "hub_link"

    hub_url: Mapped[str] = mapped_column(String(255), primary_key=True)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    slip_keys: Mapped[str] = mapped_column(Text, default="{}")  # JSON {station id: [base64 keys]}
    # Revision 0009: the newest `dossier_events` id whose officer status change went to the hub.
    edits_cursor: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# --- Revision 0009: the province console, heartbeats, officers' changes made at a station ----------


class StationHeartbeatRow(Base):
    """At the hub: the newest heartbeat of each station (devices, outbox backlog, version)."""

    __tablename__ = "station_heartbeats"

    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the station's clock
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the hub's clock: offline since
    version: Mapped[str] = mapped_column(String(32))
    backlog: Mapped[int] = mapped_column(Integer)
    devices: Mapped[str] = mapped_column(Text)  # JSON {device: {"ok": bool, "state": str, "detail": str}}
    paper_out: Mapped[bool] = mapped_column(Boolean)


class CommuneTargetRow(Base):
    """At the hub: a province head's target (chỉ tiêu) of dossiers for a commune in a month."""

    __tablename__ = "commune_targets"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    commune: Mapped[str] = mapped_column(String(100), primary_key=True)
    target: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(32))


class HubChangeRow(Base):
    """At the hub: an officer's status change made at a station, in the order it arrived here
    (`id`), applied or refused with the reason (`kiosk.desk.status_refusal`)."""

    __tablename__ = "hub_status_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edit_key: Mapped[str] = mapped_column(String(128), unique=True)  # station id : station event id
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    tracking_code: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    note_for_citizen: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(32))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the station's clock, shown only
    arrived_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the hub's clock: the order
    outcome: Mapped[str] = mapped_column(String(16))  # applied / refused
    reason: Mapped[str] = mapped_column(Text, default="")


class StationChangeRow(Base):
    """At a station: what the hub answered to an officer's status change sent from here."""

    __tablename__ = "station_status_edits"

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # dossier_events.id
    tracking_code: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))  # applied / refused
    reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
