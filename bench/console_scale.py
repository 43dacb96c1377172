"""The monthly report with 1,000,000 dossiers, on PostgreSQL and on SQLite (target: < 2 s).

    .venv/bin/python bench/console_scale.py [--rows N] [--backend pg|sqlite|both] [--runs N]

Seeds a fresh database (schema from the migrations) with `--rows` dossiers over two years (2025
and 2026, ~1,370 a day, every catalog service, 80 % finished 0–10 days later, a quarter assisted,
kiosk times of 1–60 min) and a fifth as many kiosk sessions, in bulk: PostgreSQL by COPY, SQLite
by executemany on a raw connection (synchronous OFF while seeding only; the sealed payload is one
fixed blob: no report reads it). A throwaway PostgreSQL server is started in a temp folder (as
`postgres` when run as root) and stopped at the end.

Then times, beside each other in the same run: a bare `SELECT count(*) FROM dossiers` (the
reference: one pass over the table), the report's figures for December 2026 by day
(`Statistics.figures`: five GROUP BY queries), the whole report written as PDF (figures + chart +
reportlab), and a year by month; then the same monthly figures again after adding the indexes on
`submitted_at` and `finished_at` that revision 0006 lacks, to show what a migration would give.

Toneless name search (< 50 ms) is not measured here yet: the console's blind-index search query
was not on main when this was written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import pwd
import random
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from db import migrate
from db.engine import make_engine
from db.stats import SqlStats
from kiosk.app.report_pdf import render_pdf
from kiosk.catalog import load_catalog
from kiosk.report import ReportHeader, to_csv
from kiosk.stats import Figures, Grain, ServiceInfo, Statistics

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2025, 1, 1, tzinfo=VN)
DAYS = 730
BATCH = 100_000
STEPS = ("intro", "consent", "card", "identity", "form", "review")
DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
DOSSIER_COLUMNS = (
    "id", "tracking_code", "service_code", "service_version", "station_id", "status", "submitted_at",
    "updated_at", "payload", "fee_amount", "payment_status", "note_for_citizen", "identity_check",
    "name_index", "id_index", "assisted_by", "session_seconds", "finished_at",
)  # fmt: skip
SESSION_COLUMNS = (
    "id", "kiosk_id", "started_at", "ended_at", "service_code", "last_step", "outcome", "assisted"
)  # fmt: skip
# Revision 0006 indexes the two dates; the first timings run without them, for comparison.
WITHOUT_INDEXES = ("DROP INDEX ix_dossiers_submitted_at", "DROP INDEX ix_dossiers_finished_at")
INDEXES = (
    "CREATE INDEX ix_dossiers_submitted_at ON dossiers (submitted_at)",
    "CREATE INDEX ix_dossiers_finished_at ON dossiers (finished_at)",
)


def services() -> list[ServiceInfo]:
    return [
        ServiceInfo(s.code, s.title.get("vi"), s.processing_days, s.eid_activation)
        for s in load_catalog().services
    ]


# Times are generated as whole seconds after START_UTC and turned into each backend's form on the
# way out (`Times`): building a datetime and formatting it per value was most of the seeding time.
START_UTC = START.astimezone(dt.UTC)
DOSSIER_TIMES = (6, 7, 17)  # submitted_at, updated_at, finished_at
SESSION_TIMES = (2, 3)  # started_at, ended_at


def dossier_rows(n: int, codes: list[str], rng: random.Random) -> Iterator[list[list[object]]]:
    """Batches of dossiers in DOSSIER_COLUMNS order, times as seconds after START_UTC."""
    span = DAYS * 86400
    blob = b"\x01" + bytes(63)
    batch: list[list[object]] = []
    for i in range(1, n + 1):
        submitted = rng.randrange(span)
        r = rng.random()
        status = "done" if r < 0.7 else "rejected" if r < 0.8 else "processing" if r < 0.9 else "received"
        finished = submitted + rng.randrange(10 * 86400) if r < 0.8 else None
        batch.append(
            [
                i,
                f"{i:010d}",
                rng.choice(codes),
                1,
                "HN-BD-01",
                status,
                submitted,
                finished or submitted,
                blob,
                0,
                "not_required",
                "",
                "",
                "",
                "",
                "CB001" if rng.random() < 0.25 else None,
                60 + min(int(rng.expovariate(1 / 300)), 3540),
                finished,
            ]
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def session_rows(n: int, codes: list[str], rng: random.Random) -> Iterator[list[list[object]]]:
    span = DAYS * 86400
    batch: list[list[object]] = []
    for i in range(1, n + 1):
        started = rng.randrange(span)
        r = rng.random()
        outcome = "submitted" if r < 0.8 else "abandoned" if r < 0.95 else "timed_out"
        ended = started + rng.randrange(60, 1800)
        batch.append([i, "k1", started, ended, rng.choice(codes), rng.choice(STEPS), outcome, False])
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def sqlite_time(seconds: int, days: list[str] = []) -> str:  # noqa: B006 (a cache on purpose)
    """SQLAlchemy's SQLite DateTime storage: naive UTC "YYYY-MM-DD HH:MM:SS.ffffff"."""
    midnight = START_UTC.replace(hour=0, minute=0, second=0)
    if not days:
        days += [f"{midnight + dt.timedelta(days=d):%Y-%m-%d}" for d in range(DAYS + 12)]
    day, rest = divmod(seconds + int((START_UTC - midnight).total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days[day]} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}.000000"


def convert(batch: list[list[object]], columns: tuple[int, ...], to: Callable[[int], object]) -> None:
    for row in batch:
        for c in columns:
            value = row[c]
            if isinstance(value, int):
                row[c] = to(value)


