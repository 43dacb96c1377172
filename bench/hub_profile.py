"""Where the hub's CPU goes per accepted submission: cProfile over the real application
(`kiosk.app.root.build_hub_app` under uvicorn, in this process) while stations' pre-signed
submissions arrive, then the time grouped by package and the top functions.

    .venv/bin/python bench/hub_profile.py [--stations 10] [--each 50] [--top 30]

Every thread the server starts (uvicorn's event loop, the thread pool that runs the routes'
blocking work) is profiled with its own CPU clock (`time.thread_time`: waits do not count); the
sending client runs in the main thread, which is not. Profiling slows everything ~2x: read the
shares, and take the absolute CPU figure from `bench/hub_load.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hub_load import enrol_stations, signed_submissions  # noqa: E402
from tests.hub.conftest import free_port, new_hub_db  # noqa: E402
from tests.postgres import running_server  # noqa: E402

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _start_profiling(*_args: object) -> None:
    """`threading.setprofile` hook: the first event of each new thread turns its own profiler on
    (cProfile then replaces this hook for that thread)."""
    profile = cProfile.Profile(time.thread_time)  # CPU of this thread, not wall time (idle polls)
    with _lock:
        _profiles.append(profile)
    profile.enable()


PACKAGES = (
    ("ours: hub/", "/hub/"),
    ("ours: db/", "/db/"),
    ("ours: kiosk/", "/kiosk/"),
    ("ours: console/", "/console/"),
    ("sqlalchemy", "/sqlalchemy/"),
    ("psycopg", "/psycopg"),
    ("pydantic", "/pydantic"),
    ("fastapi", "/fastapi/"),
    ("starlette", "/starlette/"),
    ("uvicorn", "/uvicorn/"),
    ("h11", "/h11/"),
    ("httptools", "/httptools/"),
    ("uvloop", "/uvloop/"),
    ("http_sf", "/http_sf/"),
    ("anyio", "/anyio/"),
    ("http_message_signatures", "/http_message_signatures/"),
    ("cryptography", "/cryptography/"),
    ("asyncio", "/asyncio/"),
    ("json", "/json/"),
)


def _package(filename: str) -> str:
    for name, part in PACKAGES:
        if part in filename:
            return name
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    return "other python"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--each", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--save", default="", help="write the merged pstats here")
    args = parser.parse_args()
    with contextlib.contextmanager(running_server)() as server:
        return run(args, server)


def run(args: argparse.Namespace, server: str) -> int:
    import uvicorn

    from kiosk.app.root import build_hub_app

    folder = Path(tempfile.mkdtemp(prefix="hub-profile-"))
    hub_db = new_hub_db(server)
    app = build_hub_app(hub_db, folder / "keys", "Hà Nội")
    enrolled = enrol_stations(hub_db, folder / "keys", "P", args.stations)
    plans = [signed_submissions(sid, key, args.each) for sid, key in enrolled]
    warm = signed_submissions(*enrol_stations(hub_db, folder / "keys", "W", 1)[0], 20)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server_ = uvicorn.Server(config)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

    def send(plan: list[tuple[str, bytes, dict[str, str]]]) -> int:
        ok = 0
        for path, body, headers in plan:
            response = client.post(path, content=body, headers=headers)
            ok += response.status_code == 200
        return ok

    threading.setprofile(_start_profiling)
    thread = threading.Thread(target=server_.run, daemon=True)
    thread.start()
    while not server_.started:
        time.sleep(0.05)
    assert send(warm) == len(warm)  # first requests: imports, caches, connections
    with _lock:
        for profile in _profiles:
            profile.clear()  # keep only the measured requests
    start = time.perf_counter()
    accepted = sum(send(plan) for plan in plans)  # stations one after another, like one busy link
    wall = time.perf_counter() - start
    threading.setprofile(None)  # type: ignore[arg-type]
    with _lock:
        for profile in _profiles:
            profile.disable()
    server_.should_exit = True
    thread.join(10)
    total = args.stations * args.each
    print(f"{accepted}/{total} accepted in {wall:.1f} s (profiled, sequential)")

    stats = pstats.Stats(_profiles[0])
    for profile in _profiles[1:]:
        stats.add(profile)
    if args.save:
        stats.dump_stats(args.save)
    by_package: dict[str, float] = defaultdict(float)
    raw = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        by_package[_package(filename)] += tottime
    cpu = sum(by_package.values())
    print(f"profiled CPU: {1000 * cpu / total:.2f} ms per submission (server threads)")
    for name, seconds in sorted(by_package.items(), key=lambda kv: -kv[1]):
        print(f"  {name:28s} {1000 * seconds / total:6.2f} ms  {100 * seconds / cpu:5.1f} %")
    print("\nour functions by cumulative time per submission:")
    ours = [
        (ct, f"{Path(fn).parent.name}/{Path(fn).name}:{line} {name}")
        for (fn, line, name), (_cc, _nc, _tt, ct, _callers) in raw.items()
        if any(f"/{p}/" in fn for p in ("hub", "db", "kiosk", "console")) and "/.venv/" not in fn
    ]
    for ct, where in sorted(ours, reverse=True)[: args.top]:
        print(f"  {1000 * ct / total:6.2f} ms  {where}")
    print("\ntop functions by own time:")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
