"""The officer's device-health screen at the kiosk: one line per part of the station, red or green,
each saying what to do. Built from the running kiosk's own devices and the health checks the
kiosk and `kiosk doctor` already run (`kiosk.app.health`); every line is a `Check` named by a key
of `kiosk.phrases.HEALTH_LINES`. Runs off the UI thread: it touches the reader, the printer and
the database. Never raises: a part that cannot even be asked is a red line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.app import health
from kiosk.flow.state import Phase
from kiosk.health import Check
from kiosk.ports.printer import PrinterState

if TYPE_CHECKING:
    from kiosk.app.root import KioskApp, WorkerLog
    from kiosk.config import Config
    from kiosk.outbox import DossierStore
    from kiosk.ports.printer import Printer
    from kiosk.printing import PrintQueue

SYNC_TASK = "deliver"  # the station worker's outbox task (`kiosk.app.root.build_worker`)
BACKLOG_OK = 20  # more dossiers than this waiting to be sent: the target is not taking them

PRINTER_TODO = {
    PrinterState.PAPER_OUT: "load a new paper roll and close the cover",
    PrinterState.OFFLINE: "check the printer's power and cable",
    PrinterState.STOPPED: "the print queue is paused: resume it (cupsenable)",
    PrinterState.ERROR: "see the printer's own display",
}


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}")


def _reader(app: KioskApp) -> Check:
    names = app.card_reader().readers()
    if not names:
        return Check("reader", False, "no reader attached: plug the reader's USB cable in again")
    return Check("reader", True, ", ".join(names))


def _card(app: KioskApp) -> Check:
    """A card lying on the reader with nobody in a session was forgotten by its owner."""
    present = app.card_reader().card_present()
    idle = app.journey.state().phase is Phase.IDLE
    if present and idle:
        return Check("card", False, "a card was left on the reader: keep it for its owner")
    return Check("card", True, "card present" if present else "no card")


def _printer(printer: Printer) -> Check:
    status = printer.status()
    if status.ready:
        return Check("printer", True, f"ready ({printer.describe()})")
    todo = PRINTER_TODO.get(status.state, "see the printer")
    message = f" ({status.message})" if status.message else ""
    return Check("printer", False, f"{status.state.value}{message}: {todo}")


def _receipts(queue: PrintQueue) -> Check:
    waiting = len(queue.pending())
    if waiting:
        return Check("receipts", False, f"{waiting} waiting: fix the printer, then 'Print waiting receipts'")
    return Check("receipts", True, "none waiting")


def _scanner(app: KioskApp) -> Check:
    port = app.config.scanner.serial_port
    if not port:
        return Check("scanner", True, "keyboard scanner: scan a slip on the status screen to test it")
    if not Path(str(port)).exists():
        return Check("scanner", False, f"{port} is not there: plug the scanner's cable in again")
    return Check("scanner", True, str(port))


def target_words(config: Config) -> str:
    """Where this station delivers, as the sync and outbox lines name it: the configured target,
    never "the province" for a station that has no hub."""
    if config.submission.target == "hub":
        return f"máy chủ tỉnh {config.hub.url}".strip()  # the province hub, by its address
    return "this station's own database (no hub)"


def _outbox(store: DossierStore, target: str) -> Check:
    backlog = store.backlog()
    if backlog > BACKLOG_OK:
        return Check(
            "outbox", False, f"{backlog} not sent yet to {target}: check the network, then the last sync line"
        )
    return Check("outbox", True, f"{backlog} not sent yet to {target}")


def _sync(worker_log: WorkerLog, target: str) -> Check:
    last = worker_log.last(SYNC_TASK)
    if last is None:
        return Check("sync", True, f"no delivery pass to {target} yet since start")
    at, outcome = last
    when = at.astimezone().strftime("%d/%m/%Y %H:%M")
    failed = int(getattr(outcome.result, "failed", 0) or 0)
    if outcome.error is not None or failed:
        why = outcome.error or f"{failed} dossier(s) not accepted"
        return Check("sync", False, f"{when}, {target}: {why}: check the network cable and {target}")
    return Check("sync", True, f"{when}, {target}")


def _database(config: Config) -> list[Check]:
    """The kiosk's storage checks, as its health task runs them: pages, disk, sealed data, slips."""
    by_name = {
        "database pages": "database",
        "free disk": "disk",
        "sealed data": "keys",
        "slip signing": "keys",
    }
    checks = health.service_checks(config)
    return [Check(by_name.get(c.name, "database"), c.ok, f"{c.name}: {c.detail}") for c in checks]


ORDER = ["reader", "card", "printer", "receipts", "scanner", "database", "keys", "outbox", "disk", "sync"]


def station_lines(
    config: Config,
    printer: Callable[[], Printer],
    queue: Callable[[], PrintQueue],
    store: Callable[[], DossierStore],
    worker_log: WorkerLog,
) -> list[Check]:
    """The lines of what the station worker holds (printer, receipts, database, keys, outbox,
    disk, sync): computed in the worker process, which owns them (`kiosk.app.station`)."""
    lines = [
        _guarded("printer", lambda: _printer(printer())),
        _guarded("receipts", lambda: _receipts(queue())),
    ]
    try:
        lines += _database(config)
    except Exception as exc:
        lines.append(Check("database", False, f"{type(exc).__name__}: {exc}"))
    target = target_words(config)
    lines += [
        _guarded("outbox", lambda: _outbox(store(), target)),
        _guarded("sync", lambda: _sync(worker_log, target)),
    ]
    return lines


def device_lines(app: KioskApp) -> list[Check]:
    """Every line of the health screen, in the order the screen shows them: the kiosk's own
    devices from here, the rest from the station worker over the channel."""
    lines = [
        _guarded("reader", lambda: _reader(app)),
        _guarded("card", lambda: _card(app)),
        _guarded("scanner", lambda: _scanner(app)),
    ]
    try:
        lines += app.station.station_lines()
    except Exception as exc:  # the worker does not answer: every line it holds is unknown
        lines.append(Check("database", False, f"station worker: {type(exc).__name__}: {exc}"))
    return sorted(lines, key=lambda c: ORDER.index(c.name))
