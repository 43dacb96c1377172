"""Soak: thousands of journeys through one kiosk (offscreen window, emulated card, pdf printer).

The kiosk is built by the composition root and its window by `ui.compose`, as `kiosk run` does; a
scripted citizen (`kiosk.app.scripted`) taps through lodging absence to the printed receipt, then the
session is wiped. Every `--every` journeys it records resident memory, open file descriptors and
threads. After `--warm-up` journeys, growth must stay under 10 MB with no fd or thread leak.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/soak.py --journeys 10000
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from kiosk.app.root import build_app
from kiosk.app.scripted import submit_as_citizen
from kiosk.config import load_config
from kiosk.flow.state import Phase
from kiosk.ports.voice import Silent
from kiosk.runner import InlineRunner
from ui.compose import kiosk_window


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def trimmed_rss_mb() -> float:
    """RSS after glibc hands its free heap pages back: growth here is memory really held."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mb()


def sqlite_mb() -> float:
    """Memory SQLite holds (page caches of every connection, schema, statements): its own counter."""
    lib = ctypes.CDLL("libsqlite3.so.0")
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return float(lib.sqlite3_memory_used()) / 2**20


def live_types() -> Counter[str]:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def report_growth(held: tracemalloc.Snapshot, types_before: Counter[str], types_after: Counter[str]) -> None:
    print("\n-- allocated since the first trace point and still held (by traceback):", flush=True)
    for stat in held.statistics("traceback")[:15]:
        print(f"{stat.size / 1024:+9.1f} KiB {stat.count:+7d} blocks", flush=True)
        for line in stat.traceback.format()[-14:]:
            print("    " + line, flush=True)
    print("-- live objects grown, by type:", flush=True)
    grown = types_after.copy()
    grown.subtract(types_before)
    for name, count in grown.most_common(15):
        print(f"{count:+8d}  {name}", flush=True)
    print(flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=10_000)
    parser.add_argument("--warm-up", type=int, default=200)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument(
        "--trace",
        metavar="A,B",
        help="diagnose growth: tracemalloc snapshots and live objects per type at journeys A and B, diffed",
    )
    args = parser.parse_args()
    trace_at = tuple(int(n) for n in args.trace.split(",")) if args.trace else ()
    types_at_first: Counter[str] = Counter()
    qt = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as scratch:
        config = load_config(overrides={"paths.data_dir": scratch}, demo=True, environ={})
        app = build_app(config, InlineRunner())
        window = kiosk_window(app, Silent(), (1366, 768))
        window.resize(1366, 768)
        window.show()
        app.controller.start()
        reference: tuple[float, int, int] | None = None
        start = time.perf_counter()
        done = failed = 0
        print("journeys  rss_MB trimmed sqlite  fds  threads  py_blocks  journeys/s", flush=True)
        for index in range(1, args.journeys + 1):
            state = submit_as_citizen(app, index % len(app.demo_profiles))
            done += state.phase is Phase.DONE
            failed += state.phase is not Phase.DONE
            app.card_reader().remove()  # type: ignore[attr-defined]
            app.journey.reset()
            qt.processEvents()
            # The wiped screens' deleteLater, as app.exec() would run it (processEvents alone does not).
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            if index == args.warm_up:
                gc.collect()
                reference = (rss_mb(), fds(), threads())
                start_steady, at_steady = time.perf_counter(), index
            if trace_at and index == trace_at[0]:
                # Traced from here on: what is still held at the second point was allocated since.
                gc.collect()
                types_at_first = live_types()
                tracemalloc.start(10)
            if trace_at and index == trace_at[1]:
                gc.collect()
                report_growth(tracemalloc.take_snapshot(), types_at_first, live_types())
                tracemalloc.stop()
            if index % args.every == 0:
                rate = index / (time.perf_counter() - start)
                print(
                    f"{index:8d}  {rss_mb():6.1f}  {trimmed_rss_mb():6.1f}  {sqlite_mb():6.1f}"
                    f"  {fds():3d}  {threads():7d}  {sys.getallocatedblocks():9d}  {rate:10.1f}",
                    flush=True,
                )
        gc.collect()
        end = (rss_mb(), fds(), threads())
        steady_rate = (args.journeys - at_steady) / (time.perf_counter() - start_steady)
        assert reference is not None
        print(
            f"\n{done} journeys done, {failed} failed; after warm-up ({args.warm_up}): "
            f"RSS {reference[0]:.1f} -> {end[0]:.1f} MB ({end[0] - reference[0]:+.1f}), "
            f"fds {reference[1]} -> {end[1]}, threads {reference[2]} -> {end[2]}, "
            f"{steady_rate:.1f} journeys/s"
        )
        window.allow_close = True
        window.close()
        app.controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
