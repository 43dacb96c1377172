"""The monthly report (target < 2 s) and the toneless name search (< 50 ms) with 1,000,000
dossiers, on PostgreSQL and on SQLite.

    chrt -f 10 .venv/bin/python bench/console_scale.py [--rows N] [--backend pg|sqlite|both]
        [--runs N] [--keep DIR]

Makes a station (kiosk.toml, keys, database migrated to head) and seeds it with `--rows`
dossiers over two years (2025 and 2026, ~1,370 a day, every catalog service, 80 % finished 0–10
days later, a quarter assisted, kiosk times of 1–60 min) and a fifth as many kiosk sessions, in
bulk: PostgreSQL by COPY, SQLite by executemany on a raw connection (synchronous OFF while
seeding only; the sealed payload is one fixed blob: no report or search reads it). A throwaway
PostgreSQL server is started in a folder of its own (as `postgres` when run as root) and
stopped at the end. `--keep DIR` keeps the stations and the server's data for the next run and
for `bench/console_load.py` (seeding 1M takes many minutes on a loaded machine); a kept database
is migrated to head first, so a new revision's upgrade runs on the 1M rows.

Times, beside each other in the same run: a bare `SELECT count(*) FROM dossiers` (the reference:
one pass over the table), the report's figures for December 2026 by day (`Statistics.figures`:
five GROUP BY queries), the whole report written (figures + CSV + PDF), and a year by month.

Toneless name search (target < 50 ms): every dossier gets a name drawn with Vietnamese
frequencies (Nguyễn about 38 %, Văn/Thị 30 % each as middle names, 39 given names) and its
blind-index tokens made with the station's index key, in `name_index`, `dossier_name_tokens`
(revision 0008) and `dossier_name_pairs` (0012_name_pairs), the token and pair indexes built
after the bulk load as the migrations do; and an ID-number token. `SqlDesk.queue` (the
console's first page, 51 rows) is timed for several names beside references in the same run:
the tracking-code and ID-number lookups (unique / plain index), the first page without a search,
the search before 0008 (`LIKE '% t %'` on `name_index`) and before 0012 (token lists alone).
(`bench/console_search.py`, the first 100,000-row SQLite bench of the search, is folded in here.)
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
from db.desk import SqlDesk
from db.engine import make_engine
from db.models import DossierNameTokenRow, DossierRow
from db.stats import SqlStats
from kiosk.app.report_pdf import render_pdf
from kiosk.app.root import make_blind_index, make_storage
from kiosk.blind_index import BlindIndex, joined, name_pairs
from kiosk.catalog import load_catalog
from kiosk.config import Config, load_config
from kiosk.ports.desk import QueueQuery
from kiosk.report import ReportHeader, to_csv
from kiosk.stats import Figures, Grain, ServiceInfo, Statistics

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2025, 1, 1, tzinfo=VN)
DAYS = 730
BATCH = 100_000
REAL_DOSSIERS = 200  # sealed dossiers bench/console_load.py submits on top of the bulk
STEPS = ("intro", "consent", "card", "identity", "form", "review")
DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
DOSSIER_COLUMNS = (
    "id", "tracking_code", "service_code", "service_version", "station_id", "status", "submitted_at",
    "updated_at", "payload", "fee_amount", "payment_status", "note_for_citizen", "identity_check",
    "name_index", "id_index", "assisted_by", "session_seconds", "finished_at",
)  # fmt: skip
TOKEN_COLUMNS = ("dossier_id", "token")
PAIR_COLUMNS = ("dossier_id", "pair")
# Name words with rough Vietnamese frequencies (family names by share of the population).
FAMILY = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 4, "Huỳnh": 2, "Phan": 4.5, "Vũ": 3,
    "Võ": 2, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1, "Lý": 0.5,
}  # fmt: skip
MIDDLE = {
    "Văn": 30, "Thị": 30, "Đức": 6, "Minh": 6, "Thanh": 5, "Ngọc": 5, "Hữu": 4, "Quốc": 4,
    "Xuân": 3, "Thu": 3, "Hoài": 2, "Bảo": 2,
}  # fmt: skip
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Chi",
    "Cường",
    "Dũng",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hằng",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tú",
    "Tuấn",
    "Vân",
    "Yến",
]
# What an officer types, common to absent. "nguyen tran" is two family names: every word common and
# no dossier with both, the slowest kind (every dossier of the rarer word is read).
SEARCHES = (
    "nguyen thi hang", "nguyen", "duong bao yen", "ly thu phuc", "hoang xuan", "nguyen tran",
    "thi van", "khong co ai", "van thi hung", "hung van nguyen",
)  # fmt: skip
# The search before revision 0008 (every word matched in the stored form " t1 t2 "), for a common
# name (the newest rows soon fill the page) and a rare one (every row read).
LIKE_BEFORE_0008 = ("nguyen thi hang", "duong bao yen")
# The search before revision 0012 (token lists only, no pairs), for the slow kind and a rare name.
TOKENS_BEFORE_0012 = ("tran nguyen", "duong bao yen")
SESSION_COLUMNS = (
    "id", "kiosk_id", "started_at", "ended_at", "service_code", "last_step", "outcome", "assisted"
)  # fmt: skip


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


def name_words(
    index: BlindIndex,
) -> tuple[list[list[str]], list[float], list[list[str]], list[float], list[list[str]]]:
    """The name words' tokens (computed once per word, not per dossier) and their weights."""
    family, middle = list(FAMILY), list(MIDDLE)
    return (
        [index.name_tokens(w) for w in family],
        list(FAMILY.values()),
        [index.name_tokens(w) for w in middle],
        list(MIDDLE.values()),
        [index.name_tokens(w) for w in GIVEN],
    )


