"""The province hub under load: simulated stations on loopback against real `kiosk hub serve`
processes over a throwaway PostgreSQL (issue 13's targets: ≥ 500 accepted submissions/s, p99 <
200 ms with 100 stations).

    .venv/bin/python bench/hub_load.py [--stations 10,100,1000] [--each 20] [--hubs 2]
                                       [--backlog 5000] [--round-trips 20]
    chrt -f 10 .venv/bin/python bench/hub_load.py …     (the bench, its hubs and PostgreSQL)

For each station count: that many stations are enrolled (keys bound in the hub's database by
`SqlHub.enrol`, as an enrolment does), each with `--each` dossiers whose requests are signed
beforehand (Ed25519 + nonce, as `hub.client` signs: signing is the station's cost, not the
hub's). Then every station sends its own requests one after another, all stations at once
(asyncio, one connection each), spread over `--hubs` hub processes as a reverse proxy would.
Beside it, in the same run and at the same concurrency, the reference: the same servers' trivial
`GET /livez`. Reported: accepted/s, p50/p99 latency, and the hub's share of the CPU.

Then, once: the drain of a `--backlog`-dossier outbox by one station (its SQLite database, the
real `deliver_pending` → `HubTarget` path, 100 rows a pass) and the status round trip (an
officer's change at the hub → the station's pull → its own copy says so), `--round-trips`
times; the kiosk's poll interval (`hub.status_every_seconds`, 120 s) comes on top of it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.client import HubClient, dossier_json, pull_statuses  # noqa: E402
from hub.serve import build_hub  # noqa: E402
from hub.service import code_hash  # noqa: E402
from hub.station_key import load_request_key, request_key_id  # noqa: E402
from kiosk.dossier import Dossier  # noqa: E402
from kiosk.request_signing import public_key_text, sign_request  # noqa: E402
from kiosk.trackcode import new_code  # noqa: E402
from tests.hub.conftest import HubServer, make_station, new_hub_db, start_hub  # noqa: E402
from tests.postgres import running_server  # noqa: E402

Request = tuple[str, bytes, dict[str, str]]  # path, body, headers


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def enrol_stations(hub_db: str, keys: Path, prefix: str, count: int) -> list[tuple[str, Ed25519PrivateKey]]:
    at_hub = build_hub(hub_db, keys)
    now = dt.datetime.now(dt.UTC)
    stations = []
    for i in range(count):
        station_id = f"{prefix}{i:04d}"
        key = Ed25519PrivateKey.generate()
        code = at_hub.new_code(station_id, "Hà Nội", f"Xã {i}", f"Công an xã {i}")
        slip = Ed25519PrivateKey.generate().public_key()
        at_hub.store.enrol(
            code_hash(code), station_id, request_key_id(key.public_key()), public_key_text(key.public_key()),
            [public_key_text(slip)], now,
        )  # fmt: skip
        stations.append((station_id, key))
    return stations


def signed_submissions(station_id: str, key: Ed25519PrivateKey, each: int) -> list[Request]:
    key_id = request_key_id(key.public_key())
    out = []
    for n in range(each):
        dossier = Dossier(
            new_code(), "khai_bao_tam_vang", 1, station_id, dt.datetime.now(dt.UTC),
            {"reason": "Đi công tác", "n": n, "address": "Số 12, đường Trần Hưng Đạo"},
            {"name": "Nguyễn Thị Minh Khai", "id_number": "001099012345", "date_of_birth": "1990-05-01"},
        )  # fmt: skip
        body = json.dumps(dossier_json(dossier), ensure_ascii=False, sort_keys=True).encode()
        headers = sign_request("POST", "http://hub/v1/submissions", body, key_id=key_id, key=key)
        headers |= {"content-type": "application/json", "idempotency-key": f"hub:{dossier.tracking_code}"}
        out.append(("/v1/submissions", body, headers))
    return out


async def run_stations(
    urls: list[str], plans: list[list[Request]], method: str
) -> tuple[float, list[float], int]:
    """Every station sends its plan in order, all stations at once; (seconds, latencies, 2xx)."""
    latencies: list[float] = []
    accepted = 0

    async def station(index: int, plan: list[Request]) -> None:
        nonlocal accepted
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=urls[index % len(urls)], timeout=60, limits=limits) as client:
            for path, body, headers in plan:
                start = time.perf_counter()
                response = await client.request(method, path, content=body or None, headers=headers)
                latencies.append(time.perf_counter() - start)
                accepted += response.is_success

    start = time.perf_counter()
    await asyncio.gather(*(station(i, p) for i, p in enumerate(plans)))
    return time.perf_counter() - start, latencies, accepted


def database_bytes(url: str) -> int:
    """Tables and indexes of the hub's database, after a VACUUM so dead rows do not count."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
            return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())
    finally:
        engine.dispose()


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def load_round(hubs: list[HubServer], hub_db: str, keys: Path, stations: int, each: int) -> dict[str, object]:
    enrolled = enrol_stations(hub_db, keys, f"B{stations}-", stations)
    plans = [signed_submissions(sid, key, each) for sid, key in enrolled]
    urls = [h.url for h in hubs]
    pids = [h.process.pid for h in hubs]
    reference_plans: list[list[Request]] = [[("/livez", b"", {})] * each for _ in range(stations)]
    ref_s, ref_lat, ref_ok = asyncio.run(run_stations(urls, reference_plans, "GET"))
    cpu0 = cpu_seconds(pids)
    load_s, lat, ok = asyncio.run(run_stations(urls, plans, "POST"))
    cpu = cpu_seconds(pids) - cpu0
    total = stations * each
    return {
        "stations": stations,
        "requests": total,
        "accepted": ok,
        "accepted_per_s": round(ok / load_s, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1),
        "p99_ms": round(1000 * percentile(lat, 99), 1),
        "hub_cpu_ms_per_submission": round(1000 * cpu / total, 2),
        "reference_per_s": round(ref_ok / ref_s, 1),
        "reference_p50_ms": round(1000 * statistics.median(ref_lat), 1),
        "reference_p99_ms": round(1000 * percentile(ref_lat, 99), 1),
    }


