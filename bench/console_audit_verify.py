"""The report download's audit check at 1,000,000 audit rows: the whole chain recomputed against
the check from the stored keyed checkpoint (`kiosk.audit.AuditLog.verify_for_report`).

    chrt -f 10 .venv/bin/python bench/console_audit_verify.py [--rows 1000000] [--runs 3] [--keep DIR]

A station database (SQLite, as a station has; `--backend pg` for PostgreSQL) is filled with
`--rows` audit rows chained with the station's audit key, as officers' pages leave them (views,
searches, status changes, logins; details like the console's). Timed, each `--runs` times:

- reference: reading every row only (`AuditRepository.records` by pages), the floor of a full check;
- full: `AuditLog.verify()`, every link recomputed (what each report download did);
- for a report, checkpoint made: `verify_for_report()` right after one, the newest rows only;
- for a report, 1,000 rows after it: as a busy day's rows would leave it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert

from db.engine import make_engine
from db.models import AuditRow
from kiosk.app.root import make_officer_desk
from kiosk.audit import AuditLog, compute_link
from kiosk.config import Config, load_config
from kiosk.keys import open_audit_key
from kiosk.ports.officers import AuditEntry

BATCH = 20_000
ACTIONS = (
    ("view_dossier", lambda r: f"{r.choice('ABCDEFGHJK')}{r.randrange(10**9):09d}"),
    ("search", lambda r: "by ID number or name"),
    ("status_change", lambda r: f"{r.randrange(10**9):09d} received→processing"),
    ("login", lambda r: "pin"),
    ("export_report", lambda r: "2026-11-01..2026-11-30 csv"),
)


def station(folder: Path, url: str | None) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    text = f'[paths]\ndata_dir = "{folder / "data"}"\n' + (f'[database]\nurl = "{url}"\n' if url else "")
    (folder / "kiosk.toml").write_text(text, "utf-8")
    return load_config(folder / "kiosk.toml", environ={})


def seed(config: Config, audit: AuditLog, rows: int) -> float:
    """`rows` chained rows after whatever the log holds; seconds taken (0: already there)."""
    have = audit.head().seq
    if have >= rows:
        return 0.0
    from db.keys import SqlKeyLedger

    key = open_audit_key(config.audit_key_file, SqlKeyLedger(make_engine(config.database_url)))
    rng = random.Random(10)
    started = time.perf_counter()
    engine = make_engine(config.database_url)
    previous = audit.head().link or None
    at = dt.datetime(2026, 1, 1, 7, 0, tzinfo=dt.UTC)
    seq = have
    while seq < rows:
        batch = []
        for _ in range(min(BATCH, rows - seq)):
            seq += 1
            at += dt.timedelta(seconds=rng.randrange(1, 30))
            action, detail = rng.choice(ACTIONS)
            entry = AuditEntry(at, f"CB{rng.randrange(1, 21):03d}", action, detail(rng))
            link = compute_link(key, previous, seq, entry)
            batch.append({"id": seq, "at": at, "actor": entry.actor, "action": action,
                          "detail": entry.detail, "link": link})  # fmt: skip
            previous = link
        with engine.begin() as conn:
            conn.execute(insert(AuditRow), batch)
    engine.dispose()
    return time.perf_counter() - started


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def read_all(audit: AuditLog) -> int:
    return sum(1 for _ in audit._all())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--keep", type=Path, help="folder kept between runs (seeding 1M takes minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        folder = args.keep or Path(tmp)
        if args.backend == "pg":
            from console_scale import postgresql_server

            with postgresql_server(folder / "pg") as url:
                measure(station(folder / "pg-audit", url), args)
        else:
            measure(station(folder / "sqlite-audit", None), args)


def measure(config: Config, args: argparse.Namespace) -> None:
    desk = make_officer_desk(config)
    audit = desk.audit
    seeded = seed(config, audit, args.rows)
    print(
        f"{args.backend}: {audit.head().seq:,} audit rows"
        + (f", seeded in {seeded:.0f} s" if seeded else " (kept)")
    )
    print(f"load average {'/'.join(f'{v:.1f}' for v in os.getloadavg())} before, on {os.cpu_count()} CPUs")
    results: dict[str, list[float]] = {}

    def note(label: str, ms: float) -> None:
        results.setdefault(label, []).append(ms)

    for _ in range(args.runs):
        note("reference: read every row", timed(lambda: read_all(audit)))
        full = audit.verify()
        assert full.ok, full.problems[:3]
        note("full chain (verify)", timed(audit.verify))
        if hasattr(audit, "verify_for_report"):
            audit.verify_for_report()  # makes the checkpoint at the head
            note("for a report, at the checkpoint", timed(audit.verify_for_report))
            for _ in range(1000):
                audit.record("CB001", "view_dossier", "ABCDEFGHJK")
            note("for a report, 1,000 rows after it", timed(audit.verify_for_report))
    print(f"load average {'/'.join(f'{v:.1f}' for v in os.getloadavg())} after")
    print("| check | runs | median | min | max |\n| --- | --- | --- | --- | --- |")
    for label, values in results.items():
        print(f"| {label} | {len(values)} | {statistics.median(values):,.0f} ms | {min(values):,.0f} ms | "
              f"{max(values):,.0f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
