"""Retention: old dossiers, receipts and print jobs go; counts stay; undelivered dossiers stay."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.engine import make_engine
from db.models import DossierRow, OutboxRow, PrintJobRow
from db.retention import daily_counts
from devices.printer.pdf import PdfPrinter
from devices.printer.sample import sample_receipt
from kiosk.app.cli import main
from kiosk.app.root import (
    build_worker,
    make_retention,
    make_signer,
    make_storage,
    make_store,
    purge_old,
)
from kiosk.config import Config, load_config
from kiosk.dossier import Dossier
from kiosk.retention import local_day, purge_receipt_files
from kiosk.trackcode import new_code

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=400)  # past the default 365 days
YOUNG = NOW - dt.timedelta(days=10)


def config_for(tmp_path: Path) -> Config:
    return load_config(overrides={"paths.data_dir": str(tmp_path / "data")}, environ={})


def submit(config: Config, when: dt.datetime, service: str = "1.003677", delivered: bool = True) -> str:
    storage = make_storage(config)
    make_signer(config, storage)
    store = make_store(config, storage)
    code = new_code()
    receipt = dataclasses.replace(sample_receipt(), tracking_code=code)
    store.submit(
        Dossier(code, service, 1, "demo-station", when, holder={"full_name": "Vàng A Dính"}), receipt
    )
    if delivered:
        engine = make_engine(config.database_url)
        with engine.begin() as conn:
            row_id = conn.scalar(sa.select(DossierRow.id).where(DossierRow.tracking_code == code))
            conn.execute(sa.update(OutboxRow).where(OutboxRow.dossier_id == row_id).values(sent_at=when))
    return code


def codes_in(config: Config, model: type[DossierRow] | type[PrintJobRow]) -> set[str]:
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        return set(conn.scalars(sa.select(model.tracking_code)))


def test_purge_removes_old_rows_keeps_counts_young_rows_and_undelivered_ones(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    old = [submit(config, OLD), submit(config, OLD), submit(config, OLD, service="2.001159")]
    unsent = submit(config, OLD, delivered=False)
    young = submit(config, YOUNG)
    report = purge_old(config, make_retention(config), lambda: NOW)
    assert (report.dossiers, report.print_jobs, report.kept_unsent) == (3, 3, 1)
    assert codes_in(config, DossierRow) == {unsent, young} == codes_in(config, PrintJobRow)
    day = local_day(OLD)
    assert daily_counts(make_engine(config.database_url)) == [
        (day, "1.003677", "received", 2),
        (day, "2.001159", "received", 1),
    ]
    assert purge_old(config, make_retention(config), lambda: NOW).idle  # nothing left to purge
    assert set(old).isdisjoint(codes_in(config, DossierRow))
    engine = make_engine(config.database_url)
    with engine.connect() as conn:  # the undelivered dossier keeps its outbox row
        assert (
            conn.scalar(sa.select(sa.func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None)))
            == 1
        )


def test_counts_add_up_over_several_purges(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    submit(config, OLD)
    purge_old(config, make_retention(config), lambda: NOW)
    submit(config, OLD + dt.timedelta(minutes=5))
    purge_old(config, make_retention(config), lambda: NOW)
    assert daily_counts(make_engine(config.database_url)) == [(local_day(OLD), "1.003677", "received", 2)]


def test_old_receipt_files_and_crash_debris_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "receipts"
    folder.mkdir()
    old, young, part, fresh_part = (
        folder / n for n in ("A-1.pdf", "B-2.pdf", ".receipt-x.part", ".receipt-y.part")
    )
    for path in (old, young, part, fresh_part):
        path.write_bytes(b"%PDF")
    os.utime(old, (OLD.timestamp(), OLD.timestamp()))
    os.utime(part, (OLD.timestamp(), OLD.timestamp()))
    assert purge_receipt_files(folder, NOW - dt.timedelta(days=365)) == 2
    assert sorted(p.name for p in folder.iterdir()) == [".receipt-y.part", "B-2.pdf"]  # one being written


def test_the_pdf_printer_clears_partial_receipts_a_crash_left(tmp_path: Path) -> None:
    folder = tmp_path / "receipts"
    folder.mkdir()
    debris = folder / ".receipt-abc.part"
    debris.write_bytes("half a receipt: Vàng A Dính".encode())
    os.utime(debris, (OLD.timestamp(), OLD.timestamp()))
    PdfPrinter(folder)
    assert not debris.exists()


def test_kiosk_purge_and_the_daily_worker_task(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[retention]\ndays = 30\n', "utf-8")
    config = load_config(path, environ={})
    submit(config, YOUNG)  # 10 days: kept at 30
    submit(config, NOW - dt.timedelta(days=31))
    assert main(["--config", str(path), "purge"]) == 0
    assert "1 dossier(s), 1 print job(s)" in capsys.readouterr().out
    worker = build_worker(config, lambda: make_store(config))
    assert "purge" in [t.name for t in worker.tasks]


def test_retention_days_is_range_checked(tmp_path: Path) -> None:
    from kiosk.config import ConfigError

    with pytest.raises(ConfigError, match=r"'retention\.days' must be a whole number from 7 to 3650"):
        load_config(overrides={"retention.days": "0"}, environ={})


def test_a_purge_and_a_kiosk_submitting_at_once_both_succeed(tmp_path: Path) -> None:
    # The purge reads, then deletes: begun deferred it failed at once with "database is locked"
    # when a submission committed between its read and its first delete (seen under load).
    import threading

    config = config_for(tmp_path)
    for _ in range(30):
        submit(config, OLD)
    errors: list[BaseException] = []

    def kiosk() -> None:
        try:
            for _ in range(15):
                submit(config, YOUNG, delivered=False)  # the kiosk's own transaction only
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    def purger() -> None:
        try:
            for _ in range(15):
                purge_old(config, make_retention(config), lambda: NOW)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=kiosk), threading.Thread(target=purger)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(codes_in(config, DossierRow)) == 15  # every old one purged, every young one kept


def test_an_old_dossier_with_officers_work_is_purged_with_it(tmp_path: Path) -> None:
    """Its status changes (with their notes) and payments go in the same transaction: they are
    the dossier's history, personal data included, and would otherwise block its deletion."""
    from db.models import DossierEventRow, PaymentRow

    config = config_for(tmp_path)
    code = submit(config, OLD)
    engine = make_engine(config.database_url)
    with engine.begin() as conn:
        row_id = conn.scalar(sa.select(DossierRow.id).where(DossierRow.tracking_code == code))
        conn.execute(
            sa.insert(DossierEventRow).values(
                dossier_id=row_id,
                at=OLD,
                actor="cb01",
                kind="status",
                status="done",
                note_for_citizen="Mời Ông/Bà đến nhận",
                note_internal="",
                seconds=0,
            )
        )
        conn.execute(
            sa.insert(PaymentRow).values(
                dossier_id=row_id,
                method="cash",
                amount=20000,
                receipt_number="BL-1",
                confirmed_by="cb01",
                confirmed_at=OLD,
            )
        )
    report = purge_old(config, make_retention(config), lambda: NOW)
    assert report.dossiers == 1 and not codes_in(config, DossierRow)
    with engine.connect() as conn:
        for model in (DossierEventRow, PaymentRow):
            assert conn.scalar(sa.select(sa.func.count()).select_from(model)) == 0
