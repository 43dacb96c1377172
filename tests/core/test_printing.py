"""The durable print queue, its migration, and the `kiosk print` commands."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from db import migrate
from db.engine import make_engine
from db.models import DossierRow, PrintJobRow
from db.print_jobs import SqlPrintJobRepository
from devices.printer.fake import FakePrinter
from devices.printer.sample import sample_receipt
from kiosk.app.cli_print import add_print_commands
from kiosk.ports.printer import (
    Printer,
    PrinterError,
    PrinterErrorReason,
    PrinterState,
    PrinterStatus,
    PrintJob,
)
from kiosk.printing import PrintQueue, receipt_from_json, receipt_to_json
from kiosk.receipt import Receipt
from kiosk.sealing import KEY_SIZE, Sealer

NOW = dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC)
HANOI = dt.timedelta(hours=7)
CODES = ["7K3QX-M9T2B", "ABCDE-FGHJK", "QQQQQ-22222"]


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    migrate.upgrade(url)
    return make_engine(url)


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(os.urandom(KEY_SIZE))


def queue_on(engine: sa.Engine, sealer: Sealer, printer: Callable[[], Printer], **kwargs: Any) -> PrintQueue:
    return PrintQueue(SqlPrintJobRepository(engine, "kiosk-1"), sealer, printer, **kwargs)


def receipt(code: str, name: str = "Trần Thị Bích Ngọc") -> Receipt:
    return dataclasses.replace(sample_receipt(), tracking_code=code, citizen_name=name)


def printed_codes(printer: FakePrinter) -> list[str]:
    return [p.receipt.tracking_code for p in printer.printed]


PAPER_OUT = PrinterStatus(PrinterState.PAPER_OUT, "roll empty")
READY = PrinterStatus(PrinterState.READY)


def test_jobs_print_in_order(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter()
    queue = queue_on(engine, sealer, lambda: printer, clock=lambda: NOW)
    ids = [queue.enqueue(receipt(code)) for code in CODES]
    assert ids == sorted(ids)
    assert [p.tracking_code for p in queue.pending()] == ["7K3QXM9T2B", "ABCDEFGHJK", "QQQQQ22222"]

    report = queue.print_pending()
    assert (report.printed, report.error) == (3, None)
    assert printed_codes(printer) == CODES
    assert queue.pending() == []
    assert queue.print_pending().printed == 0  # nothing printed twice
    with engine.connect() as conn:
        rows = conn.execute(sa.select(PrintJobRow.printed_at, PrintJobRow.attempts)).all()
    assert rows == [(NOW, 1)] * 3


def test_paper_out_keeps_the_job_and_its_place(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter(PAPER_OUT)
    queue = queue_on(engine, sealer, lambda: printer)
    first, second = (queue.enqueue(receipt(code)) for code in CODES[:2])

    report = queue.print_pending()
    assert report.printed == 0
    assert report.error is not None and report.error.reason is PrinterErrorReason.PAPER_OUT
    pending = queue.pending()
    assert [p.job_id for p in pending] == [first, second]
    assert pending[0].attempts == 1 and "paper_out" in (pending[0].last_error or "")
    assert pending[1].attempts == 0  # the pass stopped at the first failure

    queue.print_pending()
    assert queue.pending()[0].attempts == 2

    printer.set_status(READY)  # the officer changed the roll
    assert queue.print_next().printed == 1
    assert printed_codes(printer) == CODES[:1]
    assert queue.print_pending().printed == 1
    assert printed_codes(printer) == CODES[:2]
    with engine.connect() as conn:
        errors = conn.execute(sa.select(PrintJobRow.last_error)).scalars().all()
    assert errors == [None, None]


def test_the_name_is_stored_sealed(engine: sa.Engine, sealer: Sealer) -> None:
    queue = queue_on(engine, sealer, FakePrinter)
    queue.enqueue(receipt("7K3QX-M9T2B", name="Nguyễn Văn Bình"))
    with engine.connect() as conn:
        payload = conn.execute(sa.select(PrintJobRow.payload)).scalar_one()
    assert "Nguyễn".encode() not in payload and b"Nguy" not in payload
    # Sealed for this tracking code: the blob cannot be opened under another row's context.
    assert sealer.open(payload, context=b"print:7K3QXM9T2B")["citizen_name"] == "Nguyễn Văn Bình"


def test_an_unreadable_job_does_not_block_the_others(engine: sa.Engine, sealer: Sealer) -> None:
    other_station = queue_on(engine, Sealer(os.urandom(KEY_SIZE)), FakePrinter)
    other_station.enqueue(receipt(CODES[0]))
    printer = FakePrinter()
    queue = queue_on(engine, sealer, lambda: printer)
    queue.enqueue(receipt(CODES[1]))

    report = queue.print_pending()
    assert (report.printed, report.skipped, report.error) == (1, 1, None)
    assert printed_codes(printer) == [CODES[1]]
    [kept] = queue.pending()  # kept for an officer, never deleted
    assert kept.tracking_code == "7K3QXM9T2B" and "cannot be read" in (kept.last_error or "")


def test_reprint_queues_the_stored_receipt_again(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter()
    queue = queue_on(engine, sealer, lambda: printer)
    original = receipt("7K3QX-M9T2B")
    queue.enqueue(original)
    queue.print_pending()
    job = queue.reprint("7k3qx m9t2b")  # as an officer types it
    assert [p.job_id for p in queue.pending()] == [job]
    queue.print_pending()
    assert [p.receipt for p in printer.printed] == [original, original]
    with pytest.raises(LookupError):
        queue.reprint("ABCDE-FGHJK")


class ExplodingPrinter(Printer):
    def print_receipt(self, receipt: Receipt) -> PrintJob:
        raise RuntimeError("driver bug")

    def status(self) -> PrinterStatus:
        return READY

    def describe(self) -> str:
        return "broken"


def test_a_printer_bug_is_reported_and_the_job_kept(engine: sa.Engine, sealer: Sealer) -> None:
    queue = queue_on(engine, sealer, ExplodingPrinter)
    queue.enqueue(receipt(CODES[0]))
    report = queue.print_pending()
    assert report.error is not None and report.error.reason is PrinterErrorReason.FAILED
    assert "driver bug" in report.error.detail
    assert len(queue.pending()) == 1


def test_print_job_raises_but_keeps_the_job(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter(PAPER_OUT)
    queue = queue_on(engine, sealer, lambda: printer)
    first = queue.enqueue(receipt(CODES[0]))
    with pytest.raises(PrinterError) as caught:
        queue.print_job(first)
    assert caught.value.reason is PrinterErrorReason.PAPER_OUT
    [kept] = queue.pending()
    assert kept.job_id == first and kept.attempts == 1 and "paper_out" in (kept.last_error or "")
    printer.set_status(READY)
    job = queue.print_job(queue.enqueue(receipt(CODES[1])))
    assert job.completed
    assert printed_codes(printer) == [CODES[1]]  # this one only: the older one waits for an officer
    assert [p.job_id for p in queue.pending()] == [first]
    with pytest.raises(LookupError):
        queue.print_job(9999)


def test_a_printed_job_does_not_print_twice(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter()
    queue = queue_on(engine, sealer, lambda: printer)
    job = queue.enqueue(receipt(CODES[0]))
    queue.print_job(job)
    assert queue.print_job(job).completed  # a second ask (a double tap, a retry) prints nothing
    assert printed_codes(printer) == CODES[:1]


def test_a_citizens_print_prints_their_own_receipt_only(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter(PAPER_OUT)
    queue = queue_on(engine, sealer, lambda: printer)
    names = ["Lò Văn Pó", "Giàng A Sử"]
    older = [queue.enqueue(receipt(code, name)) for code, name in zip(CODES[:2], names, strict=True)]
    for job in older:  # two earlier citizens' receipts, left waiting by a paper-out
        with pytest.raises(PrinterError):
            queue.print_for_citizen(job, lambda: None)
    queue.citizen_left()
    printer.set_status(READY)  # the roll is changed; the next citizen submits

    mine = queue.enqueue(receipt(CODES[2], "Hoàng Thị Mỷ"))
    assert queue.print_for_citizen(mine, lambda: None).completed
    assert [p.receipt.citizen_name for p in printer.printed] == ["Hoàng Thị Mỷ"]
    assert [p.job_id for p in queue.pending()] == older  # still waiting, for an officer
    assert queue.retry_for_citizen().printed == 0  # and the worker leaves them alone
    assert [p.receipt.citizen_name for p in printer.printed] == ["Hoàng Thị Mỷ"]

    report = queue.print_pending()  # the officer: `kiosk print again`
    assert (report.printed, report.error) == (2, None)
    assert printed_codes(printer) == [CODES[2], CODES[0], CODES[1]]


def test_the_waiting_citizens_receipt_is_retried_until_they_leave(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter(PAPER_OUT)
    queue = queue_on(engine, sealer, lambda: printer)
    told: list[str] = []
    job = queue.enqueue(receipt(CODES[0]))
    with pytest.raises(PrinterError):
        queue.print_for_citizen(job, lambda: told.append("printed"))
    report = queue.retry_for_citizen()  # paper still out
    assert report.printed == 0 and report.error is not None
    assert report.error.reason is PrinterErrorReason.PAPER_OUT
    assert told == [] and queue.pending()[0].attempts == 2

    printer.set_status(READY)
    assert queue.retry_for_citizen().printed == 1
    assert told == ["printed"] and printed_codes(printer) == CODES[:1]
    assert queue.retry_for_citizen().idle  # done: nothing more to retry
    assert queue.pending() == []


def test_a_receipt_left_by_a_citizen_who_went_waits_for_an_officer(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter(PAPER_OUT)
    queue = queue_on(engine, sealer, lambda: printer)
    told: list[str] = []
    job = queue.enqueue(receipt(CODES[0]))
    with pytest.raises(PrinterError):
        queue.print_for_citizen(job, lambda: told.append("printed"))
    queue.citizen_left()  # the session reset
    printer.set_status(READY)
    assert queue.retry_for_citizen().idle
    # A restarted kiosk knows no waiting citizen either.
    assert queue_on(engine, sealer, lambda: printer).retry_for_citizen().idle
    assert printed_codes(printer) == [] and told == []
    assert [p.job_id for p in queue.pending()] == [job]


def test_concurrent_passes_print_each_job_once(engine: sa.Engine, sealer: Sealer) -> None:
    printer = FakePrinter()
    queue = queue_on(engine, sealer, lambda: printer)
    for i in range(6):
        queue.enqueue(receipt(f"JOB{i:02d}"))
    threads = [threading.Thread(target=queue.print_pending) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert printed_codes(printer) == [f"JOB{i:02d}" for i in range(6)]


@pytest.mark.parametrize(
    "submitted_at",
    [
        dt.datetime(2026, 11, 26, 14, 5),
        dt.datetime(2026, 11, 26, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    ],
)
def test_receipt_json_round_trip(submitted_at: dt.datetime) -> None:
    original = dataclasses.replace(sample_receipt(), submitted_at=submitted_at)
    assert receipt_from_json(receipt_to_json(original)) == original


# --- migration 0002 --------------------------------------------------------------------------------


def test_migration_fills_old_dossiers_and_checks_payment_status(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO dossiers (tracking_code, service_code, service_version, station_id, status,"
                " submitted_at, updated_at, payload) VALUES ('AAAAAAAAAA', 's', 1, 'x', 'received',"
                " '2026-11-26 07:00:00', '2026-11-26 07:00:00', x'00')"
            )
        )
    migrate.upgrade(url)
    with engine.connect() as conn:
        row = conn.execute(sa.select(DossierRow.fee_amount, DossierRow.payment_status)).one()
    assert tuple(row) == (0, "not_required")
    with pytest.raises(IntegrityError, match="CHECK"), engine.begin() as conn:
        conn.execute(sa.update(DossierRow).values(payment_status="maybe"))
    with engine.begin() as conn:
        conn.execute(sa.update(DossierRow).values(payment_status="paid", fee_amount=50_000))

    with engine.begin() as conn:  # and back: the dossier survives the downgrade
        command.downgrade(migrate.alembic_config(conn), "0001")
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM dossiers")) == 1
        assert "print_jobs" not in sa.inspect(conn).get_table_names()
    engine.dispose()


# --- kiosk print ... ------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path)
    add_print_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def write_config(tmp_path: Path, printer: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n\n[printer]\n{printer}\n', "utf-8")
    return path


def test_print_test_through_the_configured_backend(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lp0"
    config = write_config(tmp_path, f'backend = "escpos"\nescpos_connection = "file:{out}"')
    assert run_cli(["--config", str(config), "print", "test"]) == 0
    assert out.read_bytes().startswith(b"\x1b@")
    assert "printed" in capsys.readouterr().out

    assert run_cli(["--config", str(config), "print", "test", "--backend", "pdf"]) == 0
    assert len(list((tmp_path / "data" / "receipts").glob("*.pdf"))) == 1


def test_print_test_reports_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, f'backend = "escpos"\nescpos_connection = "file:{tmp_path}/no/dir/lp0"')
    assert run_cli(["--config", str(config), "print", "test"]) == 1
    assert "FAILED:  not_writable" in capsys.readouterr().out


def test_receipt_command_renders_a_stored_dossier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.app.root import make_signer, make_storage, make_store
    from kiosk.catalog import load_catalog
    from kiosk.config import load_config
    from kiosk.controller import mask_id
    from kiosk.dossier import Dossier
    from kiosk.trackcode import display, new_code

    config_path = write_config(tmp_path, 'backend = "pdf"')
    config = load_config(config_path)
    service = load_catalog().services[0]
    code = new_code()
    storage = make_storage(config)
    make_signer(config, storage)  # the kiosk signs a slip before it stores the dossier
    make_store(config, storage).submit(
        Dossier(
            tracking_code=code,
            service_code=service.code,
            service_version=service.version,
            station_id="demo-station",
            submitted_at=NOW,
            fields={},
            holder={
                "id_number": "001090012345",
                "full_name": "Lê Thị Thu Hương",
                "date_of_birth": "01/02/1990",
            },
        )
    )
    out = tmp_path / "copy" / "receipt.pdf"
    assert run_cli(["--config", str(config_path), "receipt", display(code).lower(), "--out", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Lê Thị Thu Hương" in flat and display(code) in flat
    assert mask_id("001090012345") in flat and "001090012345" not in flat  # masked, as at the kiosk

    assert run_cli(["--config", str(config_path), "receipt", new_code(), "--out", str(out)]) == 1
    assert "no dossier" in capsys.readouterr().out
    assert run_cli(["--config", str(config_path), "receipt", "nonsense", "--out", str(out)]) == 1


def test_officer_sees_the_queue_and_prints_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.app.root import Lazy, make_print_queue, make_printer, make_storage
    from kiosk.config import load_config
    from kiosk.trackcode import display, new_code

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")  # a receipts folder under a regular file: the "printer" is out of order
    broken = write_config(tmp_path, f'backend = "pdf"\npdf_dir = "{blocker / "receipts"}"')
    config = load_config(broken)
    queue = make_print_queue(config, make_storage(config), Lazy(lambda: make_printer(config)))
    code = new_code()
    with pytest.raises(PrinterError):
        queue.print_job(queue.enqueue(receipt(code)))
    assert run_cli(["--config", str(broken), "print", "queue"]) == 0
    out = capsys.readouterr().out
    assert code in out and "1 receipt(s) waiting" in out
    assert run_cli(["--config", str(broken), "print", "again"]) == 1  # still out of order: kept

    fixed = write_config(tmp_path, 'backend = "pdf"')  # paper loaded, so to speak
    assert run_cli(["--config", str(fixed), "print", "again"]) == 0
    assert "printed 1" in capsys.readouterr().out
    assert run_cli(["--config", str(fixed), "print", "queue"]) == 0
    assert "0 receipt(s) waiting" in capsys.readouterr().out
    assert run_cli(["--config", str(fixed), "print", "again", display(code)]) == 0  # an officer's reprint
    assert len(list((tmp_path / "data" / "receipts").glob("*.pdf"))) == 2


def test_print_again_code_prints_that_receipt_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.app.root import Lazy, make_print_queue, make_printer, make_storage
    from kiosk.config import load_config
    from kiosk.trackcode import display, new_code

    config_path = write_config(tmp_path, 'backend = "pdf"')
    config = load_config(config_path)
    queue = make_print_queue(config, make_storage(config), Lazy(lambda: make_printer(config)))
    mine, stranger = new_code(), new_code()
    queue.print_job(queue.enqueue(receipt(mine, "Lò Văn Pó")))
    queue.enqueue(receipt(stranger, "Giàng A Sử"))  # left waiting by someone else
    capsys.readouterr()

    assert run_cli(["--config", str(config_path), "print", "again", display(mine)]) == 0
    assert "printed 1" in capsys.readouterr().out
    files = sorted((tmp_path / "data" / "receipts").glob("*.pdf"))
    assert len(files) == 2 and all(mine in f.name.replace("-", "") for f in files)
    assert [p.tracking_code for p in queue.pending()] == [stranger]  # still waiting, not handed out

    (tmp_path / "other").mkdir()  # another station's data folder (its own key) on this database
    database = f'[database]\nurl = "{config.database_url}"'
    other_key = write_config(tmp_path / "other", f'backend = "pdf"\n{database}')
    from kiosk.app.cli import main

    assert main(["--config", str(other_key), "print", "again", display(mine)]) == 2
    assert "data key file" in capsys.readouterr().err  # refused: no new key over sealed data
    assert not (tmp_path / "other" / "data" / "data.key").exists()
