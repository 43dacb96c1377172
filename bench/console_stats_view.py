"""CPU of a cached statistics view (a month by day, ended), in the console's own process.

    chrt -f 10 .venv/bin/python bench/console_stats_view.py --station DIR/sqlite-station \
        [--views 30] [--profile]

Over a station seeded by bench/console_scale.py / console_load.py (`--keep DIR`), the console is
built as `kiosk serve` builds it and signed in to (officer CB001, the load bench's PIN); November
2026 is viewed once (counted), then `--views` times. Reported as thread CPU per view (not wall: the
machine is shared), for the figures (`Statistics.figures`), the page body (`render_stats`) and the
whole page through the ASGI client, beside the sign-in form page as the reference. `--profile`
prints a pyinstrument profile of the figures and body (pyinstrument is not a dependency: install
it into the venv to use it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from console.stats_view import render_stats
from kiosk.app.root import build_console
from kiosk.config import load_config
from kiosk.stats import Grain, Statistics

PIN = "735102"  # bench/console_load.py's officers
FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
MONTH = {"first": FIRST.isoformat(), "last": LAST.isoformat(), "by": "day"}


def cpu_ms(run: Callable[[], object], n: int) -> float:
    started = time.process_time()  # the ASGI client runs the route on a worker thread: process CPU
    for _ in range(n):
        run()
    return (time.process_time() - started) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--station", type=Path, required=True, help="folder holding the station's kiosk.toml")
    parser.add_argument("--views", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    config = load_config(args.station / "kiosk.toml", environ={})
    app = build_console(config)
    services = app.state.services
    assert services.statistics is not None
    with TestClient(app, base_url="http://127.0.0.1") as client:
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        data = {"officer_id": "CB001", "secret": PIN, "kind": "pin", "csrf": csrf.group(1)}
        assert client.post("/login", data=data, follow_redirects=False).status_code == 303
        started = time.perf_counter()
        assert client.get("/stats", params=MONTH).status_code == 200
        print(f"first view (counts November): {(time.perf_counter() - started) * 1000:,.0f} ms wall")
        statistics = services.statistics
        figures = statistics.figures(FIRST, LAST)  # kept from here on
        n = args.views
        # As before whole figures were kept: the same kept day counts, counted into figures each view.
        counting = Statistics(statistics._source, statistics._services.values(), statistics._tz)
        lines = {
            "reference: sign-in form page": cpu_ms(lambda: client.get("/login"), n),
            "figures counted from kept day counts (before)": cpu_ms(lambda: counting.figures(FIRST, LAST), n),
            "figures (Statistics.figures)": cpu_ms(lambda: statistics.figures(FIRST, LAST), n),
            "page body (render_stats)": cpu_ms(lambda: render_stats(figures), n),
            "whole page (/stats, client included)": cpu_ms(lambda: client.get("/stats", params=MONTH), n),
        }  # fmt: skip
        print(f"{n} views; {len(figures.rows)} rows\n| part | CPU per view |\n| --- | --- |")
        for label, ms in lines.items():
            print(f"| {label} | {ms:.1f} ms |")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(n):
                render_stats(services.statistics.figures(FIRST, LAST, Grain.DAY, "x"))
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