def id_number(i: int) -> str:
    """Dossier `i`'s holder's ID number (12 digits, unique), as the ID-number search types it."""
    return f"{1_000_000_000 + i:012d}"


def dossier_rows(
    n: int,
    codes: list[str],
    rng: random.Random,
    index: BlindIndex,
    tokens: list[list[object]],
    pairs: list[list[object]],
) -> Iterator[list[list[object]]]:
    """Batches of dossiers in DOSSIER_COLUMNS order, times as seconds after START_UTC; each batch's
    name tokens and pairs are left in `tokens` and `pairs` (TOKEN_COLUMNS, PAIR_COLUMNS order).
    Names come from a random generator of their own, so that the report's figures stay those of
    the runs before names were added."""
    names = random.Random(20261202)
    span = DAYS * 86400
    blob = b"\x01" + bytes(63)
    family, family_w, middle, middle_w, given = name_words(index)
    batch: list[list[object]] = []
    for i in range(1, n + 1):
        words = [
            *names.choices(family, family_w)[0],
            *names.choices(middle, middle_w)[0],
            *names.choice(given),
        ]
        words = list(dict.fromkeys(words))  # "Minh Minh": one token, as BlindIndex.name_tokens
        tokens += [[i, t] for t in words]
        pairs += [[i, p] for p in name_pairs(words)]
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
                joined(words),
                index.id_token(id_number(i)),
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


# Bulk load first, the token and pair indexes after (one sort each), as migrations 0008 and
# 0012_name_pairs do for their backfills.
LATE_INDEXES = {
    "ix_dossier_name_tokens_token": "dossier_name_tokens (token, dossier_id)",
    "ix_dossier_name_pairs_pair": "dossier_name_pairs (pair, dossier_id)",
}


