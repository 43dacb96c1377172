"""`kiosk print test` and `kiosk receipt`: the receipt printer from the command line.

`test` prints the fixed sample receipt through the configured backend (or `--backend`), after
asking the printer's status, and says what happened: what an officer runs after changing the roll
or installing a printer. `receipt` renders a stored dossier's receipt to a PDF file (a copy for
the officer, or to attach to a complaint), without printing anything.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from kiosk.config import load_config

EXIT_FAILED = 1


def add_print_commands(subparsers: Any) -> None:
    """Register `print test` and `receipt` on an argparse subparsers object."""
    command = subparsers.add_parser("print", help="receipt printer: test print, receipt copies")
    commands = command.add_subparsers(dest="print_command", required=True)

    test = commands.add_parser("test", help="print the sample receipt and report the outcome")
    test.add_argument(
        "--backend", choices=("pdf", "cups", "escpos"), help="instead of printer.backend from the config"
    )
    test.set_defaults(func=run_test)

    queue = commands.add_parser("queue", help="receipts waiting for the printer (paper out, offline)")
    queue.set_defaults(func=run_queue)
    again = commands.add_parser("again", help="print the waiting receipts now, or reprint only CODE's")
    again.add_argument("code", metavar="CODE", nargs="?", help="a tracking code to reprint")
    again.set_defaults(func=run_again)

    receipt = subparsers.add_parser("receipt", help="render a stored dossier's receipt to a PDF file")
    receipt.add_argument("code", metavar="CODE", help="tracking code, as printed (hyphen optional)")
    receipt.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    receipt.set_defaults(func=run_receipt)


def _queue(args: argparse.Namespace) -> Any:
    from kiosk.app.root import Lazy, make_print_queue, make_printer, make_storage

    config = load_config(args.config)
    return make_print_queue(config, make_storage(config), Lazy(lambda: make_printer(config)))


def run_queue(args: argparse.Namespace) -> int:
    """The officer's view of the print queue (nothing personal is decrypted for it)."""
    jobs = _queue(args).pending()
    for job in jobs:
        error = f"  last error: {job.last_error}" if job.last_error else ""
        print(f"{job.tracking_code}  queued {job.created_at:%d/%m/%Y %H:%M}  tries {job.attempts}{error}")
    print(f"{len(jobs)} receipt(s) waiting")
    return 0


def run_again(args: argparse.Namespace) -> int:
    """Print what waits now (after paper was loaded), or queue one receipt again and print that
    one only (for the citizen at the counter: nobody else's receipt comes out with it)."""
    from kiosk.ports.printer import PrinterError
    from kiosk.sealing import SealError
    from kiosk.trackcode import normalize

    queue = _queue(args)
    if args.code:
        code = normalize(args.code)
        if code is None:
            print(f"{args.code!r} is not a tracking code")
            return EXIT_FAILED
        try:
            queue.print_job(queue.reprint(code))
        except LookupError:
            print(f"no receipt was ever queued for {args.code}")
            return EXIT_FAILED
        except SealError as exc:
            print(f"the stored receipt for {args.code} cannot be read with this station's key: {exc}")
            return EXIT_FAILED
        except PrinterError as exc:
            print(f"printed 0; stopped: {exc} (the copy stays queued)")
            return EXIT_FAILED
        print("printed 1")
        return 0
    report = queue.print_pending()
    print(f"printed {report.printed}" + (f"; stopped: {report.error}" if report.error else ""))
    return EXIT_FAILED if report.error else 0


def run_test(args: argparse.Namespace) -> int:
    from devices.printer.sample import sample_receipt
    from kiosk.app.printer_factory import make_printer
    from kiosk.ports.printer import PrinterError

    config = load_config(args.config)
    printer = make_printer(config, args.backend)
    print(f"printer: {printer.describe()}")
    status = printer.status()
    print(f"status:  {status.state.value}" + (f" ({status.message})" if status.message else ""))
    try:
        job = printer.print_receipt(sample_receipt())
    except PrinterError as exc:
        print(f"FAILED:  {exc.reason.value}" + (f": {exc.detail}" if exc.detail else ""))
        return EXIT_FAILED
    where = job.path or job.job_id or ""
    print(f"printed: sample receipt{' -> ' + str(where) if where else ''}")
    return 0


def run_receipt(args: argparse.Namespace) -> int:
    from devices.printer.receipt_pdf import render_receipt_pdf
    from kiosk.app.root import make_catalog, make_signer, make_storage, make_store, station_of
    from kiosk.controller import build_receipt
    from kiosk.ports.card import Holder
    from kiosk.trackcode import normalize

    config = load_config(args.config)
    code = normalize(args.code)
    if code is None:
        print(f"{args.code!r} is not a tracking code")
        return EXIT_FAILED
    storage = make_storage(config)
    stored = make_store(config, storage).get(code)
    if stored is None:
        from db.engine import redacted_url

        print(f"no dossier {args.code} in {redacted_url(config.database_url)}")
        return EXIT_FAILED
    if stored.dossier is None:
        print(stored.problem)
        return EXIT_FAILED
    dossier = stored.dossier
    try:
        service = make_catalog(config).get(dossier.service_code)
    except KeyError:
        print(f"dossier {args.code}: service {dossier.service_code} is not in the catalog")
        return EXIT_FAILED
    # Stored as the card gave it (empty fields left out); the three without defaults may be absent.
    known = {f.name for f in dataclasses.fields(Holder)}
    values = {"id_number": "", "full_name": "", "date_of_birth": ""}
    values.update({k: v for k, v in dossier.holder.items() if k in known})
    holder = Holder(**values)
    station = station_of(config)
    slip = make_signer(config, storage).sign(dossier.tracking_code)
    receipt = build_receipt(station, dossier, service, holder, "vi", slip)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(render_receipt_pdf(receipt))
    print(f"receipt for {receipt.tracking_code} written to {args.out}")
    return 0