def drain_and_round_trip(hub: HubServer, folder: Path, backlog: int, round_trips: int) -> dict[str, object]:
    from kiosk.app.cli import main
    from kiosk.app.root import make_hub_link, make_store, make_targets
    from kiosk.outbox import deliver_pending

    station = make_station(folder / "drain", "HN-DRAIN", hub.url, timeout_s=30)
    code = build_hub(hub.db_url, hub.keys).new_code("HN-DRAIN", "Hà Nội", "Phường Hoàn Kiếm", "CA phường")
    assert main(["--config", str(station.config_file), "hub", "enrol", "--hub", hub.url, code]) == 0
    config = station.config
    store = make_store(config)
    codes = []
    for n in range(backlog):  # a week offline
        tracking = new_code()
        store.submit(
            Dossier(tracking, "khai_bao_tam_vang", 1, "HN-DRAIN", dt.datetime.now(dt.UTC), {"n": n},
                    {"name": "Phạm Văn Đồng"})
        )  # fmt: skip
        codes.append(tracking)
    targets = make_targets(config)
    size_before = database_bytes(hub.db_url)
    start = time.perf_counter()
    while store.backlog():
        deliver_pending(store, targets, dt.datetime.now(dt.UTC) + dt.timedelta(days=1), limit=100)
    drain_s = time.perf_counter() - start
    per_dossier = (database_bytes(hub.db_url) - size_before) / backlog

    at_hub = build_hub(hub.db_url, hub.keys)
    client = HubClient(hub.url, "HN-DRAIN", load_request_key(config.hub_key_file), timeout_s=30)
    link = make_hub_link(config)
    pull_statuses(client, link, dt.datetime.now(dt.UTC))
    trips = []
    for tracking in codes[:round_trips]:
        start = time.perf_counter()
        at_hub.set_status(tracking, "processing", actor="cb01")
        pull_statuses(client, link, dt.datetime.now(dt.UTC))
        assert store.status(tracking) == "processing"
        trips.append(time.perf_counter() - start)
    return {
        "backlog": backlog,
        "drain_s": round(drain_s, 1),
        "drain_per_s": round(backlog / drain_s, 1),
        "hub_db_bytes_per_dossier": round(per_dossier),
        "round_trip_p50_ms": round(1000 * statistics.median(trips), 1),
        "round_trip_max_ms": round(1000 * max(trips), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stations", default="10,100,1000")
    parser.add_argument("--each", type=int, default=20, help="submissions per station")
    parser.add_argument("--hubs", type=int, default=2, help="hub processes (one per core)")
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--round-trips", type=int, default=20)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    with contextlib.contextmanager(running_server)() as server:
        return run(args, server)


def run(args: argparse.Namespace, server: str) -> int:
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    hub_db = new_hub_db(server)
    hubs = [start_hub(hub_db, folder / "keys", folder / f"hub{i}.log") for i in range(args.hubs)]
    try:
        for count in (int(c) for c in args.stations.split(",")):
            figures = load_round(hubs, hub_db, folder / "keys", count, args.each)
            print(json.dumps(figures), flush=True)
        if args.backlog:
            print(
                json.dumps(drain_and_round_trip(hubs[0], folder, args.backlog, args.round_trips)), flush=True
            )
    finally:
        for hub in hubs:
            hub.process.terminate()
            hub.process.wait(10)
    print(f"load average after: {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
