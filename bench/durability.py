"""What durability costs: submission latency with SQLite `synchronous=FULL` beside `NORMAL`, and
the time to drain a 7-day outbox backlog.

    .venv/bin/python bench/durability.py [--journeys 60] [--backlog 5000] [--dir /var/tmp]

Latency: two kiosks built by the composition root (`build_app`: emulated card, PDF printer,
SQLite), one per mode, in this process, take turns running headless journeys
(`kiosk.app.scripted`), so both see the same machine load. Reported per mode: the median of the
whole journey and of the "Gửi" tap alone (dossier, outbox row and print job committed, receipt
PDF written: what the citizen waits for), and of `DossierStore.submit` by itself.

Drain: `backlog` dossiers submitted over 7 days that never reached the target (the link was
down), then `deliver_pending` passes to a target that accepts everything, timed until the outbox
is empty, per mode. Run it on the station's own disk: `--dir` (default: the system temp folder,
which may be a RAM disk where fsync costs nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import db.engine
from kiosk.app.root import KioskApp, build_app, make_store
from kiosk.app.scripted import journey_steps
from kiosk.config import load_config
from kiosk.dossier import Dossier
from kiosk.flow.state import Phase
from kiosk.outbox import DossierStore, LocalTarget, deliver_pending
from kiosk.runner import InlineRunner
from kiosk.trackcode import new_code

MODES = ("FULL", "NORMAL")
WARM_UP = 3


def kiosk(mode: str, folder: Path) -> KioskApp:
    db.engine.SYNCHRONOUS = mode  # read as each connection is made: open the storage now
    settings = {"paths.data_dir": str(folder / mode), "station.kiosk_id": f"bench-{mode.lower()}"}
    app = build_app(load_config(overrides=settings, demo=True, environ={}), InlineRunner())
    app.controller.start()
    app.station.warm()  # the station's side (served on a thread here): database, keys, print queue
    return app


def one_journey(app: KioskApp) -> tuple[float, float]:
    """Seconds for the whole journey and for its "Gửi" tap."""
    steps = journey_steps(app)
    start = time.perf_counter()
    for _name, tap in steps[:-1]:
        tap()
    tapped = time.perf_counter()
    steps[-1][1]()
    done = time.perf_counter()
    state = app.journey.state()
    assert state.phase is Phase.DONE and state.review.print_state == "printed", state
    app.journey.reset()
    return done - start, done - tapped


def dossier(at: dt.datetime) -> Dossier:
    return Dossier(
        tracking_code=new_code(),
        service_code="1.003677",
        service_version=1,
        station_id="bench",
        submitted_at=at,
        fields={"destination": "Thôn 3, xã Tam Thăng, thành phố Đà Nẵng", "reason": "work"},
        holder={"id_number": "049098007788", "full_name": "Nguyễn Văn An", "date_of_birth": "1960-05-01"},
    )


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms"


def latency(folder: Path, journeys: int) -> None:
    apps = {mode: kiosk(mode, folder) for mode in MODES}
    for app in apps.values():
        for _ in range(WARM_UP):
            one_journey(app)
    whole: dict[str, list[float]] = {m: [] for m in MODES}
    tap: dict[str, list[float]] = {m: [] for m in MODES}
    submit: dict[str, list[float]] = {m: [] for m in MODES}
    now = dt.datetime.now(dt.UTC)
    for _ in range(journeys):
        for mode, app in apps.items():  # interleaved: both modes under the same load
            journey_s, tap_s = one_journey(app)
            whole[mode].append(journey_s)
            tap[mode].append(tap_s)
            assert app.side is not None
            store = app.side.store()  # the store itself, without the channel
            submit[mode].append(timed(lambda store=store: store.submit(dossier(now))))
    print(f"submission latency, {journeys} headless journeys per mode, interleaved (medians):")
    print("  mode     journey     'Gửi' tap   DossierStore.submit")
    for mode in MODES:
        print(f"  {mode:<7} {ms(whole[mode])}  {ms(tap[mode])}  {ms(submit[mode])}")


def drain(folder: Path, backlog: int) -> None:
    print(f"outbox drain, {backlog} submissions over 7 days never delivered:")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    for mode in MODES:
        db.engine.SYNCHRONOUS = mode
        data = folder / f"drain-{mode}"
        settings = {"paths.data_dir": str(data), "station.kiosk_id": "bench"}
        store: DossierStore = make_store(load_config(overrides=settings, environ={}))
        fill = timed(
            lambda store=store: [
                store.submit(dossier(start + dt.timedelta(days=7) * i / backlog)) for i in range(backlog)
            ]
        )
        assert store.backlog() == backlog
        passes = 0
        now = dt.datetime.now(dt.UTC)

        def empty(store: DossierStore = store, now: dt.datetime = now) -> None:
            nonlocal passes
            while not deliver_pending(store, {"local": LocalTarget()}, now).idle:
                passes += 1

        took = timed(empty)
        assert store.backlog() == 0
        size = sum(f.stat().st_size for f in data.glob("kiosk.sqlite3*")) / 1e6
        print(
            f"  {mode:<7} drained in {took:6.2f} s ({passes} passes of 100, {took / backlog * 1000:.2f} ms"
            f" a row); filling it took {fill:6.1f} s; database {size:.1f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--journeys", type=int, default=60)
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go (a real disk)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="kiosk-durability-") as tmp:
        folder = Path(tmp)
        fs = os.statvfs(folder)
        print(f"databases in {folder} ({fs.f_bsize}-byte blocks)")
        latency(folder, args.journeys)
        drain(folder, args.backlog)


if __name__ == "__main__":
    main()
