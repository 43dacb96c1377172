"""The console's queue search at 1,000,000 dossiers: toneless name, ID number, tracking code.

    .venv/bin/python bench/console_search.py [--rows N] [--queries N]

Fills a fresh SQLite file (real schema from the migrations) with bulk rows whose blind index is
made with a random index key from names drawn out of common Vietnamese family, middle and given
names (so "nguyen thi hang" matches many rows, as it would), then times `SqlDesk.queue` (the
console's first page: 51 rows, newest first) for a name typed without tone marks, for an ID
number, and for a tracking code, in the same run. Not part of the test suite.
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
from db.desk import SqlDesk
from db.engine import make_engine
from db.models import DossierRow
from kiosk import trackcode
from kiosk.blind_index import BlindIndex, joined
from kiosk.ports.desk import QueueQuery
from kiosk.sealing import KEY_SIZE, Sealer

BATCH = 50_000
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Quốc", "Xuân", "Thu", "Hoài", "Bảo"]
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


def fill(engine: sa.Engine, n: int, index: BlindIndex, rng: random.Random) -> tuple[list[str], list[str]]:
    blob = Sealer(os.urandom(KEY_SIZE)).seal({"fields": {}, "holder": {}})
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    codes: list[str] = []
    ids: list[str] = []
    seen: set[str] = set()
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            while True:
                payload = "".join(rng.choices(trackcode.ALPHABET, k=trackcode.LENGTH - 1))
                code = payload + trackcode.check_char(payload)
                if code not in seen:
                    seen.add(code)
                    break
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            id_number = f"{rng.randrange(10**11, 10**12)}"
            if i % 1000 == 0:
                codes.append(code)
                ids.append(id_number)
            rows.append(
                {
                    "tracking_code": code,
                    "service_code": "1.003677",
                    "service_version": 1,
                    "station_id": "HN-BD-01",
                    "status": "received",
                    "submitted_at": t0 + dt.timedelta(seconds=i),
                    "updated_at": t0 + dt.timedelta(seconds=i),
                    "payload": blob,
                    "name_index": joined(index.name_tokens(name)),
                    "id_index": index.id_token(id_number),
                }
            )
        with engine.begin() as conn:
            conn.execute(sa.insert(DossierRow), rows)
    return codes, ids


def timed(run: object, count: int) -> tuple[float, float, int]:
    times, found = [], 0
    for _ in range(count):
        t = time.perf_counter()
        found = len(run())  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)], found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(7)
    index = BlindIndex(os.urandom(KEY_SIZE))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        t = time.perf_counter()
        codes, ids = fill(engine, args.rows, index, rng)
        print(f"{args.rows:,} rows in {time.perf_counter() - t:.0f} s")
        desk = SqlDesk(engine)
        size = QueueQuery(limit=51)
        cases = {
            "tracking code (reference: unique index)": lambda: desk.queue(
                QueueQuery(tracking_code=rng.choice(codes), limit=51)
            ),
            "ID number (id_index)": lambda: desk.queue(
                QueueQuery(id_token=index.id_token(rng.choice(ids)), limit=51)
            ),
            "common name 'nguyen thi hang'": lambda: desk.queue(
                QueueQuery(name_tokens=tuple(index.query_tokens("nguyen thi hang")), limit=51)
            ),
            "rare name 'duong bao yen'": lambda: desk.queue(
                QueueQuery(name_tokens=tuple(index.query_tokens("duong bao yen")), limit=51)
            ),
            "unknown name 'xyz'": lambda: desk.queue(
                QueueQuery(name_tokens=tuple(index.query_tokens("xyz")), limit=51)
            ),
            "first page, no search": lambda: desk.queue(size),
        }
        for label, run in cases.items():
            median, p95, found = timed(run, args.queries)
            print(f"{label:<42} median {median:8.2f} ms  p95 {p95:8.2f} ms  rows {found}")


if __name__ == "__main__":
    main()
