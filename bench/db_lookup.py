"""Status lookup time with a station database of 1,000,000 dossiers.

    .venv/bin/python bench/db_lookup.py [--rows N] [--db PATH] [--lookups N]

Fills a fresh SQLite file (real schema from the migrations) with bulk rows whose sealed payload
is one fixed small blob (the lookup never reads it), then times `DossierStore.status(code)`, the
call behind the kiosk's "check my dossier" screen, for random existing codes. Not part of the
test suite: it takes about a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from db import migrate
from db.dossiers import SqlDossierRepository
from db.engine import make_engine
from db.models import DossierRow
from kiosk import trackcode
from kiosk.outbox import DossierStore
from kiosk.sealing import KEY_SIZE, Sealer

BATCH = 50_000


def random_codes(n: int, rng: random.Random) -> list[str]:
    codes: set[str] = set()
    while len(codes) < n:
        payload = "".join(rng.choices(trackcode.ALPHABET, k=trackcode.LENGTH - 1))
        codes.add(payload + trackcode.check_char(payload))
    return list(codes)


def fill(engine: sa.Engine, codes: list[str]) -> None:
    blob = Sealer(os.urandom(KEY_SIZE)).seal({"fields": {}, "holder": {}})
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    statuses = ["received", "processing", "done", "rejected"]
    for start in range(0, len(codes), BATCH):
        rows = [
            {
                "tracking_code": code,
                "service_code": "1.004194",
                "service_version": 1,
                "station_id": "HN-BD-01",
                "status": statuses[i % 4],
                "submitted_at": t0 + dt.timedelta(seconds=i),
                "updated_at": t0 + dt.timedelta(seconds=i),
                "payload": blob,
            }
            for i, code in enumerate(codes[start : start + BATCH], start)
        ]
        with engine.begin() as conn:
            conn.execute(sa.insert(DossierRow), rows)  # executemany


def summary(timings_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(timings_ms)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--db", type=Path, help="SQLite file to create (default: a temp dir)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path: Path = args.db or Path(tmp) / "bench.db"
        if path.exists():
            parser.error(f"{path} exists; give a new file")
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        engine = make_engine(url)
        rng = random.Random(20261126)

        started = time.perf_counter()
        codes = random_codes(args.rows, rng)
        fill(engine, codes)
        fill_s = time.perf_counter() - started
        wal = path.with_name(path.name + "-wal")
        size_mb = (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6

        store = DossierStore(SqlDossierRepository(engine, "kiosk-1"), Sealer(os.urandom(KEY_SIZE)))
        sample = rng.sample(codes, args.lookups)
        for code in sample[:50]:  # warm the page cache and the connection pool
            store.status(code)
        timings = []
        for code in sample:
            t = time.perf_counter()
            status = store.status(code)
            timings.append((time.perf_counter() - t) * 1000)
            assert status is not None
        median, p95 = summary(timings)

        # The same query on one held connection, without pool checkout and SQLAlchemy layers:
        # how much of the time is the index itself.
        raw = []
        with engine.connect() as conn:
            for code in sample:
                t = time.perf_counter()
                conn.exec_driver_sql("SELECT status FROM dossiers WHERE tracking_code = ?", (code,))
                raw.append((time.perf_counter() - t) * 1000)
        raw_median, _ = summary(raw)

        print(f"filled {args.rows:,} rows in {fill_s:.1f} s ({size_mb:.0f} MB)")
        print(f"status lookup @{args.rows / 1e6:g}M dossiers: {median:.3f} ms median, {p95:.3f} ms p95")
        print(f"  (raw indexed SELECT on a held connection: {raw_median:.3f} ms median)")
        engine.dispose()


if __name__ == "__main__":
    main()
