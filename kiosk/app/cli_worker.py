"""`kiosk worker`: the station worker as a process of its own (`systemd/kiosk-worker.service`, or
a child of `kiosk run` when none runs: `kiosk.app.worker_child`).

Delivers the outbox to the configured `submission.target`, and serves the kiosk's UI process the
station's services over the channel (`kiosk.app.channel`, `kiosk.app.station`: submissions,
printing, officers, health), until SIGTERM or SIGINT — or, as `kiosk run`'s child, until its
kiosk's pipe closes — then stops after the pass in progress and exits 0. Prints one line per pass
that did something or failed. Under systemd it says READY=1 once it serves, and pings the
watchdog from its loop (a task like the others, so a pass that hangs stops the pings and systemd
restarts the worker). A second worker for the same station refuses to start.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from kiosk.app.sd_notify import notify, watchdog_interval
from kiosk.config import load_config
from kiosk.station_lock import StationLock
from kiosk.worker import Outcome, Task

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def add_worker_command(subparsers: Any) -> None:
    worker = subparsers.add_parser(
        "worker", help="run the station worker (outbox delivery, the kiosk's station services) until stopped"
    )
    # `kiosk run`'s child: the kiosk's configuration comes pickled on standard input, and the
    # end of that pipe means the kiosk has gone.
    worker.add_argument("--config-stdin", action="store_true", help=argparse.SUPPRESS)
    worker.set_defaults(func=run_worker)


def _report(outcome: Outcome) -> None:
    if outcome.error is not None:
        print(f"{outcome.task}: failed: {type(outcome.error).__name__}: {outcome.error}", flush=True)
    elif outcome.eventful:
        print(f"{outcome.task}: {outcome.result}", flush=True)


def run_worker(args: argparse.Namespace) -> int:
    from kiosk.app.channel import StationServer, answers, socket_path
    from kiosk.app.station import StationSide
    from kiosk.app.worker_child import read_config, stop_when_the_kiosk_goes

    config = read_config(sys.stdin.buffer) if args.config_stdin else load_config(args.config)
    interval = watchdog_interval()
    watchdog = [Task("watchdog", interval, lambda: notify("WATCHDOG=1"))] if interval else []
    side = StationSide(config, on_outcome=_report, first=watchdog)
    path = socket_path(config.data_dir)
    if answers(path, timeout_s=2.0):
        print(f"worker: another station worker already serves {path}", file=sys.stderr, flush=True)
        return 1
    lock = StationLock(config.lock_file, exclusive=False)
    # The signals wait for the main thread in sigwait (blocked before the other threads start,
    # so they inherit the mask): no handler runs in the middle of the worker's own locking.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    server: StationServer | None = None
    try:
        lock.acquire()  # `kiosk restore` refuses while a worker runs
        server = StationServer(path, side.methods()).start()
        side.worker.start()
        if args.config_stdin:
            threading.Thread(target=stop_when_the_kiosk_goes, name="kiosk-pipe", daemon=True).start()
        notify("READY=1")
        print(f"worker: delivering to {config.submission.target!r}, serving {path}", flush=True)
        received = signal.sigwait(STOP_SIGNALS)
        notify("STOPPING=1")
        print(f"worker: {signal.Signals(received).name}, stopping", flush=True)
        server.close()
        server = None
        stopped = side.worker.stop()
    finally:
        if server is not None:
            server.close()
        lock.release()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    print("worker: stopped" if stopped else "worker: a pass did not finish in time", flush=True)
    return 0 if stopped else 1