def pg_time(seconds: int) -> dt.datetime:
    return START_UTC + dt.timedelta(seconds=seconds)


def seed_sqlite(path: Path, n: int, sessions: int, codes: list[str]) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")  # seeding only: the report runs on the tuned engine
    rng = random.Random(20261201)
    marks = ", ".join("?" * len(DOSSIER_COLUMNS))
    for batch in dossier_rows(n, codes, rng):
        convert(batch, DOSSIER_TIMES, sqlite_time)
        with conn:
            conn.executemany(f"INSERT INTO dossiers ({', '.join(DOSSIER_COLUMNS)}) VALUES ({marks})", batch)
    marks = ", ".join("?" * len(SESSION_COLUMNS))
    for batch in session_rows(sessions, codes, rng):
        convert(batch, SESSION_TIMES, sqlite_time)
        with conn:
            conn.executemany(
                f"INSERT INTO kiosk_sessions ({', '.join(SESSION_COLUMNS)}) VALUES ({marks})", batch
            )
    conn.execute("ANALYZE")
    conn.close()


def seed_postgresql(url: str, n: int, sessions: int, codes: list[str]) -> None:
    engine = make_engine(url)
    rng = random.Random(20261201)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for table, columns, times, rows in (
                ("dossiers", DOSSIER_COLUMNS, DOSSIER_TIMES, dossier_rows(n, codes, rng)),
                ("kiosk_sessions", SESSION_COLUMNS, SESSION_TIMES, session_rows(sessions, codes, rng)),
            ):
                for batch in rows:
                    convert(batch, times, pg_time)
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                    raw.commit()
        finally:
            raw.close()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


@contextmanager
def postgresql_server() -> Iterator[str]:
    """A throwaway server (as the tests' fixture starts one), stopped and removed at the end."""

    def binary(name: str) -> str:
        found = shutil.which(name) or next(
            iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None
        )
        if found is None:
            raise SystemExit(f"{name} not found: install postgresql")
        return str(found)

    base = Path(tempfile.mkdtemp(prefix="kiosk-bench-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    run = functools.partial(subprocess.run, check=True, capture_output=True)
    data = base / "data"
    run([*as_user, binary("initdb"), "-D", str(data), "-A", "trust", "-U", "kiosk", "--no-sync"])
    # -F: no fsync (a bench of reads; seeding speed is not the product's). shared_buffers as a hub.
    options = f"-k {base} -c listen_addresses='' -F -c shared_buffers=256MB"
    run([*as_user, binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://kiosk@/postgres?host={base}"
    finally:
        run([*as_user, binary("pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst of `runs` calls after one warm-up, in ms."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def measure(label: str, url: str, runs: int, seed_s: float) -> tuple[list[str], Figures]:
    engine = make_engine(url)
    stats = Statistics(SqlStats(engine), services(), VN)
    header = ReportHeader("Công an xã Bình Đà", "#1-0000000000000000", dt.datetime.now(VN))

    def count() -> object:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM dossiers")).scalar_one()

    def month() -> Figures:
        return stats.figures(*DECEMBER, Grain.DAY)

    def month_files() -> object:
        figures = month()
        return to_csv(figures, header), render_pdf(figures, header)

    def year() -> object:
        return stats.figures(dt.date(2026, 1, 1), dt.date(2026, 12, 31), Grain.MONTH)

    with engine.begin() as conn:
        for ddl in WITHOUT_INDEXES:
            conn.exec_driver_sql(ddl)
    rows = int(str(count()))
    figures = month()
    load = "/".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        f"{label}: load average {load} on {os.cpu_count()} CPUs before timing",
        f"{label}: {rows:,} dossiers seeded in {seed_s:.0f} s; "
        f"December: {figures.total.submitted:,} submitted, "
        f"{figures.total.finished:,} finished, {figures.total.abandoned:,} sessions abandoned",
    ]
    results = [
        ("`SELECT count(*) FROM dossiers` (reference)", timed(count, runs)),
        ("monthly figures, by day (`Statistics.figures`)", timed(month, runs)),
        ("monthly report written: figures + CSV + one-page PDF", timed(month_files, runs)),
        ("a year by month", timed(year, max(runs // 2, 1))),
    ]
    with engine.begin() as conn:
        for ddl in INDEXES:
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql("ANALYZE")
    results.append(("monthly figures, with indexes on submitted_at, finished_at", timed(month, runs)))
    engine.dispose()
    lines += [f"| {label} | {what} | {median:.0f} ms | {worst:.0f} ms |" for what, (median, worst) in results]
    return lines, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("pg", "sqlite", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    codes = [s.code for s in services()]
    sessions = args.rows // 5
    december: dict[str, Figures] = {}
    if args.backend in ("pg", "both"):
        with postgresql_server() as url:
            migrate.upgrade(url)
            started = time.perf_counter()
            seed_postgresql(url, args.rows, sessions, codes)
            lines, december["PostgreSQL"] = measure(
                "PostgreSQL", url, args.runs, time.perf_counter() - started
            )
            print("\n".join(lines), flush=True)
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            migrate.upgrade(url)
            started = time.perf_counter()
            seed_sqlite(Path(tmp) / "bench.sqlite3", args.rows, sessions, codes)
            lines, december["SQLite"] = measure("SQLite", url, args.runs, time.perf_counter() - started)
            print("\n".join(lines), flush=True)
    if len(december) == 2:  # the same seed: the same figures on both backends, to the last row
        same = december["PostgreSQL"].rows == december["SQLite"].rows
        print(f"December figures equal on PostgreSQL and SQLite: {same}")


if __name__ == "__main__":
    main()
