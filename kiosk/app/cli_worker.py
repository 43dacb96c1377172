"""`kiosk worker`: the station worker as a process of its own (`systemd/kiosk-worker.service`).

Delivers the outbox to the configured `submission.target` until SIGTERM or SIGINT, then stops
after the pass in progress and exits 0. Prints one line per pass that did something or failed.
Under systemd it says READY=1 once its loop runs, and pings the watchdog from that loop (a task
like the others, so a pass that hangs stops the pings and systemd restarts the worker).
"""

from __future__ import annotations

import argparse
import signal
from typing import Any

from kiosk.app.sd_notify import notify, watchdog_interval
from kiosk.config import load_config
from kiosk.station_lock import StationLock
from kiosk.worker import Outcome, Task

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def add_worker_command(subparsers: Any) -> None:
    worker = subparsers.add_parser("worker", help="run the station worker (outbox delivery) until stopped")
    worker.set_defaults(func=run_worker)


def _report(outcome: Outcome) -> None:
    if outcome.error is not None:
        print(f"{outcome.task}: failed: {type(outcome.error).__name__}: {outcome.error}", flush=True)
    elif outcome.eventful:
        print(f"{outcome.task}: {outcome.result}", flush=True)


def run_worker(args: argparse.Namespace) -> int:
    from kiosk.app.root import Lazy, build_worker, make_store

    config = load_config(args.config)
    interval = watchdog_interval()
    watchdog = [Task("watchdog", interval, lambda: notify("WATCHDOG=1"))] if interval else []
    worker = build_worker(config, Lazy(lambda: make_store(config)), on_outcome=_report, first=watchdog)
    lock = StationLock(config.lock_file, exclusive=False)
    # The signals wait for the main thread in sigwait (blocked before the worker thread starts,
    # so it inherits the mask): no handler runs in the middle of the worker's own locking.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        lock.acquire()  # `kiosk restore` refuses while a worker runs
        worker.start()
        notify("READY=1")
        print(f"worker: delivering to {config.submission.target!r}", flush=True)
        received = signal.sigwait(STOP_SIGNALS)
        notify("STOPPING=1")
        print(f"worker: {signal.Signals(received).name}, stopping", flush=True)
        stopped = worker.stop()
    finally:
        lock.release()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    print("worker: stopped" if stopped else "worker: a pass did not finish in time", flush=True)
    return 0 if stopped else 1
