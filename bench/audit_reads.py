"""Audit rows written by concurrent officers on SQLite: reads (group-committed, `db/group_sync.py`)
beside actions (an fsync each at commit, the reference in the same run).

    chrt -f 10 .venv/bin/python bench/audit_reads.py [--threads 20] [--rows 30] [--runs 3]

Each of `--threads` threads (one per officer, as the console's thread pool runs their pages)
writes `--rows` audit rows one after another through `AuditLog.record`, over one fresh station
database file in the data folder's file system (not tmpfs: an fsync must reach a disk). Reported:
per row p50/p95 and rows per second, for "search" rows (reads) and "status_change" rows (actions),
alternating run by run so that both see the same machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from db.audit import SqlAuditLog
from db.engine import make_engine
from db.migrate import upgrade
from kiosk.audit import AuditLog
from kiosk.ports.clock import local_now


def run(folder: Path, action: str, threads: int, rows: int) -> tuple[list[float], float, int]:
    """(milliseconds per row, seconds in all, fsyncs the group sync made)."""
    url = f"sqlite:///{folder / f'{action}-{time.monotonic_ns()}.sqlite3'}"
    upgrade(url)
    repository = SqlAuditLog(make_engine(url))
    log = AuditLog(repository, os.urandom(32), local_now)
    times: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def officer(n: int) -> None:
        start.wait()
        for i in range(rows):
            began = time.perf_counter()
            log.record(f"CB{n:03d}", action, f"row {i}")
            with lock:
                times.append((time.perf_counter() - began) * 1000)

    workers = [threading.Thread(target=officer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    start.wait()
    began = time.perf_counter()
    for w in workers:
        w.join()
    wall = time.perf_counter() - began
    assert log.verify().ok and log.verify().rows == threads * rows
    group = repository.group_sync
    return times, wall, group.syncs if group else 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/var/tmp"), help="on a real disk")
    args = parser.parse_args()
    print(f"{args.threads} threads x {args.rows} rows, {args.runs} runs each, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        results: dict[str, list[tuple[list[float], float, int]]] = {"search": [], "status_change": []}
        for _ in range(args.runs):
            for action in results:
                results[action].append(run(Path(tmp), action, args.threads, args.rows))
    print("| row | rows | p50 | p95 | rows/s | fsyncs shared by the reads |")
    print("| --- | --- | --- | --- | --- | --- |")
    for action, runs in results.items():
        times = [t for one, _, _ in runs for t in one]
        rate = sum(len(one) for one, _, _ in runs) / sum(wall for _, wall, _ in runs)
        syncs = sum(s for *_, s in runs)
        label = "read (search), group commit" if action == "search" else "action (status_change), own fsync"
        p50, p95 = statistics.median(times), percentile(times, 95)
        shared = syncs if action == "search" else "—"
        print(f"| {label} | {len(times)} | {p50:.1f} ms | {p95:.1f} ms | {rate:.0f} | {shared} |")
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
