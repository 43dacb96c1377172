"""Launch → idle painted and memory at idle: `kiosk run --demo` beside a bare PySide6 window and Chromium.

All in one run, under an Xvfb the script starts (1366×768, the stations' screen), with one outside
criterion for "painted" for every program: the X damage probe of bench/xdamage.py (the last full frame
of a new 1366×768 top-level window). Each round launches every variant once, in turn, so all see the
same machine load; figures are medians over the rounds, and ratios are to the bare window of the same
run. Memory is the PSS (/proc/PID/smaps_rollup) summed over the program's processes, `--idle` seconds
after it painted (the kiosk has then finished its background warm-up and pre-building).

    .venv/bin/python bench/startup.py                                       # this tree
    .venv/bin/python bench/startup.py --kiosk main=/work/main --kiosk this=.  # before/after

Variants:
- bare: bench/bare_window.py, a 1366×768 QWidget with one QLabel, the same interpreter and PySide6.
- kiosk: `python -m kiosk.app.cli run --demo --windowed` (the console script's code path; windowed:
  the window is then 1366×768 at 0,0, the whole screen) in a fresh data directory that one warm-up
  launch has created. `--full-screen` drops `--windowed`: the station's path (frameless, on top,
  full screen, the cursor hidden), which on an X server without a window manager covers the same
  1366×768 because the kiosk gives its window the screen's geometry.
- chromium: Debian's chromium in kiosk mode on bench/idle.html (skipped if it is not installed:
  `apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from xdamage import DamageProbe  # bench/ is on sys.path when run as a script

SIZE = (1366, 768)
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Variant:
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path


@dataclass(frozen=True)
class Launch:
    first: float  # s from launch to the first damage of its window
    painted: float  # s from launch to its last full frame
    pss_mb: float  # summed over the process's session, at idle
    uss_mb: float  # its private pages only: what no other process on the machine shares
    rss_mb: float  # every page it maps: what it would hold alone on a station
    main_mb: tuple[float, float, float] = (0.0, 0.0, 0.0)  # PSS, USS, RSS of the launched process alone


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server on a free display from :200 up; yields its name (":N")."""
    for number in range(200, 300):
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        server = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp", "-noreset"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while server.poll() is None and not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if server.poll() is not None:  # taken meanwhile: try the next one
            continue
        try:
            yield f":{number}"
        finally:
            server.terminate()
            server.wait(10)
        return
    raise RuntimeError("no free X display in :200–:299")


MEMORY = ("pss_mb", "uss_mb", "rss_mb")


