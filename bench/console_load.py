"""Console pages with 20 officers at once (target: p95 < 200 ms), over PostgreSQL and SQLite.

    chrt -f 10 .venv/bin/python bench/console_load.py [--rows N] [--backend pg|sqlite|both]
        [--officers 20] [--pages 40] [--think 3.0] [--keep DIR]

A bounded load run on loopback. A station (kiosk.toml, keys, database) is made and filled with
`--rows` dossiers by `bench/console_scale.py`'s seeding, indexed with the station's own index key
so that the console's search finds them; 200 real dossiers (sealed as the kiosk seals them) are
then submitted on top for the dossier page, and `--officers` officer accounts added. `kiosk
serve` runs as its own process, as at a station. Each officer is an HTTP client (cookies, CSRF)
that signs in with its PIN, then opens `--pages` pages one after another, with a random pause
(exponential, mean `--think` s: an officer reads a page, types a name) between them:

    queue      /queue                      the first page, newest first          30 %
    search     /queue?q=<toneless name>    a name from console_scale.SEARCHES    30 %
    dossier    /dossiers/<code>            one of the 200 real dossiers          25 %
    statistics /stats?first=…&last=…       November 2026 by day (whole month)     5 %
    reference  /login                      the sign-in form: one settings read   10 %

Latency is measured at the client (what the officer waits, queueing included) and reported as
p50/p95/p99 per page; the reference page in the same run shows what the machine gave. With
`--keep DIR` the seeded stations stay for the next run (seeding 1M takes many minutes); the
folder is the same as `bench/console_scale.py --keep`'s, so one seeding serves both benches.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

# bench/ is on sys.path when run as a script
from console_scale import (
    FAMILY,
    GIVEN,
    MIDDLE,
    REAL_DOSSIERS,
    SEARCHES,
    postgresql_server,
    seeded_station,
    station,
)

from kiosk.app.root import make_officer_desk, make_storage, make_store
from kiosk.config import Config
from kiosk.dossier import Dossier
from kiosk.officers import Actor
from kiosk.permissions import Role
from kiosk.trackcode import new_code

ROOT = Path(__file__).resolve().parent.parent
PIN = "735102"
MONTH = {"first": "2026-11-01", "last": "2026-11-30", "by": "day"}
PAGES = {"queue": 30, "search": 30, "dossier": 25, "statistics": 5, "reference": 10}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(config: Config, rows: int, officers: int) -> tuple[list[str], float]:
    """Seed the station (or find it seeded): the real dossiers' codes and the seconds seeding took."""
    _index, seeded = seeded_station(config, rows)
    storage = make_storage(config)
    codes_file = config.data_dir / "bench-codes.txt"
    if seeded or not codes_file.exists():
        store = make_store(config, storage)
        codes, rng, at = [], random.Random(7), dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
        for i in range(REAL_DOSSIERS):
            # Names as the bulk's (not the searched phrases: console_scale's rows found stay its own).
            name = f"{rng.choice(list(FAMILY))} {rng.choice(list(MIDDLE))} {rng.choice(GIVEN)}"
            code = new_code()
            store.submit(
                Dossier(
                    code, "1.003677", 1, "HN-BD-01", at + dt.timedelta(minutes=i),
                    fields={"reason": f"lý do {i}"},
                    holder={"full_name": name, "id_number": f"{2_000_000_000 + i:012d}"},
                )
            )  # fmt: skip
            codes.append(code)
        desk = make_officer_desk(config)
        for n in range(1, officers + 1):
            desk.officers.add(Actor.command_line("bench"), f"CB{n:03d}", f"Cán bộ {n}", Role.OFFICER, PIN)
        codes_file.write_text("\n".join(codes), "utf-8")
    return codes_file.read_text("utf-8").split(), seeded