def seed_sqlite(path: Path, n: int, sessions: int, codes: list[str], index: BlindIndex) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")  # seeding only: the report runs on the tuned engine
    for name in LATE_INDEXES:
        conn.execute(f"DROP INDEX {name}")
    rng = random.Random(20261201)
    marks = ", ".join("?" * len(DOSSIER_COLUMNS))
    tokens: list[list[object]] = []
    pairs: list[list[object]] = []
    for batch in dossier_rows(n, codes, rng, index, tokens, pairs):
        convert(batch, DOSSIER_TIMES, sqlite_time)
        with conn:
            conn.executemany(f"INSERT INTO dossiers ({', '.join(DOSSIER_COLUMNS)}) VALUES ({marks})", batch)
            conn.executemany("INSERT INTO dossier_name_tokens (dossier_id, token) VALUES (?, ?)", tokens)
            conn.executemany("INSERT INTO dossier_name_pairs (dossier_id, pair) VALUES (?, ?)", pairs)
        tokens.clear()
        pairs.clear()
    marks = ", ".join("?" * len(SESSION_COLUMNS))
    for batch in session_rows(sessions, codes, rng):
        convert(batch, SESSION_TIMES, sqlite_time)
        with conn:
            conn.executemany(
                f"INSERT INTO kiosk_sessions ({', '.join(SESSION_COLUMNS)}) VALUES ({marks})", batch
            )
    for name, on in LATE_INDEXES.items():
        conn.execute(f"CREATE INDEX {name} ON {on}")
    conn.execute("ANALYZE")
    conn.close()


def seed_postgresql(url: str, n: int, sessions: int, codes: list[str], index: BlindIndex) -> None:
    engine = make_engine(url)
    rng = random.Random(20261201)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for name in LATE_INDEXES:
                cursor.execute(f"DROP INDEX {name}")
            tokens: list[list[object]] = []
            pairs: list[list[object]] = []
            dossiers = dossier_rows(n, codes, rng, index, tokens, pairs)
            for table, columns, times, rows in (
                ("dossiers", DOSSIER_COLUMNS, DOSSIER_TIMES, dossiers),
                ("kiosk_sessions", SESSION_COLUMNS, SESSION_TIMES, session_rows(sessions, codes, rng)),
            ):
                for batch in rows:
                    convert(batch, times, pg_time)
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                    for side, side_columns, side_rows in (
                        ("dossier_name_tokens", TOKEN_COLUMNS, tokens),
                        ("dossier_name_pairs", PAIR_COLUMNS, pairs),
                    ):
                        if side_rows:
                            with cursor.copy(f"COPY {side} ({', '.join(side_columns)}) FROM STDIN") as copy:
                                for row in side_rows:
                                    copy.write_row(row)
                            side_rows.clear()
                    raw.commit()
            for name, on in LATE_INDEXES.items():
                cursor.execute(f"CREATE INDEX {name} ON {on}")
            for table in ("dossiers", "kiosk_sessions"):  # COPY gave the ids: the next one follows them
                serial = f"pg_get_serial_sequence('{table}', 'id')"
                cursor.execute(f"SELECT setval({serial}, max(id)) FROM {table}")
            raw.commit()
        finally:
            raw.close()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