def session_memory_mb(sid: int, only_pid: int | None = None) -> tuple[float, float, float]:
    """PSS, USS and RSS summed over every process of the session `sid` (the program and any helpers
    it started). PSS depends on what else runs: a library page mapped by four Qt processes counts a
    quarter here, so on a machine shared with other test suites it reads low; RSS is the figure for
    a station where the kiosk is the only Qt program, USS the floor."""
    totals = {"Pss:": 0, "Rss:": 0, "Private_Clean:": 0, "Private_Dirty:": 0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != sid or (only_pid is not None and int(entry.name) != only_pid):
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key in totals:
                    totals[key] += int(value.split()[0])
        except (OSError, ProcessLookupError):
            continue  # gone meanwhile, or not ours to read
    uss = totals["Private_Clean:"] + totals["Private_Dirty:"]
    return totals["Pss:"] / 1024, uss / 1024, totals["Rss:"] / 1024


def session_gone(sid: int, within_s: float) -> bool:
    """Whether every process of session `sid` has exited within `within_s` seconds."""
    deadline = time.monotonic() + within_s
    while True:
        alive = False
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with suppress(OSError, ProcessLookupError):
                    if os.getsid(int(entry.name)) == sid:
                        alive = True
                        break
        if not alive:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def launch(variant: Variant, display: str, idle: float, quiet: float = 1.0) -> Launch:
    env = dict(os.environ, **variant.env, DISPLAY=display)
    env.pop("QT_QPA_PLATFORM", None)  # the real xcb platform, not offscreen
    with DamageProbe(display, SIZE, quiet) as probe:
        start = time.monotonic()
        proc = subprocess.Popen(
            variant.argv,
            cwd=variant.cwd,
            env=env,
            start_new_session=True,  # its own session: PSS over all its processes, one kill for all
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            painted = probe.wait(timeout=60)
            time.sleep(max(0.0, idle - (time.monotonic() - painted.painted)))
            if proc.poll() is not None:
                raise RuntimeError(f"{variant.name} exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            pss, uss, rss = session_memory_mb(proc.pid)
            # The kiosk's UI process alone: its station worker (`kiosk worker`, its child) apart.
            main = session_memory_mb(proc.pid, only_pid=proc.pid)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # The next variant starts once the whole session has gone: the kiosk's worker child
            # (closing its database) or Chromium's helpers would otherwise run beside it.
            if not session_gone(proc.pid, within_s=10):
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                session_gone(proc.pid, within_s=10)
    return Launch(painted.first - start, painted.painted - start, pss, uss, rss, main)


PACKAGES = ("kiosk", "ui", "devices", "db", "console", "hub")


def variants(kiosks: list[tuple[str, Path]], work: Path, full_screen: bool = False) -> list[Variant]:
    python = sys.executable
    out = [Variant("bare", [python, str(HERE / "bare_window.py")], {}, ROOT)]
    for label, tree in kiosks:
        # as scripts/setup.sh leaves a station: byte-code present (a shell with
        # PYTHONDONTWRITEBYTECODE would otherwise compile every module at every launch)
        subprocess.run([python, "-m", "compileall", "-q", "-j", "0", *PACKAGES], cwd=tree, check=True)
        data = work / f"data-{label}"
        data.mkdir()
        env = {"PYTHONPATH": str(tree), "KIOSK_PATHS_DATA_DIR": str(data)}
        argv = [python, "-m", "kiosk.app.cli", "run", "--demo", *([] if full_screen else ["--windowed"])]
        out.append(Variant(f"kiosk {label}" if len(kiosks) > 1 else "kiosk", argv, env, tree))
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium not installed (apt-get install chromium): its column is skipped", file=sys.stderr)
    else:
        argv = [
            chromium,
            "--kiosk",
            f"--window-size={SIZE[0]},{SIZE[1]}",
            "--window-position=0,0",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            f"--user-data-dir={work / 'chromium-profile'}",
            (HERE / "idle.html").as_uri(),
        ]
        if os.geteuid() == 0:
            argv.insert(1, "--no-sandbox")  # Chromium refuses to start as root otherwise
        out.append(Variant("chromium", argv, {}, ROOT))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--idle", type=float, default=3.0, help="s after the paint to measure PSS")
    parser.add_argument(
        "--quiet",
        type=float,
        default=1.0,
        help="s without a full frame that ends the launch: the kiosk's first frame is replaced by its "
        "window once the core is loaded; a longer quiet makes 'painted' that window's frame",
    )
    parser.add_argument(
        "--kiosk",
        action="append",
        metavar="LABEL=TREE",
        help="a kiosk source tree to measure (repeatable; default: this tree)",
    )
    parser.add_argument(
        "--full-screen", action="store_true", help="the kiosk as a station runs it (not --windowed)"
    )
    parser.add_argument("--no-chromium", action="store_true", help="leave Chromium out (a shorter run)")
    args = parser.parse_args()
    kiosks = [
        (s.split("=", 1)[0], Path(s.split("=", 1)[1]).resolve()) for s in args.kiosk or [f"this={ROOT}"]
    ]
    print(f"load before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    results: dict[str, list[Launch]] = {}
    with tempfile.TemporaryDirectory() as tmp, xvfb() as display:
        runs = variants(kiosks, Path(tmp), args.full_screen)
        runs = [v for v in runs if not (args.no_chromium and v.name == "chromium")]
        for variant in runs:
            # warm-up: OS caches, the kiosk's database and catalog cache
            launch(variant, display, args.idle, args.quiet)
            results[variant.name] = []
        for _ in range(args.rounds):
            for variant in runs:
                results[variant.name].append(launch(variant, display, args.idle, args.quiet))
    print(f"load after:  {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    bare = results["bare"]
    bare_paint = statistics.median(r.painted for r in bare)
    bare_first = statistics.median(r.first for r in bare)
    print(
        f"{'':14s} {'first damage':>13s} {'× bare':>7s} {'painted':>9s} {'× bare':>7s}"
        f" {'PSS idle':>9s} {'USS idle':>9s} {'RSS idle':>9s}"
    )
    for name, rows in results.items():
        first = statistics.median(r.first for r in rows)
        paint = statistics.median(r.painted for r in rows)
        pss, uss, rss = (statistics.median(getattr(r, m) for r in rows) for m in MEMORY)
        print(
            f"{name:14s} {first * 1000:10.0f} ms {first / bare_first:6.2f}× {paint * 1000:6.0f} ms "
            f"{paint / bare_paint:6.2f}× {pss:6.1f} MB {uss:6.1f} MB {rss:6.1f} MB"
        )
    print("the launched process alone (the kiosk's UI process, without its worker child):")
    for name, rows in results.items():
        pss, uss, rss = (statistics.median(r.main_mb[i] for r in rows) for i in range(3))
        print(f"  {name:14s} PSS {pss:6.1f} MB  USS {uss:6.1f} MB  RSS {rss:6.1f} MB")
    print(f"medians of {args.rounds} rounds; first damage and painted, range per variant:")
    for name, rows in results.items():
        firsts = sorted(r.first * 1000 for r in rows)
        paints = sorted(r.painted * 1000 for r in rows)
        print(f"  {name:14s} {firsts[0]:.0f}–{firsts[-1]:.0f} ms   {paints[0]:.0f}–{paints[-1]:.0f} ms")


if __name__ == "__main__":
    main()
