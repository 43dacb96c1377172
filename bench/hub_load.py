"""The province hub under load: simulated stations on loopback against real `kiosk hub serve`
processes over a throwaway PostgreSQL (issue 13's targets: ≥ 500 accepted submissions/s, p99 <
200 ms with 100 stations).

    .venv/bin/python bench/hub_load.py [--stations 10,100,1000] [--each 20] [--hubs 1,2]
                                       [--stacks fast,plain] [--backlog 5000] [--round-trips 20]
                                       [--rates 100,300,500] [--seconds 10] [--arrivals poisson]
                                       [--open-stations 100]
    chrt -f 10 .venv/bin/python bench/hub_load.py …     (the bench, its hubs and PostgreSQL)

For each HTTP stack (`kiosk hub serve --http-stack`: fast = uvloop + httptools, plain = asyncio +
h11), each number of hub processes and each station count: that many stations are enrolled
(keys bound in the hub's database by `SqlHub.enrol`, as an enrolment does), each with `--each`
temporary-absence declarations of Vietnamese citizens (`bench/hub_people.py`: names with their
diacritics, real communes and streets) whose requests are signed beforehand (Ed25519 + nonce, as
`hub.client` signs: signing is the station's cost, not the hub's). Then every station sends its
own requests one after another on one kept-alive connection, all stations at once, spread over
the hub processes as a reverse proxy would. The client is raw HTTP/1.1 on asyncio streams
(requests serialised beforehand) so that it takes little of the 2 cores the hub needs; its own
CPU is reported. Beside it, in the same run, at the same concurrency, through the same servers:
the reference, the trivial `GET /livez`. Reported: accepted/s, p50/p99 latency, the hubs' CPU
per submission, and the reference's figures.

Open loop (`--rates 100,300,500`, after the closed rounds, with the largest `--hubs` and
`--open-stations`, 100): submissions arrive at a fixed rate whatever the hub answers, for `--seconds` each
(Poisson arrivals by default, `--arrivals even` for evenly spaced), spread round-robin over the
stations, each station on its own kept-alive connection. A submission's latency runs from its
**scheduled** send time, not from when its station's connection was free again: a slow answer
delays the station's next requests and that wait is counted (no coordinated omission).

Then, once: the drain of a `--backlog`-dossier outbox by one station (its SQLite database, the
real `deliver_pending` → `HubTarget` path, 100 rows a pass) and the status round trip (an
officer's change at the hub → the kiosk's status screen lookup (`make_status_lookup`, the hub
asked first) says so; → the station's pull → its own copy says so, and the screen's lookup with
the hub unreachable answers it, "updated 0 minutes ago"), `--round-trips` times; offline, the
kiosk's poll interval (`hub.status_every_seconds`, 120 s) comes on top of it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvloop
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hub_people import People  # noqa: E402
from hub.client import HubClient, dossier_json, pull_statuses  # noqa: E402
from hub.serve import build_hub  # noqa: E402
from hub.service import code_hash  # noqa: E402
from hub.station_key import load_request_key, request_key_id  # noqa: E402
from kiosk.request_signing import public_key_text, sign_request  # noqa: E402
from kiosk.status import HubStatus, HubUnreachable, StatusLookup  # noqa: E402
from tests.hub.conftest import HubServer, make_station, new_hub_db, start_hub  # noqa: E402
from tests.postgres import running_server  # noqa: E402

Request = tuple[str, bytes, dict[str, str]]  # path, body, headers
PEOPLE = People()
ROUNDS = itertools.count(1)  # each round enrols stations of its own


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
    for _ in range(each):
        dossier = PEOPLE.declaration(station_id, dt.datetime.now(dt.UTC))
        body = json.dumps(dossier_json(dossier), ensure_ascii=False, sort_keys=True).encode()
        headers = sign_request("POST", "http://hub/v1/submissions", body, key_id=key_id, key=key)
        headers |= {"content-type": "application/json", "idempotency-key": f"hub:{dossier.tracking_code}"}
        out.append(("/v1/submissions", body, headers))
    return out


def raw_request(method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 request as bytes on the wire (keep-alive, the default of HTTP/1.1)."""
    lines = [f"{method} {path} HTTP/1.1", "host: hub", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one response; its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def run_stations(urls: list[str], plans: list[list[bytes]]) -> tuple[float, list[float], int]:
    """Every station sends its plan in order on its own connection, all stations at once;
    (seconds, latencies, 2xx answers)."""
    latencies: list[float] = []
    accepted = 0

    async def station(index: int, plan: list[bytes]) -> None:
        nonlocal accepted
        host, port = urls[index % len(urls)].removeprefix("http://").rsplit(":", 1)
        reader, writer = await asyncio.open_connection(host, int(port), limit=1 << 20)
        try:
            for raw in plan:
                start = time.perf_counter()
                writer.write(raw)
                status = await _answer(reader)
                latencies.append(time.perf_counter() - start)
                accepted += 200 <= status < 300
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(station(i, p) for i, p in enumerate(plans)))
    return time.perf_counter() - start, latencies, accepted


