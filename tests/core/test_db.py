"""Database foundation: engine tuning, migrations that match the models, UTC timestamps."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError, StatementError

from db import migrate
from db.dossiers import SqlDossierRepository
from db.engine import BUSY_TIMEOUT_MS, make_engine, redact, redacted_url
from db.models import Base, DossierRow, OutboxRow
from db.print_jobs import SqlPrintJobRepository
from db.schema import SCHEMA_REVISION
from devices.printer.fake import FakePrinter
from devices.printer.sample import sample_receipt
from kiosk import trackcode
from kiosk.dossier import Dossier, TrackingCodeConflict
from kiosk.outbox import DeliveryReport, DossierStore, LocalTarget, deliver_pending
from kiosk.printing import PrintQueue
from kiosk.sealing import KEY_SIZE, Sealer

NOW = dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}"


@pytest.fixture
def engine(url: str) -> sa.Engine:
    migrate.upgrade(url)
    return make_engine(url)


def _dossier(code: str = "0000000000", status: str = "received") -> DossierRow:
    return DossierRow(
        tracking_code=code,
        service_code="1.001",
        service_version=1,
        station_id="HN-BD-01",
        status=status,
        submitted_at=NOW,
        updated_at=NOW,
        payload=b"x",
    )


def test_sqlite_connections_are_tuned(url: str, tmp_path: Path) -> None:
    engine = make_engine(url)
    assert (tmp_path / "data").is_dir()  # parent directory created
    with engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] == BUSY_TIMEOUT_MS
    assert pragmas["synchronous"] == 2  # FULL: the WAL is fsynced at each commit


def test_upgrade_creates_tables_and_is_idempotent(url: str) -> None:
    assert migrate.current_revision(url) is None
    assert not migrate.is_up_to_date(url)
    migrate.upgrade(url)
    tables = set(sa.inspect(make_engine(url)).get_table_names())
    assert {"dossiers", "outbox", "audit_log", "alembic_version"} <= tables
    assert migrate.is_up_to_date(url)

    with make_engine(url).begin() as conn:
        conn.execute(
            sa.insert(DossierRow).values(
                tracking_code="AAAAAAAAAA",
                service_code="s",
                service_version=1,
                station_id="x",
                status="received",
                submitted_at=NOW,
                updated_at=NOW,
                payload=b"p",
            )
        )
    migrate.upgrade(url)  # again: nothing to do, nothing lost
    assert migrate.current_revision(url) == SCHEMA_REVISION
    with make_engine(url).connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(DossierRow)) == 1


def test_checking_an_absent_database_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "nothing.db"
    assert migrate.current_revision(f"sqlite:///{path}") is None
    assert not migrate.is_up_to_date(f"sqlite:///{path}")
    assert not path.exists()


def test_downgrade_to_base_and_back(url: str, engine: sa.Engine) -> None:
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    assert set(sa.inspect(make_engine(url)).get_table_names()) == {"alembic_version"}
    assert migrate.current_revision(url) is None
    assert not migrate.is_up_to_date(url)
    migrate.upgrade(url)
    assert migrate.is_up_to_date(url)


def _diffs(engine: sa.Engine, metadata: sa.MetaData) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_models_match_migrations(engine: sa.Engine) -> None:
    assert _diffs(engine, Base.metadata) == []


def test_model_drift_would_be_caught(engine: sa.Engine) -> None:
    # Guards the test above: a column, index or type change missing from the migrations shows up.
    drifted = sa.MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["audit_log"].append_column(sa.Column("station_id", sa.String(64)))
    drifted.tables["outbox"].c.target.type = sa.String(200)
    sa.Index("ix_dossiers_station_id", drifted.tables["dossiers"].c.station_id)
    kinds = {diff[0][0] if isinstance(diff, list) else diff[0] for diff in _diffs(engine, drifted)}
    assert kinds == {"add_column", "modify_type", "add_index"}


def test_postgresql_ddl_has_no_sqlite_only_sql() -> None:
    # Offline mode renders the migrations for PostgreSQL without a server or driver.
    config = migrate.alembic_config()
    config.output_buffer = io.StringIO()
    config.set_main_option("sqlalchemy.url", "postgresql://")
    command.upgrade(config, "head", sql=True)
    sql = config.output_buffer.getvalue()
    assert "TIMESTAMP WITH TIME ZONE" in sql and "BYTEA" in sql
    assert "CONSTRAINT ck_dossiers_status CHECK" in sql
    assert "CREATE UNIQUE INDEX ix_dossiers_tracking_code" in sql
    assert "PRAGMA" not in sql and "AUTOINCREMENT" not in sql


def test_timestamps_come_back_aware_utc(engine: sa.Engine) -> None:
    hanoi = dt.timezone(dt.timedelta(hours=7))
    row = _dossier()
    row.submitted_at = dt.datetime(2026, 11, 26, 12, 0, 0, 123456, tzinfo=hanoi)
    with sa.orm.Session(engine) as session:
        session.add(row)
        session.commit()
    with sa.orm.Session(engine) as session:
        loaded = session.scalars(sa.select(DossierRow)).one()
        assert loaded.submitted_at.tzinfo is dt.UTC
        assert loaded.submitted_at == dt.datetime(2026, 11, 26, 5, 0, 0, 123456, tzinfo=dt.UTC)


def test_naive_datetime_is_refused(engine: sa.Engine) -> None:
    row = _dossier()
    row.submitted_at = dt.datetime(2026, 11, 26, 12, 0)
    with sa.orm.Session(engine) as session, pytest.raises(StatementError, match="naive"):
        session.add(row)
        session.commit()


def test_unknown_status_is_refused_by_the_database(engine: sa.Engine) -> None:
    with sa.orm.Session(engine) as session, pytest.raises(IntegrityError, match="CHECK"):
        session.add(_dossier(status="lost"))
        session.commit()


def test_tracking_code_is_unique(engine: sa.Engine) -> None:
    with sa.orm.Session(engine) as session, pytest.raises(IntegrityError, match="UNIQUE"):
        session.add_all([_dossier("ABCDEABCDE"), _dossier("ABCDEABCDE")])
        session.commit()


def test_outbox_foreign_key_is_enforced(engine: sa.Engine) -> None:
    with sa.orm.Session(engine) as session, pytest.raises(IntegrityError, match="FOREIGN KEY"):
        session.add(
            OutboxRow(
                dossier_id=999,
                target="local",
                idempotency_key="k",
                attempts=0,
                next_attempt_at=NOW,
                created_at=NOW,
            )
        )
        session.commit()


def test_status_lookup_uses_the_index(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT status FROM dossiers WHERE tracking_code = ?", ("X",)
        ).all()
    assert "ix_dossiers_tracking_code" in " ".join(str(row) for row in plan)


# --- PostgreSQL: the same migrations and store on a real server (district hub) ---------------
# Runs when the PostgreSQL server binaries and the psycopg driver are installed; skipped otherwise.


# `pg_url`: a throwaway PostgreSQL server for this module (tests/core/conftest.py).


def test_postgresql_migrations_match_models(pg_url: str) -> None:
    migrate.upgrade(pg_url)
    migrate.upgrade(pg_url)
    assert migrate.current_revision(pg_url) == SCHEMA_REVISION
    assert migrate.is_up_to_date(pg_url)
    engine = make_engine(pg_url)
    try:
        assert _diffs(engine, Base.metadata) == []
    finally:
        engine.dispose()


def test_postgresql_concurrent_first_starts_create_the_schema_once(pg_url: str) -> None:
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE first_starts")
    finally:
        admin.dispose()
    url = pg_url.replace("/postgres?", "/first_starts?")
    together = threading.Barrier(3)
    errors: list[BaseException] = []

    def start() -> None:
        together.wait()
        try:
            migrate.upgrade(url)
        except BaseException as exc:
            errors.append(exc)

    kiosks = [threading.Thread(target=start) for _ in range(3)]
    for kiosk in kiosks:
        kiosk.start()
    for kiosk in kiosks:
        kiosk.join(60)
    assert errors == []  # without the advisory lock: they deadlock, or "relation already exists"
    assert not any(kiosk.is_alive() for kiosk in kiosks)
    assert migrate.current_revision(url) == SCHEMA_REVISION


def test_postgresql_store_round_trip(pg_url: str) -> None:
    migrate.upgrade(pg_url)
    engine = make_engine(pg_url)
    sealer = Sealer(os.urandom(KEY_SIZE))
    store = DossierStore(SqlDossierRepository(engine, "kiosk-1"), sealer, clock=lambda: NOW)
    hanoi = dt.timezone(dt.timedelta(hours=7))
    dossier = Dossier(
        tracking_code=trackcode.new_code(),
        service_code="1.004194",
        service_version=1,
        station_id="HN-HUB",
        submitted_at=dt.datetime(2026, 11, 26, 12, 0, tzinfo=hanoi),
        fields={"reason": "Đăng ký tạm vắng"},
        holder={"full_name": "Phạm Minh Châu"},
    )
    try:
        store.submit(dossier)
        store.submit(dossier)  # idempotent on PostgreSQL too (savepoint after a unique violation)
        with pytest.raises(TrackingCodeConflict):
            store.submit(dataclasses.replace(dossier, fields={}))
        stored = store.get(dossier.tracking_code)
        assert stored is not None and stored.dossier == dossier
        assert stored.submitted_at.tzinfo is dt.UTC
        assert store.status(dossier.tracking_code) == "received"
        report = deliver_pending(store, {"local": LocalTarget()}, NOW)
        assert report == DeliveryReport(sent=1)

        # The dossier and its receipt in one transaction, and the citizen's print on PostgreSQL.
        second = dataclasses.replace(dossier, tracking_code=trackcode.new_code())
        receipt = dataclasses.replace(sample_receipt(), tracking_code=trackcode.display(second.tracking_code))
        job = store.submit(second, receipt)
        assert job is not None and store.submit(second, receipt) == job
        printer = FakePrinter()
        queue = PrintQueue(
            SqlPrintJobRepository(engine, "kiosk-1"), sealer, lambda: printer, clock=lambda: NOW
        )
        assert queue.print_for_citizen(job, lambda: None).completed
        assert [p.receipt for p in printer.printed] == [receipt]
        assert queue.pending() == []
    finally:
        engine.dispose()


def test_new_revision_follows_the_numbering(
    url: str, engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    path = migrate.new_revision(url, "nothing changed")
    following = f"{migrate.revision_number(SCHEMA_REVISION) + 1:04d}"
    assert path.name == f"{following}_nothing_changed.py"
    text = path.read_text()
    assert f"down_revision = '{SCHEMA_REVISION}'" in text or f'down_revision = "{SCHEMA_REVISION}"' in text
    migrate.upgrade(url)  # the rendered template is a valid, empty revision
    assert migrate.current_revision(url) == following


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://kiosk:s3cr%40t@hub.example/kiosk",
            "postgresql+psycopg://kiosk:***@hub.example/kiosk",
        ),
        (
            "postgresql://kiosk@/kiosk?host=/run/pg&password=hunter22",
            "postgresql://kiosk@/kiosk?host=/run/pg&password=***",
        ),
        ("postgresql://u:pa:ss/w@h/db", "postgresql://u:***@h/db"),  # everything up to the @ is the password
        ("sqlite:////var/lib/kiosk/kiosk.sqlite3", "sqlite:////var/lib/kiosk/kiosk.sqlite3"),
        ("postgresql://hub.example/kiosk?user=a@b", "postgresql://hub.example/kiosk?user=a@b"),
    ],
)
def test_database_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown


def test_an_error_message_loses_the_password_too() -> None:
    url = "postgresql://kiosk:s3cr%40t@hub.example/kiosk"
    message = f"connection to {url} failed: password 's3cr@t' rejected"
    assert (
        redact(message, url)
        == "connection to postgresql://kiosk:***@hub.example/kiosk failed: password '***' rejected"
    )
