"""A kiosk process for the fault-injection suite: headless journeys through the composition root.

    python tests/faults/journey_child.py DATA_DIR CONFIRMED_FILE [--journeys N] [--synchronous MODE]
        [--kiosk-id ID] [--receipts DIR] [--officer-pass] [--start-after FILE]

Runs N lodging-absence journeys (emulated card, PDF printer, SQLite in DATA_DIR) and appends the
tracking code of each journey that reached the done screen to CONFIRMED_FILE, after the done
state: the codes a citizen was shown. `--officer-pass`: after each journey, an officer's `kiosk print
again` pass over the waiting receipts, in this process. `--start-after FILE`: touch FILE.ready.PID
once the kiosk is built, then wait for FILE before opening the database (two kiosks open an
empty one at the same instant).

The suite kills it, fills its disk, locks its database...
and then checks the database against that file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import db.engine
from kiosk.app.root import build_app
from kiosk.app.scripted import submit_as_citizen
from kiosk.config import load_config
from kiosk.flow.state import Phase
from kiosk.runner import InlineRunner


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("confirmed", type=Path)
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--synchronous", default=db.engine.SYNCHRONOUS)
    parser.add_argument("--kiosk-id", default="kiosk-1")
    parser.add_argument("--receipts", type=Path, help="the PDF printer's folder (default: in DATA_DIR)")
    parser.add_argument("--officer-pass", action="store_true")
    parser.add_argument("--start-after", type=Path)
    args = parser.parse_args()
    db.engine.SYNCHRONOUS = args.synchronous  # to show the fsync check can fail with NORMAL
    settings = {"paths.data_dir": str(args.data_dir), "station.kiosk_id": args.kiosk_id}
    if args.receipts:
        settings["printer.pdf_dir"] = str(args.receipts)
    app = build_app(load_config(overrides=settings, demo=True, environ={}), InlineRunner())
    app.controller.start()
    if args.start_after:
        Path(f"{args.start_after}.ready.{os.getpid()}").touch()
        while not args.start_after.exists():
            time.sleep(0.001)
    app.station.warm()  # as the UI warms it after the first paint: the database is opened, migrated
    fd = os.open(args.confirmed, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    for _ in range(args.journeys):
        state = submit_as_citizen(app)
        if state.phase is Phase.DONE:
            os.write(fd, f"{state.review.tracking_code}\n".encode())  # one write: a kill leaves no half line
        app.journey.reset()
        if args.officer_pass:
            app.print_queue().print_pending()
    os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
