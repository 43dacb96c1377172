"""UI stalls and memory through the first journey after start: touch → next screen painted, per transition.

Each round starts a fresh `KioskUi` (demo: emulated card, SQLite, PDF printer) in a new process under
an Xvfb this script starts, waits `--settle` seconds after the first paint (a citizen arrives), then
taps through a whole journey by mouse clicks on the real widgets (service "Khai báo tạm vắng", the
demo card placed by its button, an address typed on the keyboard, dates, a reason, review, submit,
print, "Xong"), and a second journey after it. Per touch it records:

- response: from the touch to the first paint of any screen after it (what the finger sees first:
  for the card read the card screen's progress, for the submission the "submitting" screen);
- painted: from the touch to the paint of the screen it leads to (for the card read and the
  submission, the screen after the background work: identity, done);
- stall: the longest interval in which the UI thread did not run its 2 ms heartbeat timer, from the
  touch to that paint — the time a finger would wait for any response;

and the PSS of the process at idle before the first journey, after it and the reset, and after the
second. Figures are medians and maxima over the rounds, per transition.

    .venv/bin/python bench/stalls.py [--rounds 5]                          # this tree
    .venv/bin/python bench/stalls.py --kiosk main=/tmp/main --kiosk this=.  # before/after
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from startup import xvfb  # bench/ is on sys.path when run as a script

HERE = Path(__file__).resolve().parent
TARGET_MS = 50.0

CHILD = r'''
import json, sys, time
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QWidget

data_dir, settle = sys.argv[1], float(sys.argv[2])
app = QApplication(sys.argv[:1])
from kiosk.config import load_config
from ui.app import KioskUi

NAME = "Giàng Thị Mỷ"  # a demo card from Sa Pa: her three-level address is converted
now = time.perf_counter


def memory_mb(pid="self"):
    """PSS, USS and RSS of one process (the kiosk's UI process by default)."""
    kb = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        key, _, value = line.partition(":")
        if key in ("Pss", "Rss", "Private_Clean", "Private_Dirty"):
            kb[key] = int(value.split()[0])
    return [kb["Pss"] / 1024, (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024, kb["Rss"] / 1024]


class Heartbeat(QObject):
    """Beats every 2 ms on the UI thread; a gap is time the thread was busy or blocked."""
    def __init__(self):
        super().__init__()
        self.beats = [now()]
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(2)
        self.timer.timeout.connect(lambda: self.beats.append(now()))
        self.timer.start()

    def longest_gap(self, start, end):
        gaps = [b - a for a, b in zip(self.beats, self.beats[1:]) if b > start and a < end]
        return max(gaps, default=0.0)


class Paints(QObject):
    """When each screen last finished painting (the turn after its paint event).

    Installed on the screens' stack and on each screen, not on the application: an
    application-wide Python filter is called for every event to every widget and adds its own
    cost to the stalls measured (the kiosk's own filters cost the province tile ~40 ms that way,
    ui/app_events.py). A screen added to the stack later (made on demand, or again after a
    wipe) is watched from the moment it is added, before its first paint."""
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.last = {}
        self.times = []  # every finished paint of a screen
        stack = next(iter(window.screens.values())).parentWidget()
        stack.installEventFilter(self)
        for screen in window.screens.values():
            screen.installEventFilter(self)

    def done(self, name):
        self.last[name] = now()
        self.times.append(self.last[name])
    def eventFilter(self, obj, event):
        kind = event.type()
        if kind == QEvent.Type.ChildAdded and isinstance(event.child(), QWidget):
            event.child().installEventFilter(self)
        elif kind == QEvent.Type.Paint:
            for name, screen in list(self.window.screens.items()):
                if obj is screen:
                    QTimer.singleShot(0, lambda n=name: self.done(n))
        return False


config = load_config(overrides={"paths.data_dir": data_dir}, demo=True, environ={})
try:  # as `kiosk run` does: the station's services in a `kiosk worker` child, over the channel
    from kiosk.app.worker_child import station_for_run
except ImportError:  # an older tree: everything in this process
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
paints = Paints(ui.window)
ui.show()
beat = Heartbeat()


ALL = QEventLoop.ProcessEventsFlag.AllEvents


def spin_until(cond, timeout=30.0):
    deadline = now() + timeout
    while not cond():
        if now() > deadline:
            raise TimeoutError(f"waiting for the kiosk: {ui.app.journey.state()}")
        app.processEvents(ALL | QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        # What app.exec() does and processEvents() does not: delete what deleteLater() was asked to
        # (the screens wiped at the end of a journey).
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def spin(seconds):
    end = now() + seconds
    spin_until(lambda: now() >= end)


def state():
    return ui.app.journey.state()


rows = []


def tap(label, widget, screen, until=lambda: True):
    """Click `widget`; wait for `screen` to be current, `until()` true and the screen painted after."""
    spin_until(widget.isVisible)
    start = now()
    beat.beats = [b for b in beat.beats if b > start - 1.0]  # the probes' own memory stays flat
    paints.times = []
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    spin_until(lambda: state().screen == screen and until() and paints.last.get(screen, 0) > start)
    painted = paints.last[screen]
    response = min(t for t in paints.times if t > start)  # the first paint after the touch
    rows.append({
        "label": label,
        "response": response - start,
        "painted": painted - start,
        "stall": beat.longest_gap(start, painted),
    })
    spin(0.3)  # a finger is not faster than this


def button(parent, text):
    found = [b for b in parent.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert found, (text, [b.text() for b in parent.findChildren(QPushButton) if b.isVisible()])
    return found[0]


def key(keyboard, text):
    """The key of `keyboard` that types `text` (marked letters have keys of their own)."""
    if text == " ":
        return keyboard.space_button
    return next(b for b in keyboard.findChildren(QPushButton) if b.isVisible() and b.text().lower() == text)


def in_view(widget):
    """The finger swipes the list until the tile is in view (as tests/e2e's Citizen does)."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget)
        spin(0.1)
    return widget


def address_picker():
    (found,) = [p for p in ui.window.screens["form"].findChildren(AddressPicker) if p.isVisible()]
    return found


def journey(n):
    w = ui.window
    tap(f"{n}: idle → menu", w.screens["idle"], "menu")
    tile = w.screens["menu"].tiles["1.003677"]
    QTest.mouseClick(tile, Qt.MouseButton.LeftButton)  # the first touch says the tile's name
    tap(f"{n}: menu → intro", tile, "intro")
    tap(f"{n}: intro → consent", w.primary_button, "consent")
    tap(f"{n}: consent → card", w.primary_button, "card")
    tap(f"{n}: card placed, read → identity", button(w.screens["card"], NAME), "identity")
    tap(f"{n}: identity → form", w.primary_button, "form")
    # The destination: province and commune tiles of the address picker, then the village typed.
    place = address_picker()
    tap(f"{n}: province tile", place.province_buttons()["48"], "form", lambda: place.step() == 1)
    commune = in_view(place.commune_buttons()["20200"])
    tap(f"{n}: commune tile", commune, "form", lambda: place.step() == 2)
    for ch in "thôn 3":
        tap(f"{n}: keyboard key", key(place.keyboard, ch), "form")
    assert place.street.text() == "Thôn 3", place.street.text()  # the first letter comes capitalised
    tap(f"{n}: form → next step", w.primary_button, "form", lambda: state().step.id == "dates")
    # From tomorrow to a month later: the date pickers' "+" day and "+1 month" keys.
    pickers = w.screens["form"].value_widgets()
    for field, first in (("date_from", "+"), ("date_to", "month")):
        chooser = pickers[field]
        plus, minus = [b for b in chooser.findChildren(QPushButton) if b.text() in ("+", "−")][:2]
        tap(f"{n}: date key", plus if first == "+" else chooser.month_button, "form")
        if chooser.date() is None:  # the start itself: a step forward and back chooses it
            tap(f"{n}: date key", plus, "form")
            tap(f"{n}: date key", minus, "form")
        assert chooser.date() is not None, field
    tap(f"{n}: form → next step", w.primary_button, "form", lambda: state().step.id == "reason")
    reason = button(w.screens["form"], "Thăm người thân")
    tap(f"{n}: choice", reason, "form", lambda: state().form.values.get("reason"))
    tap(f"{n}: form → review", w.primary_button, "review")
    tap(f"{n}: submit → printed", w.primary_button, "done", lambda: state().review.print_state == "printed")
    tap(f"{n}: done → idle", w.primary_button, "idle")


from ui.widgets.address_picker import AddressPicker
from ui.window import SCREENS


def warmed_up():
    """The background warm-up is over: card reader and database made, and the window has finished
    building ahead (the screens it builds while idle, the parts they make ahead)."""
    app_ = ui.app
    store = getattr(app_.store, "_value", True)  # an older tree's Lazy store; else the worker's
    built = app_.card_reader._value is not None and store is not None
    if hasattr(ui.window, "prebuilding"):  # it says when it is done (what it builds is its choice)
        return built and not ui.window.prebuilding
    return built and len(ui.window.screens) == len(SCREENS)  # an older tree built every screen


spin_until(lambda: "idle" in paints.last)
spin_until(warmed_up)
spin(settle)
memory = {"idle": memory_mb()}
journey("1")
spin(settle)
memory["after journey 1 + reset"] = memory_mb()
journey("2")
spin(settle)
memory["after journey 2 + reset"] = memory_mb()
worker = memory_mb(child.pid) if child is not None else None
print(json.dumps({"rows": rows, "memory": memory, "worker": worker}), flush=True)
ui.close()
if child is not None:
    child.stop()
'''


def run_round(python: str, tree: Path, data_dir: Path, display: str, settle: float) -> dict:
    env = dict(os.environ, DISPLAY=display, PYTHONPATH=str(tree))
    env.pop("QT_QPA_PLATFORM", None)  # real xcb painting
    out = subprocess.run(
        [python, "-c", CHILD, str(data_dir), str(settle)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    # The last line that is our JSON (the worker child shares our stdout).
    line = next(ln for ln in reversed(out.stdout.splitlines()) if ln.startswith('{"rows"'))
    result: dict = json.loads(line)
    return result


def report(label: str, rounds: list[dict]) -> None:
    response: dict[str, list[float]] = defaultdict(list)
    painted: dict[str, list[float]] = defaultdict(list)
    stall: dict[str, list[float]] = defaultdict(list)
    memory: dict[str, list[list[float]]] = defaultdict(list)
    workers = [result["worker"] for result in rounds if result.get("worker")]
    for result in rounds:
        for row in result["rows"]:
            response[row["label"]].append(row["response"] * 1000)
            painted[row["label"]].append(row["painted"] * 1000)
            stall[row["label"]].append(row["stall"] * 1000)
        for name, value in result["memory"].items():
            memory[name].append(value)
    print(f"\n== {label}: median / max in ms over {len(rounds)} rounds; '!' marks a maximum over 50 ms")
    print(f"{'touch':36s} {'n':>3s} {'response':>13s} {'painted':>13s} {'UI stall':>13s}")
    for touch in painted:
        cells = []
        for values in (response[touch], painted[touch], stall[touch]):
            mark = "!" if max(values) > TARGET_MS else " "
            cells.append(f"{statistics.median(values):5.0f} / {max(values):4.0f}{mark}")
        print(f"{touch:36s} {len(painted[touch]):3d} {' '.join(cells)}")
    every = [(r, row) for r, result in enumerate(rounds, 1) for row in result["rows"]]
    for what in ("response", "stall"):
        over = [(r, row) for r, row in every if row[what] * 1000 > TARGET_MS]
        print(f"{what}: {len(over)} of {len(every)} touches over {TARGET_MS:.0f} ms; the worst:")
        for r, row in sorted(every, key=lambda item: -item[1][what])[:6]:
            print(f"  {row[what] * 1000:5.0f} ms  round {r}  {row['label']}")
    print("UI process (medians):          PSS                 USS                 RSS")
    idle = [statistics.median(v[i] for v in memory["idle"]) for i in range(3)]
    for name, values in memory.items():
        cells = []
        for i in range(3):
            value = statistics.median(v[i] for v in values)
            cells.append(f"{value:6.1f} MB ({value - idle[i]:+5.1f})")
        print(f"{name:28s} {'  '.join(cells)}")
    if workers:
        pss, uss, rss = (statistics.median(w[i] for w in workers) for i in range(3))
        print(f"{'station worker (child)':28s} {pss:6.1f} MB          {uss:6.1f} MB          {rss:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--settle", type=float, default=3.0, help="s of idle before/after each journey")
    parser.add_argument(
        "--kiosk",
        action="append",
        metavar="LABEL=TREE",
        help="a kiosk source tree to measure (repeatable, rounds interleaved; default: this tree)",
    )
    args = parser.parse_args()
    kiosks = [
        (s.split("=", 1)[0], Path(s.split("=", 1)[1]).resolve())
        for s in args.kiosk or [f"this={HERE.parent}"]
    ]
    print(f"load before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    results: dict[str, list[dict]] = {label: [] for label, _ in kiosks}
    with tempfile.TemporaryDirectory() as tmp, xvfb() as display:
        data = {label: Path(tmp) / label for label, _ in kiosks}
        for label, tree in kiosks:
            data[label].mkdir()
            run_round(sys.executable, tree, data[label], display, 0.5)  # creates the database
        for _ in range(args.rounds):
            for label, tree in kiosks:  # interleaved: each tree sees the same machine load
                results[label].append(run_round(sys.executable, tree, data[label], display, args.settle))
    print(f"load after:  {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for label, rounds in results.items():
        report(label, rounds)


if __name__ == "__main__":
    main()
