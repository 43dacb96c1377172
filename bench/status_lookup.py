"""The status screen's lookup, end to end, with a station database of 1,000,000 dossiers.

    .venv/bin/python bench/status_lookup.py [--rows N] [--db PATH] [--lookups N]

Fills a fresh SQLite file (real schema from the migrations) in bulk, as `bench/db_lookup.py`
does, but seals each row's payload with the store's own key so the lookup really opens it (a
realistic ~400-byte dossier). Then times `StatusLookup(store, signer)(text)` — the call the kiosk
makes in the background — for each kind of input: a scanned slip (MAC check + lookup), a typed
code, a genuine slip for an absent dossier, a forged slip, a mistyped code and an ID card QR.
Not part of the test suite: the fill takes about a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from db import migrate
from db.dossiers import SqlDossierRepository
from db.engine import make_engine
from db.models import DossierRow
from kiosk import trackcode
from kiosk.outbox import DossierStore
from kiosk.scan import parse_scan
from kiosk.sealing import KEY_SIZE, Sealer
from kiosk.slip import SlipSigner
from kiosk.status import LookupOutcome, StatusLookup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from db_lookup import random_codes  # the same code generator as the DB benchmark

BATCH = 50_000
STATION = "HN-BD-01"
CCCD = "001190012345|063512345|Giàng Thị Mỷ|14031990|Nữ|Thôn Lao Chải 1, Xã Lao Chải, Huyện Sa Pa|10052021"


def fill(engine: sa.Engine, codes: list[str], sealer: Sealer) -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    statuses = ["received", "processing", "done", "rejected"]
    record = {
        "fields": {"destination": "Thôn 3, Xã Tam Thăng, Thành phố Tam Kỳ", "from": "2026-12-01", "days": 14},
        "holder": {"full_name": "Nguyễn Thị Minh Khai", "id_number": "079185001234", "dob": "1985-03-02"},
    }
    for start in range(0, len(codes), BATCH):
        rows = [
            {
                "tracking_code": code,
                "service_code": "1.003677",
                "service_version": 1,
                "station_id": STATION,
                "status": statuses[i % 4],
                "submitted_at": t0 + dt.timedelta(seconds=i),
                "updated_at": t0 + dt.timedelta(seconds=i),
                # Sealed per row with its code as context, exactly as DossierStore.submit does.
                "payload": sealer.seal(record, context=code.encode()),
            }
            for i, code in enumerate(codes[start : start + BATCH], start)
        ]
        with engine.begin() as conn:
            conn.execute(sa.insert(DossierRow), rows)


def timed(fn: Callable[[str], object], inputs: list[str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread) milliseconds per call: on a shared 2-vCPU machine the
    tail of the wall clock is mostly time spent waiting for a CPU, which the CPU time leaves out."""
    wall, cpu = [], []
    for text in inputs:
        c, t = time.thread_time(), time.perf_counter()
        fn(text)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    return wall, cpu


def pct(ordered: list[float], fraction: float) -> float:
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def row(label: str, timings: tuple[list[float], list[float]]) -> str:
    wall, cpu = sorted(timings[0]), sorted(timings[1])
    return (
        f"| {label} | {statistics.median(wall):.3f} | {pct(wall, 0.95):.3f} | {pct(wall, 0.99):.3f} "
        f"| {wall[-1]:.3f} | {statistics.median(cpu):.3f} | {pct(cpu, 0.99):.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--db", type=Path, help="SQLite file to create (default: a temp dir)")
    args = parser.parse_args()
    logging.getLogger("kiosk.status").setLevel(logging.ERROR)  # one warning per forged slip otherwise

    with tempfile.TemporaryDirectory() as tmp:
        path: Path = args.db or Path(tmp) / "bench.db"
        if path.exists():
            parser.error(f"{path} exists; give a new file")
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        engine = make_engine(url)
        rng = random.Random(20261126)
        sealer = Sealer(os.urandom(KEY_SIZE))

        started = time.perf_counter()
        codes = random_codes(args.rows + args.lookups, rng)
        stored, absent = codes[: args.rows], codes[args.rows :]
        fill(engine, stored, sealer)
        fill_s = time.perf_counter() - started
        wal = path.with_name(path.name + "-wal")
        size_mb = (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6

        signer = SlipSigner(os.urandom(32), STATION)
        lookup = StatusLookup(DossierStore(SqlDossierRepository(engine, "kiosk-1"), sealer), signer)
        sample = rng.sample(stored, args.lookups)
        for code in sample[:50]:  # warm the page cache and the connection pool
            lookup(code)

        slips = [signer.sign(code) for code in sample]
        assert all(lookup(s).outcome is LookupOutcome.FOUND for s in slips[:20])
        forged = [s[:-1] + ("0" if s[-1] != "0" else "1") for s in slips]
        typed = [trackcode.display(code).lower() for code in sample]
        mistyped = [code[:-1] + ("0" if code[-1] != "0" else "1") for code in sample]
        cases = [
            ("scanned slip, found (verify + lookup)", slips),
            ("typed code `xxxxx-xxxxx`, found", typed),
            ("genuine slip, no such dossier", [signer.sign(code) for code in absent]),
            ("forged slip (no database access)", forged),
            ("mistyped code (no database access)", mistyped),
            ("ID card QR (no database access)", [CCCD] * args.lookups),
        ]
        print(f"filled {args.rows:,} rows in {fill_s:.1f} s ({size_mb:.0f} MB)")
        print(f"StatusLookup @{args.rows / 1e6:g}M dossiers, {args.lookups} lookups each, ms:")
        print("| input | median | p95 | p99 | max | CPU median | CPU p99 |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, inputs in cases:
            print(row(label, timed(lookup, inputs)))
        print(row("  of which: MAC check alone", timed(signer.verify, slips)))
        print(row("  of which: parse_scan alone (slip)", timed(parse_scan, slips)))
        engine.dispose()


if __name__ == "__main__":
    main()
