"""The outbox: what the citizen submitted is stored once, sealed, and delivered with retries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from db import migrate
from db.dossiers import SqlDossierRepository
from db.engine import make_engine
from db.models import DossierRow, OutboxRow, PrintJobRow
from devices.printer.sample import sample_receipt
from kiosk.dossier import Dossier, TrackingCodeConflict
from kiosk.outbox import DeliveryReport, DossierStore, LocalTarget, backoff_delay, deliver_pending
from kiosk.ports.storage import OutboxItem
from kiosk.ports.target import DossierSource
from kiosk.printing import receipt_from_json
from kiosk.receipt import Receipt
from kiosk.sealing import KEY_SIZE, Sealer

T0 = dt.datetime(2026, 11, 26, 2, 30, tzinfo=dt.UTC)
KEY = os.urandom(KEY_SIZE)
HOLDER = {"full_name": "Trần Văn Đức", "id_number": "079085001234", "dob": "1985-03-02"}


def make_receipt(code: str = "7K3QXM9T2B") -> Receipt:
    return dataclasses.replace(sample_receipt(), tracking_code=code, citizen_name="Trần Văn Đức")


def store_on(engine: sa.Engine, key: bytes = KEY, **kwargs: Any) -> DossierStore:
    return DossierStore(SqlDossierRepository(engine, "kiosk-1"), Sealer(key), **kwargs)


def make_dossier(code: str = "7K3QXM9T2B", **changes: Any) -> Dossier:
    dossier = Dossier(
        tracking_code=code,
        service_code="1.004194",
        service_version=2,
        station_id="HCM-Q1-03",
        submitted_at=T0,
        fields={"reason": "Mất căn cước", "copies": 2, "urgent": False, "tags": ["a", "b"]},
        holder=HOLDER,
    )
    return dataclasses.replace(dossier, **changes)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def engine(url: str) -> sa.Engine:
    return make_engine(url)


@pytest.fixture
def store(engine: sa.Engine) -> DossierStore:
    return store_on(engine, clock=lambda: T0)


def count(engine: sa.Engine, model: type[DossierRow] | type[OutboxRow] | type[PrintJobRow]) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_submit_then_get_returns_the_same_dossier(store: DossierStore) -> None:
    dossier = make_dossier()
    store.submit(dossier)
    stored = store.get(dossier.tracking_code)
    assert stored is not None and stored.readable and stored.problem is None
    assert stored.dossier == dossier
    assert stored.status == "received"
    assert stored.submitted_at == T0


def test_personal_data_is_not_in_the_database_in_clear(store: DossierStore, url: str) -> None:
    store.submit(make_dossier())
    raw = Path(url.removeprefix("sqlite:///")).read_bytes()
    wal = Path(url.removeprefix("sqlite:///") + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"079085001234" not in raw
    assert "Trần Văn Đức".encode() not in raw
    assert b"7K3QXM9T2B" in raw  # the tracking code itself is meant to be searchable


def test_submit_writes_dossier_and_outbox_row(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier())
    assert count(engine, DossierRow) == 1
    [item] = store.pending(now=T0)
    assert item == OutboxItem(item.outbox_id, "7K3QXM9T2B", "local", "local:7K3QXM9T2B", 0)


def test_submitting_twice_is_harmless(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier())
    store.submit(make_dossier(fields=dict(make_dossier().fields)))  # equal, not identical
    assert count(engine, DossierRow) == 1
    assert count(engine, OutboxRow) == 1


def test_same_dossier_for_a_second_target_is_queued_there(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier())
    store.submit(make_dossier(), targets=["district-hub"])
    assert count(engine, DossierRow) == 1
    assert {i.target for i in store.pending(now=T0)} == {"local", "district-hub"}


@pytest.mark.parametrize(
    "change",
    [
        {"holder": {**HOLDER, "id_number": "079085009999"}},
        {"fields": {"reason": "Khác"}},
        {"service_code": "1.000001"},
        {"submitted_at": T0 + dt.timedelta(seconds=1)},
    ],
)
def test_another_dossier_with_the_same_code_is_a_conflict(
    store: DossierStore, engine: sa.Engine, change: dict[str, Any]
) -> None:
    store.submit(make_dossier())
    with pytest.raises(TrackingCodeConflict):
        store.submit(make_dossier(**change))
    stored = store.get("7K3QXM9T2B")
    assert stored is not None and stored.dossier == make_dossier()
    assert count(engine, OutboxRow) == 1


def test_submit_is_one_transaction(store: DossierStore, engine: sa.Engine) -> None:
    # Make the outbox insert fail: the dossier row must not stay behind without its outbox row.
    def fail_outbox(*args: object) -> None:
        statement, params = str(args[2]), args[3]
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            raise sa.exc.OperationalError(statement, params, Exception("disk I/O error"))  # type: ignore[arg-type]

    sa.event.listen(engine, "before_cursor_execute", fail_outbox)
    try:
        with pytest.raises(sa.exc.OperationalError):
            store.submit(make_dossier())
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail_outbox)
    assert count(engine, DossierRow) == 0
    store.submit(make_dossier())  # and a retry then works
    assert count(engine, DossierRow) == count(engine, OutboxRow) == 1


def test_submit_queues_the_receipt_in_the_same_transaction(store: DossierStore, engine: sa.Engine) -> None:
    job = store.submit(make_dossier(), make_receipt())
    assert job is not None
    with engine.connect() as conn:
        row = conn.execute(sa.select(PrintJobRow)).one()
    assert (row.id, row.tracking_code, row.printed_at) == (job, "7K3QXM9T2B", None)
    assert b"Tr\xe1\xba\xa7n" not in row.payload  # the name on the receipt is sealed
    opened = receipt_from_json(Sealer(KEY).open(row.payload, context=b"print:7K3QXM9T2B"))
    assert opened == make_receipt()
    # A retry of the same submission queues nothing new and names the same job.
    assert store.submit(make_dossier(), make_receipt()) == job
    assert count(engine, PrintJobRow) == count(engine, DossierRow) == count(engine, OutboxRow) == 1


def test_a_failed_print_job_insert_stores_no_dossier(store: DossierStore, engine: sa.Engine) -> None:
    def fail_print_job(*args: object) -> None:
        statement, params = str(args[2]), args[3]
        if statement.lstrip().upper().startswith("INSERT INTO PRINT_JOBS"):
            raise sa.exc.OperationalError(statement, params, Exception("database or disk is full"))  # type: ignore[arg-type]

    sa.event.listen(engine, "before_cursor_execute", fail_print_job)
    try:
        with pytest.raises(sa.exc.OperationalError):
            store.submit(make_dossier(), make_receipt())
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail_print_job)
    # No code without its receipt: nothing of the submission stayed behind.
    assert count(engine, DossierRow) == count(engine, OutboxRow) == count(engine, PrintJobRow) == 0


def test_a_conflicting_dossier_queues_no_receipt(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier())
    with pytest.raises(TrackingCodeConflict):
        store.submit(make_dossier(fields={"reason": "Khác"}), make_receipt())
    assert count(engine, PrintJobRow) == 0


def test_the_store_queues_for_its_configured_targets(engine: sa.Engine) -> None:
    hub_store = store_on(engine, clock=lambda: T0, targets=["hub"])
    hub_store.submit(make_dossier())
    assert [(i.target, i.idempotency_key) for i in hub_store.pending(now=T0)] == [("hub", "hub:7K3QXM9T2B")]


def test_concurrent_double_submit_stores_once(url: str) -> None:
    workers = 6
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def submit() -> None:
        store = store_on(make_engine(url), clock=lambda: T0)
        barrier.wait()
        try:
            store.submit(make_dossier())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    engine = make_engine(url)
    assert count(engine, DossierRow) == count(engine, OutboxRow) == 1


def test_unknown_code(store: DossierStore) -> None:
    assert store.get("0000000000") is None
    assert store.status("0000000000") is None


def test_status_needs_no_key(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier())
    with engine.begin() as conn:
        conn.execute(sa.update(DossierRow).values(status="processing"))
    keyless = store_on(engine, os.urandom(KEY_SIZE))
    assert keyless.status("7K3QXM9T2B") == "processing"


def test_corrupt_row_is_reported_not_raised(
    store: DossierStore, engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    store.submit(make_dossier())
    with engine.begin() as conn:
        conn.execute(sa.update(DossierRow).values(payload=b"\x01garbage-garbage-garbage-garbage"))
    stored = store.get("7K3QXM9T2B")
    assert stored is not None and not stored.readable and stored.dossier is None
    assert stored.problem is not None and "7K3QXM9T2B" in stored.problem
    assert stored.status == "received"  # what is not sealed is still there
    assert "cannot be read" in caplog.text


def test_wrong_key_gives_unreadable_dossier(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier())
    stored = store_on(engine, os.urandom(KEY_SIZE)).get("7K3QXM9T2B")
    assert stored is not None and not stored.readable
    assert stored.problem is not None and "sealed with key" in stored.problem


def test_payload_moved_to_another_row_does_not_open(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier("AAAAAAAAAA"))
    store.submit(make_dossier("BBBBBBBBBB", holder={"full_name": "Lê Thị Mai"}))
    with engine.begin() as conn:
        blob = conn.scalar(sa.select(DossierRow.payload).where(DossierRow.tracking_code == "BBBBBBBBBB"))
        conn.execute(
            sa.update(DossierRow).where(DossierRow.tracking_code == "AAAAAAAAAA").values(payload=blob)
        )
    stored = store.get("AAAAAAAAAA")
    assert stored is not None and not stored.readable


def test_mark_failed_then_sent(store: DossierStore) -> None:
    store.submit(make_dossier())
    [item] = store.pending(now=T0)
    retry_at = T0 + dt.timedelta(minutes=5)
    store.mark_failed(item.outbox_id, "connection refused", retry_at)
    assert store.pending(now=T0) == []
    assert store.pending(now=retry_at - dt.timedelta(seconds=1)) == []
    [again] = store.pending(now=retry_at)
    assert again.attempts == 1 and again.idempotency_key == item.idempotency_key
    assert store.backlog() == 1
    store.mark_sent(item.outbox_id, now=retry_at)
    assert store.pending(now=retry_at + dt.timedelta(days=1)) == []
    assert store.backlog() == 0


def test_pending_is_oldest_first_and_limited(store: DossierStore, engine: sa.Engine) -> None:
    codes = ["CCCCCCCCCC", "AAAAAAAAAA", "BBBBBBBBBB"]
    clock = [T0]
    ticking = store_on(engine, clock=lambda: clock[0])
    for code in codes:
        ticking.submit(make_dossier(code))
        clock[0] += dt.timedelta(minutes=1)
    late = T0 + dt.timedelta(hours=1)
    assert [i.tracking_code for i in store.pending(now=late)] == codes
    assert [i.tracking_code for i in store.pending(limit=2, now=late)] == codes[:2]


def test_local_target_delivers_by_marking_sent(store: DossierStore) -> None:
    store.submit(make_dossier("AAAAAAAAAA"))
    store.submit(make_dossier("BBBBBBBBBB"))
    report = deliver_pending(store, {"local": LocalTarget()}, now=T0)
    assert report == DeliveryReport(sent=2, failed=0)
    assert store.backlog() == 0
    assert deliver_pending(store, {"local": LocalTarget()}, now=T0) == DeliveryReport()


class FlakyTarget:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.seen: list[str] = []

    def deliver(self, item: OutboxItem, source: DossierSource) -> None:
        self.seen.append(item.idempotency_key)
        stored = source.get(item.tracking_code)
        assert stored is not None and stored.readable  # a remote target sends the content
        if self.failures:
            self.failures -= 1
            raise ConnectionError("network unreachable")


def test_failed_delivery_backs_off_exponentially(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier(), targets=["hub"])
    hub = FlakyTarget(failures=3)
    targets = {"hub": hub}
    now = T0
    for expected_wait in (30, 60, 120):
        assert deliver_pending(store, targets, now) == DeliveryReport(failed=1)
        assert deliver_pending(store, targets, now + dt.timedelta(seconds=expected_wait - 1)) == (
            DeliveryReport()
        )  # not due yet
        now += dt.timedelta(seconds=expected_wait)
    with engine.connect() as conn:
        last_error = conn.scalar(sa.select(OutboxRow.last_error))
    assert last_error == "ConnectionError: network unreachable"
    assert deliver_pending(store, targets, now) == DeliveryReport(sent=1)
    assert hub.seen == ["hub:7K3QXM9T2B"] * 4  # same idempotency key on every attempt
    assert store.backlog() == 0


def test_unknown_target_is_recorded_not_raised(store: DossierStore, engine: sa.Engine) -> None:
    store.submit(make_dossier(), targets=["hub"])
    assert deliver_pending(store, {"local": LocalTarget()}, T0) == DeliveryReport(failed=1)
    with engine.connect() as conn:
        assert "no submission target 'hub'" in (conn.scalar(sa.select(OutboxRow.last_error)) or "")


def test_backoff_is_capped() -> None:
    assert backoff_delay(0) == dt.timedelta(seconds=30)
    assert backoff_delay(3) == dt.timedelta(seconds=240)
    assert backoff_delay(10) == dt.timedelta(hours=1)
    assert backoff_delay(10_000) == dt.timedelta(hours=1)