@contextmanager
def postgresql_server(keep: Path | None = None) -> Iterator[str]:
    """A throwaway server (as the tests' fixture starts one), stopped at the end and removed unless
    its folder is `keep` (then a later run starts it again on the same data)."""

    def binary(name: str) -> str:
        found = shutil.which(name) or next(
            iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None
        )
        if found is None:
            raise SystemExit(f"{name} not found: install postgresql")
        return str(found)

    base = keep or Path(tempfile.mkdtemp(prefix="kiosk-bench-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    as_user: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    run = functools.partial(subprocess.run, check=True, capture_output=True)
    data = base / "data"
    if not (data / "PG_VERSION").exists():
        run([*as_user, binary("initdb"), "-D", str(data), "-A", "trust", "-U", "kiosk", "--no-sync"])
    # -F: no fsync (a bench of reads; seeding speed is not the product's). shared_buffers as a hub.
    options = f"-k {base} -c listen_addresses='' -F -c shared_buffers=256MB -c max_connections=100"
    run([*as_user, binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://kiosk@/postgres?host={base}"
    finally:
        run([*as_user, binary("pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


def dossier_count(url: str) -> int:
    """Dossiers already in a kept database (0 for a new one)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM dossiers")).scalar_one())
    finally:
        engine.dispose()


def seed(url: str, n: int, index: BlindIndex) -> float:
    """Migrate and fill the database at `url` with `n` dossiers (and n/5 sessions) unless a kept
    one holds them already; seconds spent seeding (0 when reused)."""
    migrate.upgrade(url)
    found = dossier_count(url)
    if n <= found <= n + REAL_DOSSIERS:  # bench/console_load.py adds its real dossiers on top
        return 0.0
    if found:
        raise SystemExit(f"the kept database holds {found:,} dossiers, not {n:,}: remove it first")
    codes = [s.code for s in services()]
    started = time.perf_counter()
    if url.startswith("sqlite"):
        seed_sqlite(Path(url.removeprefix("sqlite:///")), n, n // 5, codes, index)
    else:
        seed_postgresql(url, n, n // 5, codes, index)
    return time.perf_counter() - started


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst of `runs` calls after one warm-up, in ms."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def searches(
    engine: sa.Engine, index: BlindIndex, runs: int, rows: int
) -> list[tuple[str, tuple[float, float]]]:
    """The console's first page (51 rows) for each search, beside the references."""
    desk = SqlDesk(engine)

    def queue(**filters: object) -> Callable[[], int]:
        return lambda: len(desk.queue(QueueQuery(limit=51, **filters)))  # type: ignore[arg-type]

    def like_before_0008(text: str) -> Callable[[], int]:
        def run() -> int:
            tokens = index.query_tokens(text)
            statement = (
                sa.select(DossierRow.tracking_code)
                .where(*[DossierRow.name_index.contains(f" {t} ") for t in tokens])
                .order_by(DossierRow.id.desc())
                .limit(51)
            )
            with engine.connect() as conn:
                return len(conn.execute(statement).all())

        return run

    def tokens_before_0012(text: str) -> Callable[[], int]:
        """The search of revision 0008: the first token's list newest first, the others probed."""

        def run() -> int:
            first, *others = index.query_tokens(text)
            tokens = DossierNameTokenRow.__table__
            lead = tokens.alias("lead")
            statement = (
                sa.select(DossierRow.tracking_code)
                .select_from(lead.join(DossierRow, lead.c.dossier_id == DossierRow.id))
                .where(lead.c.token == first, DossierRow.name_index != "")
                .where(
                    *[
                        sa.exists().where(tokens.c.dossier_id == lead.c.dossier_id, tokens.c.token == t)
                        for t in others
                    ]
                )
                .order_by(lead.c.dossier_id.desc())
                .limit(51)
            )
            with engine.connect() as conn:
                return len(conn.execute(statement).all())

        return run

    by_id = queue(id_token=index.id_token(id_number(rows // 3)))
    cases: list[tuple[str, Callable[[], int], int]] = [
        ("queue: tracking code (reference: unique index)", queue(tracking_code=f"{rows // 2:010d}"), runs),
        ("queue: ID number (reference: id_index)", by_id, runs),
        ("queue: first page, no search (reference)", queue(), runs),
    ]
    cases += [
        (f'before 0008: "{text}" by LIKE on name_index (reference)', like_before_0008(text), 3)
        for text in LIKE_BEFORE_0008
    ]
    cases += [
        (f'before 0012: "{text}" by tokens alone (reference)', tokens_before_0012(text), runs)
        for text in TOKENS_BEFORE_0012
    ]
    cases += [
        (f'queue: name "{text}"', queue(name_tokens=tuple(index.query_tokens(text))), runs * 4)
        for text in SEARCHES
    ]
    results = []
    for what, fn, count in cases:
        found = fn()
        results.append((f"{what}: {found} row(s)", timed(fn, count)))
    return results


# 0006's indexes, which 0012_report_indexes replaced by covering ones: made again (kept) so that
# the report's queries can be timed the old way beside the new, in the same run.
OLD_INDEXES = {"submitted_at": "ix_bench_0006_submitted_at", "finished_at": "ix_bench_0006_finished_at"}


def old_plan(engine: sa.Engine, month: Callable[[], object], new: bool = False) -> Callable[[], object]:
    """The report's dossier queries as sent, run again through 0006's indexes (`INDEXED BY`), or
    as they are (`new`): what the covering indexes saved, without the Python around them."""
    sent: list[tuple[str, object]] = []

    def keep(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        if "FROM dossiers" in statement:
            sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", keep)
    month()
    sa.event.remove(engine, "before_cursor_execute", keep)
    with engine.begin() as conn:
        for column, name in OLD_INDEXES.items():
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON dossiers ({column})")
    statements = []
    for statement, parameters in sent:
        column = "finished_at" if "WHERE dossiers.finished_at" in statement else "submitted_at"
        hint = "" if new else f" INDEXED BY {OLD_INDEXES[column]}"
        statements.append((statement.replace("FROM dossiers", f"FROM dossiers{hint}", 1), parameters))

    def run() -> object:
        with engine.connect() as conn:
            return [conn.exec_driver_sql(st, p).all() for st, p in statements]  # type: ignore[arg-type]

    return run


def measure(label: str, url: str, runs: int, seed_s: float, index: BlindIndex) -> tuple[list[str], Figures]:
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

    rows = int(str(count()))
    figures = month()
    load = "/".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        f"{label}: load average {load} on {os.cpu_count()} CPUs before timing",
        f"{label}: {rows:,} dossiers "
        + (f"seeded in {seed_s:.0f} s; " if seed_s else "(kept database); ")
        + f"December: {figures.total.submitted:,} submitted, "
        f"{figures.total.finished:,} finished, {figures.total.abandoned:,} sessions abandoned",
    ]
    # The schema as migrated (0006 indexes submitted_at and finished_at; 0008 the name tokens).
    results = [("`SELECT count(*) FROM dossiers` (reference)", timed(count, runs))]
    results += searches(engine, index, runs, rows)
    results += [
        ("monthly figures, by day (`Statistics.figures`)", timed(month, runs)),
        ("monthly report written: figures + CSV + one-page PDF", timed(month_files, runs)),
        ("a year by month", timed(year, max(runs // 2, 1))),
    ]
    if engine.dialect.name == "sqlite":
        results.append(
            (
                "monthly figures' queries by 0006's one-column indexes (reference)",
                timed(old_plan(engine, month), runs),
            )
        )
        results.append(
            ("the same queries as the report runs them", timed(old_plan(engine, month, new=True), runs))
        )
    load = "/".join(f"{v:.1f}" for v in os.getloadavg())
    lines.append(f"{label}: load average {load} after timing")
    engine.dispose()
    lines += [f"| {label} | {what} | {median:.1f} ms | {worst:.1f} ms |" for what, (median, worst) in results]
    return lines, figures


def station(folder: Path, database_url: str | None) -> Config:
    """A station's config in `folder` (its data folder inside), over `database_url` or its own SQLite file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.toml"
    text = f'[paths]\ndata_dir = "{folder / "data"}"\n'
    if database_url:
        text += f'[database]\nurl = "{database_url}"\n'
    path.write_text(text, "utf-8")
    return load_config(path, environ={})


def seeded_station(config: Config, rows: int) -> tuple[BlindIndex, float]:
    """The station's database (and keys) made, filled with `rows` dossiers indexed with the
    station's own index key (so that its console finds them), unless a kept one holds them."""
    storage = make_storage(config)
    index = make_blind_index(config, storage)
    return index, seed(config.database_url, rows, index)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("pg", "sqlite", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder kept between runs (and bench/console_load.py's)")
    args = parser.parse_args()
    december: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        if args.backend in ("pg", "both"):
            with postgresql_server(folder / "pg") as url:
                config = station(folder / "pg-station", url)
                index, seeded = seeded_station(config, args.rows)
                lines, december["PostgreSQL"] = measure("PostgreSQL", url, args.runs, seeded, index)
                print("\n".join(lines), flush=True)
        if args.backend in ("sqlite", "both"):
            config = station(folder / "sqlite-station", None)
            index, seeded = seeded_station(config, args.rows)
            lines, december["SQLite"] = measure("SQLite", config.database_url, args.runs, seeded, index)
            print("\n".join(lines), flush=True)
    if len(december) == 2:  # the same seed: the same figures on both backends, to the last row
        same = december["PostgreSQL"].rows == december["SQLite"].rows
        print(f"December figures equal on PostgreSQL and SQLite: {same}")


if __name__ == "__main__":
    main()