async def run_open(urls: list[str], plans: list[list[tuple[float, bytes]]]) -> tuple[float, list[float], int]:
    """Every station sends each request of its plan at its scheduled offset (seconds from the
    start), or as soon as its connection is free if that is later; (seconds to the last answer,
    latencies from the scheduled times, 2xx answers)."""
    latencies: list[float] = []
    accepted = 0
    loop = asyncio.get_running_loop()

    async def station(index: int, plan: list[tuple[float, bytes]]) -> None:
        nonlocal accepted
        host, port = urls[index % len(urls)].removeprefix("http://").rsplit(":", 1)
        reader, writer = await asyncio.open_connection(host, int(port), limit=1 << 20)
        await ready.wait()
        try:
            for offset, raw in plan:
                due = start + offset
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(raw)
                status = await _answer(reader)
                latencies.append(loop.time() - due)
                accepted += 200 <= status < 300
        finally:
            writer.close()

    ready = asyncio.Event()
    tasks = [asyncio.create_task(station(i, p)) for i, p in enumerate(plans)]
    await asyncio.sleep(0.5)  # every connection open before the clock starts
    start = loop.time()
    ready.set()
    await asyncio.gather(*tasks)
    return loop.time() - start, latencies, accepted


def open_round(
    hubs: list[HubServer], hub_db: str, keys: Path, stations: int, rate: float, seconds: float,
    arrivals: str, server: str,
) -> dict[str, object]:  # fmt: skip
    """Submissions at `rate` per second for `seconds`, round-robin over `stations` (`run_open`)."""
    total = round(rate * seconds)
    enrolled = enrol_stations(hub_db, keys, f"O{len(hubs)}-{stations}-{next(ROUNDS)}-", stations)
    each = -(-total // stations)
    signed = [[raw_request("POST", *r) for r in signed_submissions(sid, key, each)] for sid, key in enrolled]
    times = random.Random(rate)  # the same arrivals for the same rate, run after run
    offset, plans = 0.0, [[] for _ in range(stations)]  # type: list[list[tuple[float, bytes]]]
    for n in range(total):
        offset += times.expovariate(rate) if arrivals == "poisson" else 1 / rate
        plans[n % stations].append((offset, signed[n % stations][n // stations]))
    urls = [h.url for h in hubs]
    pids = [h.process.pid for h in hubs]
    cpu0, client0, pg0 = cpu_seconds(pids), time.process_time(), postgres_cpu_seconds(server)
    load_s, lat, ok = run_loop(run_open(urls, plans))
    cpu, client = cpu_seconds(pids) - cpu0, time.process_time() - client0
    pg = postgres_cpu_seconds(server) - pg0
    return {
        "mode": "open",
        "arrivals": arrivals,
        "hubs": len(hubs),
        "stations": stations,
        "offered_per_s": rate,
        "requests": total,
        "accepted": ok,
        "accepted_per_s": round(ok / load_s, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1),
        "p99_ms": round(1000 * percentile(lat, 99), 1),
        "max_ms": round(1000 * max(lat), 1),
        "hub_cpu_ms_per_submission": round(1000 * cpu / total, 2),
        "postgres_cpu_ms_per_submission": round(1000 * pg / total, 2),
        "client_cpu_ms_per_submission": round(1000 * client / total, 2),
    }


def run_loop(coroutine: Any) -> Any:
    return uvloop.run(coroutine)  # the client's loop is cheap too: its CPU is the hub's loss


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


def postgres_cpu_seconds(server: str) -> float:
    """CPU of the PostgreSQL server: the postmaster, its live backends and the children it reaped
    (`/proc/PID/stat` utime, stime, cutime, cstime)."""
    folder = Path(server.rsplit("host=", 1)[1])
    postmaster = int((folder / "data" / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15]) / tick
        elif ppid == postmaster:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def load_round(
    hubs: list[HubServer], hub_db: str, keys: Path, stations: int, each: int, server: str
) -> dict[str, object]:
    enrolled = enrol_stations(hub_db, keys, f"B{len(hubs)}-{stations}-{next(ROUNDS)}-", stations)
    plans = [[raw_request("POST", *r) for r in signed_submissions(sid, key, each)] for sid, key in enrolled]
    urls = [h.url for h in hubs]
    pids = [h.process.pid for h in hubs]
    livez = raw_request("GET", "/livez", b"", {})
    warm = [[livez] * 5 for _ in range(len(hubs))]  # a connection to each process first
    run_loop(run_stations(urls, warm))
    ref_s, ref_lat, ref_ok = run_loop(run_stations(urls, [[livez] * each for _ in range(stations)]))
    cpu0, client0, pg0 = cpu_seconds(pids), time.process_time(), postgres_cpu_seconds(server)
    load_s, lat, ok = run_loop(run_stations(urls, plans))
    cpu, client = cpu_seconds(pids) - cpu0, time.process_time() - client0
    pg = postgres_cpu_seconds(server) - pg0
    total = stations * each
    return {
        "hubs": len(hubs),
        "stations": stations,
        "requests": total,
        "accepted": ok,
        "accepted_per_s": round(ok / load_s, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1),
        "p99_ms": round(1000 * percentile(lat, 99), 1),
        "hub_cpu_ms_per_submission": round(1000 * cpu / total, 2),
        "postgres_cpu_ms_per_submission": round(1000 * pg / total, 2),
        "client_cpu_ms_per_submission": round(1000 * client / total, 2),
        "reference_per_s": round(ref_ok / ref_s, 1),
        "reference_p50_ms": round(1000 * statistics.median(ref_lat), 1),
        "reference_p99_ms": round(1000 * percentile(ref_lat, 99), 1),
        "ratio_to_reference": round((ok / load_s) / (ref_ok / ref_s), 2),
    }


def drain_and_round_trip(hub: HubServer, folder: Path, backlog: int, round_trips: int) -> dict[str, object]:
    from kiosk.app.cli import main
    from kiosk.app.root import (
        make_hub_link,
        make_signer,
        make_status_lookup,
        make_storage,
        make_store,
        make_targets,
    )
    from kiosk.outbox import deliver_pending

    station = make_station(folder / "drain", "HN-DRAIN", hub.url, timeout_s=30)
    code = build_hub(hub.db_url, hub.keys).new_code("HN-DRAIN", "Hà Nội", "Phường Hoàn Kiếm", "CA phường")
    assert main(["--config", str(station.config_file), "hub", "enrol", "--hub", hub.url, code]) == 0
    config = station.config
    store = make_store(config)
    codes = []
    for _ in range(backlog):  # a week offline
        dossier = PEOPLE.declaration("HN-DRAIN", dt.datetime.now(dt.UTC))
        store.submit(dossier)
        codes.append(dossier.tracking_code)
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
    signer = make_signer(config, make_storage(config))
    # The status screen's own lookup, as the kiosk builds it: the hub asked first (online), and
    # with no hub to ask, the station's copy the pull brought (offline, "updated N minutes ago").
    screen_online = make_status_lookup(store, signer, config)
    screen_offline = StatusLookup(store, signer, OfflineHub(link))
    trips, online, offline = [], [], []
    for tracking in codes[:round_trips]:
        start = time.perf_counter()
        at_hub.set_status(tracking, "processing", actor="cb01")
        shown = screen_online(tracking)
        assert (shown.status, shown.stale_minutes) == ("processing", None), shown
        online.append(time.perf_counter() - start)
        pull_statuses(client, link, dt.datetime.now(dt.UTC))
        assert store.status(tracking) == "processing"
        trips.append(time.perf_counter() - start)
        shown = screen_offline(tracking)
        assert (shown.status, shown.stale_minutes) == ("processing", 0), shown
        offline.append(time.perf_counter() - start)
    return {
        "backlog": backlog,
        "drain_s": round(drain_s, 1),
        "drain_per_s": round(backlog / drain_s, 1),
        "hub_db_bytes_per_dossier": round(per_dossier),
        "round_trip_p50_ms": round(1000 * statistics.median(trips), 1),
        "round_trip_max_ms": round(1000 * max(trips), 1),
        "screen_online_p50_ms": round(1000 * statistics.median(online), 1),
        "screen_online_max_ms": round(1000 * max(online), 1),
        "screen_after_pull_p50_ms": round(1000 * statistics.median(offline), 1),
        "screen_after_pull_max_ms": round(1000 * max(offline), 1),
    }


class OfflineHub:
    """The kiosk's view of a hub it cannot reach: its lookups fail, its last sync is the link's."""

    def __init__(self, link: Any) -> None:
        self._link = link

    def look_up(self, tracking_code: str) -> HubStatus | None:
        raise HubUnreachable("the bench's offline kiosk")

    def synced_at(self) -> dt.datetime | None:
        return self._link.synced_at()  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stations", default="10,100,1000")
    parser.add_argument("--each", type=int, default=20, help="submissions per station")
    parser.add_argument("--hubs", default="1,2", help="numbers of hub processes to run (one per core)")
    parser.add_argument("--stacks", default="fast", help="fast (uvloop + httptools), plain (asyncio + h11)")
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--round-trips", type=int, default=20)
    parser.add_argument("--rates", default="", help="open loop: offered submissions/s, e.g. 100,300,500")
    parser.add_argument("--seconds", type=float, default=10.0, help="open loop: length of each rate's run")
    parser.add_argument("--open-stations", type=int, default=100, help="open loop: stations sending")
    parser.add_argument("--arrivals", choices=("poisson", "even"), default="poisson")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    with contextlib.contextmanager(running_server)() as server:
        return run(args, server)


def run(args: argparse.Namespace, server: str) -> int:
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    hub_db = new_hub_db(server)
    keys = folder / "keys"
    build_hub(hub_db, keys)  # the keys, once, before several processes start
    for stack in args.stacks.split(","):
        for count in (int(h) for h in args.hubs.split(",")):
            hubs = [
                start_hub(hub_db, keys, folder / f"hub-{stack}-{count}-{i}.log", ("--http-stack", stack))
                for i in range(count)
            ]
            try:
                for stations in (int(c) for c in args.stations.split(",") if args.each):
                    figures = {"stack": stack, **load_round(hubs, hub_db, keys, stations, args.each, server)}
                    print(json.dumps(figures), f"load {os.getloadavg()[0]:.1f}", flush=True)
                if args.rates and count == max(int(h) for h in args.hubs.split(",")):
                    stations = args.open_stations
                    for rate in (float(r) for r in args.rates.split(",")):
                        figures = open_round(
                            hubs, hub_db, keys, stations, rate, args.seconds, args.arrivals, server
                        )
                        print(
                            json.dumps({"stack": stack, **figures}),
                            f"load {os.getloadavg()[0]:.1f}",
                            flush=True,
                        )
            finally:
                stop(hubs)
    if args.backlog:
        hubs = [start_hub(hub_db, keys, folder / "hub-drain.log")]
        try:
            print(
                json.dumps(drain_and_round_trip(hubs[0], folder, args.backlog, args.round_trips)), flush=True
            )
        finally:
            stop(hubs)
    print(f"load average after: {os.getloadavg()}", flush=True)
    return 0


def stop(hubs: list[HubServer]) -> None:
    for hub in hubs:
        hub.process.terminate()
    for hub in hubs:
        hub.process.wait(10)


if __name__ == "__main__":
    sys.exit(main())
