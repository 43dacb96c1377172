"""Memory of the kiosk's UI process at idle and after journeys, wired as `kiosk run` wires it.

Per round, a fresh kiosk process (demo) under an Xvfb this script starts: its station services in a
`kiosk worker` child when the tree has one (`kiosk.app.worker_child`; an older tree keeps them in
the UI process), the real window shown. After the warm-up and `--settle` seconds it records PSS,
USS and RSS of the UI process (and of the worker child), then runs a whole lodging-absence journey
(`kiosk.app.scripted`: the journey's own intents, the emulated card, the window rendering every
screen) to the printed receipt, resets the session, settles and records again; twice. Where
the tree gives a finished session's memory back (`ui.heap`), each figure waits for that pass
(after the warm-up, after each reset), as the kiosk would have done by then. Rounds of
several trees are interleaved. Unlike `stalls.py` it does not tap the widgets (no timing figures).

    .venv/bin/python bench/journey_memory.py --kiosk before=/tmp/main --kiosk this=. [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from startup import xvfb  # noqa: E402

CHILD = r"""
import json, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from kiosk.app.scripted import journey_steps
from kiosk.config import load_config
from ui.app import KioskUi

def memory_mb(pid="self"):
    kb = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        key, _, value = line.partition(":")
        if key in ("Pss", "Rss", "Private_Clean", "Private_Dirty"):
            kb[key] = int(value.split()[0])
    return [kb["Pss"] / 1024, (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024, kb["Rss"] / 1024]

def mappings_kb():  # RSS and private kB per mapped file ([heap], [anon] and the like by name)
    out, name = {}, None
    for line in open("/proc/self/smaps"):
        head = line.split()
        if "-" in head[0] and not head[0].endswith(":"):  # a mapping's header line
            name = head[5] if len(head) > 5 else "[anon]"
            out.setdefault(name, [0, 0])
        elif head[0] == "Rss:":
            out[name][0] += int(head[1])
        elif head[0] in ("Private_Clean:", "Private_Dirty:"):
            out[name][1] += int(head[1])
    return out

config = load_config(overrides={"paths.data_dir": sys.argv[1]}, demo=True, environ={})
settle_s = float(sys.argv[2])
maps = {}
try:
    from kiosk.app.worker_child import station_for_run
except ImportError:
    ui, child = KioskUi(config, windowed=True), None
else:
    link, child = station_for_run(config)
    try:  # and its card reader in a `kiosk card-service` child
        from kiosk.app.card_service import cards_for_run
    except ImportError:  # a tree from before it: the reader in this process
        ui = KioskUi(config, windowed=True, link=link)
    else:
        card_link, card_child = cards_for_run(config)
        ui = KioskUi(config, windowed=True, link=link, card_link=card_link)
ui.show()

def spin(until=lambda: True, at_least=0.0, timeout=120.0):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        app.processEvents()
        app.sendPostedEvents(None, 52)  # QEvent.DeferredDelete: what app.exec() would do
        idle = ui.runner._pool.activeThreadCount() == 0
        if until() and idle and time.monotonic() - start >= at_least:
            return
        time.sleep(0.005)
    raise SystemExit(f"timed out: {ui.app.journey.state()}")

heap = getattr(ui, "heap", None)  # a tree that gives a session's memory back (`ui.heap`)

def released(n):
    return heap is None or heap.releases >= n

spin(lambda: ui.app.worker.running)
spin(lambda: ui.app.card_reader._value is not None and released(1), at_least=settle_s)
memory = {"idle": memory_mb()}
maps["idle"] = mappings_kb()
modules = {"idle": sorted(sys.modules)}
for n in (1, 2):
    journey = ui.app.journey
    for name, step in journey_steps(ui.app):
        step()
        spin(lambda: name != "read card" or journey.state().screen != "card")
    spin(lambda: journey.state().review.print_state == "printed")
    journey.reset()
    spin(lambda: released(n + 1), at_least=settle_s)
    memory[f"after journey {n} + reset"] = memory_mb()
    maps[f"after journey {n} + reset"] = mappings_kb()
    modules[f"after journey {n} + reset"] = sorted(set(sys.modules) - set(modules["idle"]))
worker = memory_mb(child.pid) if child is not None else None
modules["idle"] = len(modules["idle"])
print(json.dumps({"memory": memory, "worker": worker, "maps": maps, "modules": modules}), flush=True)
ui.close()
if child is not None:
    child.stop()
"""


def run_round(tree: Path, data: Path, display: str, settle: float) -> dict[str, object]:
    env = dict(os.environ, DISPLAY=display, PYTHONPATH=str(tree))
    env.pop("QT_QPA_PLATFORM", None)  # real xcb painting
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), str(settle)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    # The last line that is our JSON (the worker child shares our stdout, and says it stopped).
    line = next(ln for ln in reversed(out.stdout.splitlines()) if ln.startswith('{"memory"'))
    result: dict[str, object] = json.loads(line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--kiosk", action="append", metavar="LABEL=TREE")
    parser.add_argument(
        "--smaps", type=int, default=0, metavar="N", help="also show the N mappings that grew most (RSS)"
    )
    args = parser.parse_args()
    trees = [
        (s.split("=", 1)[0], Path(s.split("=", 1)[1]).resolve())
        for s in args.kiosk or [f"this={HERE.parent}"]
    ]
    print(f"load before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    rounds: dict[str, list[dict[str, object]]] = {label: [] for label, _ in trees}
    with tempfile.TemporaryDirectory() as tmp, xvfb() as display:
        data = {label: Path(tmp) / label for label, _ in trees}
        for label, tree in trees:
            run_round(tree, data[label], display, 0.5)  # creates the database and catalog cache
        for _ in range(args.rounds):
            for label, tree in trees:
                rounds[label].append(run_round(tree, data[label], display, args.settle))
    print(f"load after:  {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for label, results in rounds.items():
        print(f"\n== {label}: UI process, medians of {len(results)} rounds (change vs idle)")
        print(f"{'':28s} {'PSS':>17s} {'USS':>17s} {'RSS':>17s}")
        stages = list(results[0]["memory"])  # type: ignore[call-overload]
        idle = [statistics.median(r["memory"]["idle"][i] for r in results) for i in range(3)]  # type: ignore[index]
        for stage in stages:
            cells = []
            for i in range(3):
                value = statistics.median(r["memory"][stage][i] for r in results)  # type: ignore[index]
                cells.append(f"{value:6.1f} MB ({value - idle[i]:+5.1f})")
            print(f"{stage:28s} {'  '.join(cells)}")
        workers = [r["worker"] for r in results if r.get("worker")]
        if workers:
            pss, uss, rss = (statistics.median(w[i] for w in workers) for i in range(3))  # type: ignore[index]
            print(
                f"{'its station worker (child)':28s} {pss:6.1f} MB {'':9s}{uss:6.1f} MB {'':9s}{rss:6.1f} MB"
            )
        if args.smaps:
            grown(results, args.smaps)
            for stage, names in results[-1].get("modules", {}).items():  # type: ignore[union-attr]
                if stage != "idle":
                    print(f"  modules first imported by {stage} (last round): {', '.join(names) or 'none'}")


def grown(results: list[dict[str, object]], top: int) -> None:
    """Per mapping, the median change of RSS and private kB from idle to each later stage."""
    stages = list(results[0]["maps"])  # type: ignore[call-overload]
    for stage in stages[1:]:
        change: dict[str, list[tuple[int, int]]] = {}
        for r in results:
            maps: dict[str, dict[str, list[int]]] = r["maps"]  # type: ignore[assignment]
            for name in set(maps["idle"]) | set(maps[stage]):
                before, after = maps["idle"].get(name, [0, 0]), maps[stage].get(name, [0, 0])
                change.setdefault(name, []).append((after[0] - before[0], after[1] - before[1]))
        rows = sorted(
            (
                (statistics.median(c[0] for c in v), statistics.median(c[1] for c in v), n)
                for n, v in change.items()
            ),
            reverse=True,
        )
        print(f"  idle → {stage}: the mappings that grew most (RSS kB, private kB)")
        for rss_kb, private_kb, name in rows[:top]:
            print(f"    {rss_kb:+7.0f} {private_kb:+7.0f}  {name}")


if __name__ == "__main__":
    main()
