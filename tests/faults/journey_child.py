"""A kiosk process for the fault-injection suite: headless journeys through the composition root.

    python tests/faults/journey_child.py DATA_DIR CONFIRMED_FILE [--journeys N] [--synchronous MODE]

Runs N lodging-absence journeys (emulated card, PDF printer, SQLite in DATA_DIR) and appends the
tracking code of each journey that reached the done screen to CONFIRMED_FILE, after the done
state: the codes a citizen was shown. The suite kills it, fills its disk, locks its database...
and then checks the database against that file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import db.engine
from kiosk.app.root import build_app
from kiosk.app.scripted import submit_as_citizen
from kiosk.config import load_config
from kiosk.flow import Phase
from kiosk.runner import InlineRunner


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("confirmed", type=Path)
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--synchronous", default=db.engine.SYNCHRONOUS)
    parser.add_argument("--kiosk-id", default="kiosk-1")
    args = parser.parse_args()
    db.engine.SYNCHRONOUS = args.synchronous  # to show the fsync check can fail with NORMAL
    settings = {"paths.data_dir": str(args.data_dir), "station.kiosk_id": args.kiosk_id}
    app = build_app(load_config(overrides=settings, demo=True, environ={}), InlineRunner())
    app.controller.start()
    fd = os.open(args.confirmed, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    for _ in range(args.journeys):
        state = submit_as_citizen(app)
        if state.phase is Phase.DONE:
            os.write(fd, f"{state.tracking_code}\n".encode())  # one write: a kill leaves no half line
        app.journey.reset()
    os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