@contextmanager
def serving(config: Config) -> Iterator[str]:
    """`kiosk serve` on a free loopback port, as its own process; its log beside the station."""
    port = free_port()
    log = (config.data_dir / "serve.log").open("ab")
    kiosk = Path(sys.executable).parent / "kiosk"
    server = subprocess.Popen(
        [
            str(kiosk),
            "--config",
            str(config.data_dir.parent / "kiosk.toml"),
            "serve",
            "--listen",
            f"127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"kiosk serve did not answer: see {config.data_dir / 'serve.log'}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(30)
        log.close()


async def sign_in(client: httpx.AsyncClient, officer_id: str) -> None:
    form = await client.get("/login")
    found = CSRF.search(form.text)
    if not found:
        raise SystemExit("no CSRF field on the sign-in form")
    data = {"officer_id": officer_id, "secret": PIN, "kind": "pin", "csrf": found.group(1)}
    answer = await client.post("/login", data=data)
    if answer.status_code != 303:
        raise SystemExit(f"sign-in of {officer_id} refused: {answer.status_code}")


async def officer(
    base: str, officer_id: str, pages: int, think: float, codes: list[str], seed_: int
) -> list[tuple[str, float, int]]:
    """One officer's session: (page, milliseconds, status) of each page opened."""
    rng = random.Random(seed_)
    kinds, weights = list(PAGES), list(PAGES.values())
    done: list[tuple[str, float, int]] = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        await sign_in(client, officer_id)
        await asyncio.sleep(rng.uniform(0, think))  # officers do not start in step
        for _ in range(pages):
            kind = rng.choices(kinds, weights)[0]
            params: dict[str, str] = {}
            if kind == "queue":
                url = "/queue"
            elif kind == "search":
                url, params = "/queue", {"q": rng.choice(SEARCHES)}
            elif kind == "dossier":
                url = f"/dossiers/{rng.choice(codes)}"
            elif kind == "statistics":
                url, params = "/stats", MONTH
            else:
                url = "/login"
            started = time.perf_counter()
            answer = await client.get(url, params=params)
            done.append((kind, (time.perf_counter() - started) * 1000, answer.status_code))
            await asyncio.sleep(rng.expovariate(1 / think) if think else 0)
    return done


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def load(
    base: str, officers: int, pages: int, think: float, codes: list[str]
) -> list[tuple[str, float, int]]:
    runs = [officer(base, f"CB{n:03d}", pages, think, codes, n) for n in range(1, officers + 1)]
    return [page for one in await asyncio.gather(*runs) for page in one]


def report(label: str, results: list[tuple[str, float, int]], wall: float) -> list[str]:
    lines = []
    for kind in [*PAGES]:
        times = [ms for k, ms, _ in results if k == kind]
        failed = sum(1 for k, _, status in results if k == kind and status != 200)
        if not times:
            continue
        lines.append(
            f"| {label} | {kind} | {len(times)} | {statistics.median(times):.0f} ms | "
            f"{percentile(times, 95):.0f} ms | {percentile(times, 99):.0f} ms | "
            f"{max(times):.0f} ms | {failed} |"
        )
    every = [ms for _, ms, _ in results]
    lines.append(
        f"| {label} | all pages | {len(every)} | {statistics.median(every):.0f} ms | "
        f"{percentile(every, 95):.0f} ms | {percentile(every, 99):.0f} ms | {max(every):.0f} ms | "
        f"{sum(1 for *_, s in results if s != 200)} |"
    )
    lines.append(f"{label}: {len(every)} pages in {wall:.0f} s ({len(every) / wall:.1f} pages/s)")
    return lines


def run_backend(label: str, config: Config, args: argparse.Namespace) -> None:
    codes, seeded = prepare(config, args.rows, args.officers)
    print(
        f"{label}: {args.rows:,} dossiers " + (f"seeded in {seeded:.0f} s" if seeded else "(kept)"),
        flush=True,
    )
    with serving(config) as base:
        asyncio.run(load(base, 2, 3, 0, codes))  # warm-up: imports, templates, caches
        before = "/".join(f"{v:.1f}" for v in os.getloadavg())
        started = time.perf_counter()
        results = asyncio.run(load(base, args.officers, args.pages, args.think, codes))
        wall = time.perf_counter() - started
        after = "/".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{label}: load average {before} before, {after} after, on {os.cpu_count()} CPUs", flush=True)
    print("\n".join(report(label, results, wall)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("pg", "sqlite", "both"), default="both")
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--pages", type=int, default=40, help="pages each officer opens")
    parser.add_argument("--think", type=float, default=3.0, help="mean pause between pages, s")
    parser.add_argument("--keep", type=Path, help="folder kept between runs: the seeded stations")
    args = parser.parse_args()
    print(
        f"{args.officers} officers x {args.pages} pages, pause mean {args.think} s; pages {PAGES}", flush=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        if args.backend in ("pg", "both"):
            with postgresql_server(folder / "pg") as url:
                run_backend("PostgreSQL", station(folder / "pg-station", url), args)
        if args.backend in ("sqlite", "both"):
            run_backend("SQLite", station(folder / "sqlite-station", None), args)


if __name__ == "__main__":
    main()
