"""Print jobs belong to a kiosk and are claimed atomically: two print passes (two processes of one
kiosk, or two kiosks sharing a database) never print the same receipt, nor another kiosk's."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from db import migrate
from db.engine import make_engine
from db.models import PrintJobRow
from db.print_jobs import SqlPrintJobRepository
from devices.printer.fake import FakePrinter
from devices.printer.sample import sample_receipt
from kiosk.ports.printer import PrinterError, PrintJob
from kiosk.printing import LEASE, PrintQueue, seal_receipt
from kiosk.receipt import Receipt
from kiosk.sealing import KEY_SIZE, Sealer

NOW = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    migrate.upgrade(url)
    return make_engine(url)


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(os.urandom(KEY_SIZE))


def receipt(code: str) -> Receipt:
    return dataclasses.replace(sample_receipt(), tracking_code=code)


def queue(engine: sa.Engine, sealer: Sealer, kiosk: str, printer: FakePrinter, owner: str) -> PrintQueue:
    return PrintQueue(SqlPrintJobRepository(engine, kiosk), sealer, lambda: printer, lambda: NOW, owner)


def codes(printer: FakePrinter) -> list[str]:
    return [p.receipt.tracking_code for p in printer.printed]


class PrintsWhile(FakePrinter):
    """A printer that, while printing, lets something else happen (another pass starting)."""

    def __init__(self, during: Callable[[], None]) -> None:
        super().__init__()
        self.during = during

    def print_receipt(self, receipt: Receipt) -> PrintJob:
        self.during()
        return super().print_receipt(receipt)


def test_a_job_being_printed_is_not_printed_by_another_pass(engine: sa.Engine, sealer: Sealer) -> None:
    other_printer = FakePrinter()
    other = queue(engine, sealer, "kiosk-1", other_printer, "officer-cli")
    seen: list[int] = []
    printer = PrintsWhile(lambda: seen.append(other.print_pending().printed))
    kiosk = queue(engine, sealer, "kiosk-1", printer, "kiosk-ui")
    first = kiosk.enqueue(receipt("7K3QX-M9T2B"))
    kiosk.enqueue(receipt("ABCDE-FGHJK"))

    kiosk.print_job(first)  # while it prints, the officer's pass prints the other one only
    assert codes(printer) == ["7K3QX-M9T2B"] and codes(other_printer) == ["ABCDE-FGHJK"]
    assert seen == [1]
    assert kiosk.print_pending().printed == 0 and other.print_pending().printed == 0
    assert kiosk.pending() == []


def test_the_citizens_own_job_held_by_another_pass_is_not_printed_twice(
    engine: sa.Engine, sealer: Sealer
) -> None:
    citizen_printer = FakePrinter()
    kiosk = queue(engine, sealer, "kiosk-1", citizen_printer, "kiosk-ui")
    job = kiosk.enqueue(receipt("7K3QX-M9T2B"))
    outcome: list[object] = []

    def citizen_prints_meanwhile() -> None:
        try:
            outcome.append(kiosk.print_job(job))
        except PrinterError as exc:
            outcome.append(exc)

    officer = queue(engine, sealer, "kiosk-1", PrintsWhile(citizen_prints_meanwhile), "officer-cli")
    assert officer.print_pending().printed == 1
    [refused] = outcome  # held by the officer's pass: not printed, the citizen's print waits
    assert isinstance(refused, PrinterError) and "another print pass" in str(refused)
    assert citizen_printer.printed == []
    assert kiosk.print_job(job).completed  # printed by then: nothing more to do
    assert citizen_printer.printed == []


def test_a_kiosk_prints_its_own_jobs_only(engine: sa.Engine, sealer: Sealer) -> None:
    one, two = FakePrinter(), FakePrinter()
    kiosk_1 = queue(engine, sealer, "kiosk-1", one, "k1")
    kiosk_2 = queue(engine, sealer, "kiosk-2", two, "k2")
    own_1 = kiosk_1.enqueue(receipt("7K3QX-M9T2B"))
    kiosk_2.enqueue(receipt("ABCDE-FGHJK"))

    assert [p.tracking_code for p in kiosk_2.pending()] == ["ABCDEFGHJK"]
    assert kiosk_2.print_pending().printed == 1 and codes(two) == ["ABCDE-FGHJK"]
    with pytest.raises(PrinterError):
        kiosk_2.print_job(own_1)  # an id of kiosk 1's: kiosk 2 cannot claim it
    assert two.printed[1:] == []
    assert kiosk_1.print_pending().printed == 1 and codes(one) == ["7K3QX-M9T2B"]


def test_jobs_from_before_kiosk_ids_print_once_on_either(engine: sa.Engine, sealer: Sealer) -> None:
    job = seal_receipt(sealer, receipt("QQQQQ-22222"), NOW)
    with engine.begin() as conn:  # as revision 0002 left it: no kiosk
        conn.execute(
            sa.insert(PrintJobRow).values(
                tracking_code=job.tracking_code, created_at=NOW, attempts=0, payload=job.payload
            )
        )
    one, two = FakePrinter(), FakePrinter()
    assert queue(engine, sealer, "kiosk-2", two, "k2").print_pending().printed == 1
    assert queue(engine, sealer, "kiosk-1", one, "k1").print_pending().printed == 0
    assert codes(two) == ["QQQQQ-22222"] and one.printed == []


def test_a_claim_of_a_pass_that_died_expires(engine: sa.Engine, sealer: Sealer) -> None:
    repo = SqlPrintJobRepository(engine, "kiosk-1")
    printer = FakePrinter()
    job = queue(engine, sealer, "kiosk-1", printer, "alive").enqueue(receipt("7K3QX-M9T2B"))
    assert repo.claim(job, "killed-mid-print", NOW, NOW + LEASE)  # then SIGKILL: never released
    assert not repo.claim(job, "another", NOW, NOW + LEASE)

    assert queue(engine, sealer, "kiosk-1", printer, "alive").print_pending().printed == 0
    later = PrintQueue(repo, sealer, lambda: printer, lambda: NOW + LEASE + dt.timedelta(seconds=1), "alive")
    assert later.print_pending().printed == 1 and codes(printer) == ["7K3QX-M9T2B"]


def test_a_failed_print_releases_its_claim(engine: sa.Engine, sealer: Sealer) -> None:
    from kiosk.ports.printer import PrinterState, PrinterStatus

    printer = FakePrinter(PrinterStatus(PrinterState.PAPER_OUT, "roll empty"))
    kiosk = queue(engine, sealer, "kiosk-1", printer, "kiosk-ui")
    job = kiosk.enqueue(receipt("7K3QX-M9T2B"))
    with pytest.raises(PrinterError):
        kiosk.print_job(job)
    [waiting] = kiosk.pending()
    assert waiting.attempts == 1 and waiting.last_error
    assert SqlPrintJobRepository(engine, "kiosk-1").claim(job, "officer", NOW, NOW + LEASE)  # free again


def test_a_pass_takes_its_own_stale_claim_again(engine: sa.Engine, sealer: Sealer) -> None:
    repo = SqlPrintJobRepository(engine, "kiosk-1")
    job = queue(engine, sealer, "kiosk-1", FakePrinter(), "kiosk-ui").enqueue(receipt("7K3QX-M9T2B"))
    # Its print failed and the failure could not be recorded (disk full): the claim stayed.
    assert repo.claim(job, "kiosk-ui", NOW, NOW + LEASE)
    assert not repo.claim(job, "officer-cli", NOW, NOW + LEASE)
    printer = FakePrinter()
    assert queue(engine, sealer, "kiosk-1", printer, "kiosk-ui").print_job(job).completed  # the retry
    assert codes(printer) == ["7K3QX-M9T2B"]


def test_repositories_need_a_kiosk(engine: sa.Engine) -> None:
    with pytest.raises(ValueError, match="kiosk"):
        SqlPrintJobRepository(engine, "")
