"""A scripted novice, from idle to the printed receipt, through the real window (issue 11 "Measure").

Three journeys: temporary absence (leaving tomorrow, back 3.5 months later: the issue's "16 taps"
date), lodging notification with three guests, passport renewal. The novice is a citizen who cannot
read. It taps with real mouse events on the real widgets (the finger of tests/e2e, `Citizen`, of
the tree being measured, so each tree is tapped its own way) and answers each question from what
it knows (`JOURNEYS`; the tree's sample answer for anything else). It does not act before it has
heard: before each act (a tap, a card laid on the reader) what the kiosk last said must have been
spoken out. What it could not have heard is counted, not skipped: a place where nothing was said
before its first tap, a go-on button the voice never named. Per journey:

- taps: every press from the idle screen's touch to the receipt printed;
- seconds without speech: the run's wall time (the window, the card read, the submission and
  printing), no finger time;
- seconds with speech: the same plus the waits for speech. Each utterance's length is that of its
  clips as the kiosk's `ClipVoice` would play them (`kiosk.voice.plan`, each sentence rendered by
  espeak-ng), measured after the journey so that rendering does not slow the window; a later
  utterance cuts an earlier one, as on the kiosk;
- screens: the places shown (screen, step, each guest's card read);
- arrived to silence, the longest wait between two acts (the idle warning comes after 60 s), the
  go-on taps the voice named ("Rồi bấm …"), and the menu by ear (not driven: the tiles before the
  service's, each touched and heard, for a novice who cannot tell the pictures apart).

Run from the repository root (an Xvfb of its own; the kiosk in a child process per journey and
tree, as `kiosk run --demo` makes it, with its station worker child). Results: bench/README_voice.md.

    .venv/bin/python bench/novice.py                                   # this tree
    .venv/bin/python bench/novice.py --kiosk main=/tmp/main --kiosk this=. [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SETTLE_S = 3.0  # after the window shows, before the citizen arrives (as bench/stalls.py)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


TYPED = ("text", "phone", "id_number", "email")  # answered on a keypad or keyboard
Answer = Callable[[dt.date, dict[str, Any]], Any]


@dataclass(frozen=True)
class Journey:
    title: str
    code: str
    guests: int
    answers: dict[str, Answer]  # what the novice knows; any other question: the tree's sample answer


PRESS = re.compile(r"\bbấm ([^.,;:!?]+)", re.IGNORECASE)  # "Rồi bấm Tiếp tục", "Bấm Thêm khách"


# Where the go-on button is, as the voice says it for a citizen who cannot read its name.
PRIMARY_PLACE = "ở góc dưới bên phải"


def named(button: str, heard: str) -> bool:
    """Whether what was heard says to press `button`: by its name (or the start of it), or, for the
    go-on button, by where it is ("bấm nút Tiếp tục ở góc dưới bên phải", "bấm nút ở góc …")."""
    for match in PRESS.finditer(heard):
        said = match.group(1).strip().casefold().removeprefix("nút ").strip()
        if said.startswith(PRIMARY_PLACE) or button.casefold().startswith(said):
            return True
        if said.startswith(button.casefold()):
            return True
    return False


def _iso(day: dt.date) -> str:
    return day.isoformat()


JOURNEYS = {
    "absence": Journey(
        "Khai báo tạm vắng (back 3.5 months later)",
        "1.003677",
        0,
        {
            "date_from": lambda today, _v: _iso(today + dt.timedelta(days=1)),
            "date_to": lambda today, _v: _iso(add_months(today, 3) + dt.timedelta(days=16)),
            "reason": lambda _t, _v: "family",
        },
    ),
    "lodging": Journey(
        "Thông báo lưu trú, 3 guests",
        "2.001159",
        3,
        {
            "host_type": lambda _t, _v: "household",
            "arrival": lambda today, _v: _iso(today),
            "leaving": lambda today, _v: _iso(today + dt.timedelta(days=3)),
            "reason": lambda _t, _v: "family",
            "phone": lambda _t, _v: "0912345678",
        },
    ),
    "passport": Journey(
        "Cấp hộ chiếu: renewal",
        "1.001456",
        0,
        {
            "request_type": lambda _t, _v: "renew",
            "occupation": lambda _t, _v: "Làm Ruộng",  # as the keyboard capitalises it
            "delivery": lambda _t, _v: "office",
            "phone": lambda _t, _v: "0912345678",
        },
    ),
}


@dataclass
class Said:
    at: float
    text: str
    language: str


@dataclass
class Tap:
    at: float
    what: str
    place: str
    go_on: bool  # the screen's primary button
    named: bool  # the voice said to press it ("Rồi bấm …") since arriving at the place


@dataclass
class Run:
    journey: str
    taps: list[Tap] = field(default_factory=list)
    placed: list[tuple[float, str]] = field(default_factory=list)  # a card laid on the reader: when, where
    said: list[Said] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)  # places where nothing was said before the first tap
    tile_position: int = 0  # the service's tile in the menu's order, 1 = first
    tiles_before: list[str] = field(default_factory=list)  # what the tiles before it say on a touch
    start: float = 0.0
    printed: float = 0.0
    print_state: str = ""
    tracking_code: str = ""

    def moments(self) -> list[tuple[float, str]]:
        """Every act of the novice in order (its taps, its cards laid on the reader): when, where."""
        return sorted([(tap.at, tap.place) for tap in self.taps] + self.placed)

    def summary(self, lengths: list[float] | None = None) -> dict[str, Any]:
        go_on = [t for t in self.taps if t.go_on]
        out: dict[str, Any] = {
            "journey": self.journey,
            "taps": len(self.taps),
            "screens": len(self.places),
            "places": self.places,
            "seconds_without_speech": round(self.printed - self.start, 2),
            "go_on_taps": len(go_on),
            "go_on_named": sum(t.named for t in go_on),
            "print_state": self.print_state,
            "tile_position": self.tile_position,
            "utterances": len(self.said),
            "silent_places": self.silent,
        }
        per_place: dict[str, int] = {}
        for tap in self.taps:
            per_place[tap.place] = per_place.get(tap.place, 0) + 1
        out["taps_by_place"] = per_place
        out["trace"] = [f"{tap.place}: {tap.what}" for tap in self.taps]
        if lengths is not None:
            waits = speech_waits(self, lengths)
            out["seconds_with_speech"] = round(self.printed - self.start + sum(w for w, _ in waits), 2)
            out["longest_wait_s"] = round(max(g for _, g in waits), 1)
            out["speech_s"] = round(sum(lengths), 1)
            waited: dict[str, float] = {}
            where = [place for _at, place in self.moments()[1:]] + ["receipt"]  # where it waits
            for place, (wait, _gap) in zip(where, waits, strict=True):
                waited[place] = round(waited.get(place, 0.0) + wait, 1)
            out["speech_wait_by_place"] = waited
            # Not driven: a novice who cannot tell the pictures apart touches the tiles in order,
            # hearing each, until its service's name: one more tap and one utterance per tile.
            befores = spoken_lengths([Said(0.0, text, "vi") for text in self.tiles_before])
            silent_tiles = self.tile_position > 1 and not befores  # a tree whose tiles say nothing
            out["menu_by_ear"] = (
                None if silent_tiles else {"taps": len(befores), "seconds": round(sum(befores), 1)}
            )
        return out


def speech_waits(run: Run, lengths: list[float]) -> list[tuple[float, float]]:
    """After each act (`Run.moments`): the seconds the novice waits for speech before the next one
    (or before the receipt is out, after the last), and the time between the two once that wait
    is in. Before each act, the last utterance said since the one before must be spoken out (a
    later utterance cuts an earlier one, as `ClipVoice` does). A wait shifts everything after it
    alike, so each interval is judged on the run's own wall times."""
    out = []
    previous = run.start
    moments = [at for at, _place in run.moments()[1:]] + [run.printed]  # the receipt: the last wait
    said = list(zip(run.said, lengths, strict=True))
    for moment in moments:
        heard = [(s, n) for s, n in said if previous <= s.at < moment]
        wait = 0.0
        if heard:
            last, length = heard[-1]
            wait = max(0.0, last.at + length - moment)
        out.append((wait, moment - previous + wait))
        previous = moment
    return out


def spoken_lengths(said: list[Said]) -> list[float]:
    """Each utterance's length as the kiosk's clips say it: `kiosk.voice.plan`'s sentences of the
    measured tree, each rendered by espeak-ng once (cached by its clip key)."""
    try:
        from devices.audio.espeak import EspeakEngine
        from devices.audio.wav import parse_wav
        from kiosk.voice import plan
    except ImportError:  # a tree from before the clips: espeak-ng read each text as it came
        return [_espeak_seconds(utterance.text) for utterance in said]

    engine = EspeakEngine()
    seconds: dict[str, float] = {}
    lengths = []
    for utterance in said:
        total = 0.0
        for part in plan(utterance.text, utterance.language, engine.voice_id):
            if part.key not in seconds:
                seconds[part.key] = parse_wav(engine.render(part.sentence, part.language)).seconds
            total += seconds[part.key]
        lengths.append(total)
    return lengths


def _espeak_seconds(text: str) -> float:
    done = subprocess.run(
        ["espeak-ng", "-v", "vi", "--stdout", "--stdin"], input=text.encode(), capture_output=True, check=True
    )
    with wave.open(io.BytesIO(done.stdout)) as clip:  # streamed: its header has no length
        bytes_per_second = clip.getframerate() * clip.getsampwidth() * clip.getnchannels()
    return (len(done.stdout) - 44) / bytes_per_second


# -- the driver (in the kiosk's process) ---------------------------------------------------------


class Ear:
    """The kiosk's voice: what it says and when; nothing played (the lengths come after)."""

    def __init__(self) -> None:
        self.said: list[Said] = []

    def say(self, text: str, language: str) -> None:
        self.said.append(Said(time.perf_counter(), text, language))


def spin(until: Callable[[], bool], timeout_ms: int) -> None:
    from PySide6.QtCore import QEvent, QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + timeout_ms / 1000
    while not until():
        if time.perf_counter() > deadline:
            raise TimeoutError("the novice waited in vain")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        # What app.exec() does and processEvents() does not: delete what deleteLater() asked for.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


class Finger:
    """What tests/e2e's `Citizen` asks of pytest-qt's qtbot, with each click recorded."""

    def __init__(self, on_tap: Callable[[Any], None]) -> None:
        self.on_tap = on_tap

    def waitUntil(self, callback: Callable[[], Any], timeout: int = 5000) -> None:
        spin(lambda: bool(callback()), timeout)

    def mouseClick(self, widget: Any, button: Any) -> None:
        from PySide6.QtTest import QTest

        self.on_tap(widget)
        QTest.mouseClick(widget, button)
        spin(lambda: True, 0)

    def wait(self, ms: int) -> None:
        end = time.perf_counter() + ms / 1000
        spin(lambda: time.perf_counter() >= end, ms + 1000)


def drive(ui: Any, ear: Ear, name: str) -> Run:
    """One journey on `ui` (a shown `ui.app.KioskUi` whose voice is `ear`), idle to receipt."""
    from kiosk.samples import sample_value
    from tests.e2e.conftest import Citizen
    from ui.widgets.keyboard import Keyboard
    from ui.widgets.keypad import Keypad

    journey = JOURNEYS[name]
    run = Run(name)
    window = ui.window
    arrived = [0.0]  # when the tap that led to the present place was made

    def place(state: Any = None) -> str:
        state = state or ui.app.journey.state()  # listeners are told before `state()` is updated
        step = state.step.id if state.step is not None and state.screen not in ("idle", "menu") else ""
        adding = "+guest" if state.people.adding else ""
        return "/".join(p for p in (state.screen, step) if p) + adding

    def on_state(state: Any) -> None:
        now = place(state)
        if run.start and not run.printed and run.places[-1] != now:
            run.places.append(now)

    def on_tap(widget: Any) -> None:
        if run.printed:
            return
        text = str(getattr(widget, "text", lambda: "")())
        now, here = time.perf_counter(), place()
        if not run.taps:
            run.start = now
            run.places.append(here)
        elif here != run.taps[-1].place:  # a new place: what is heard there began with the last tap
            arrived[0] = run.taps[-1].at
        heard = " ".join(s.text for s in ear.said if s.at >= arrived[0])
        if run.taps and here != run.taps[-1].place and not heard:
            run.silent.append(here)
        go_on = widget is window.primary_button
        run.taps.append(Tap(now, text or type(widget).__name__, here, go_on, go_on and named(text, heard)))

    class Novice(Citizen):
        def answer_step(self) -> dict[str, Any]:
            """The questions on screen, answered from what the novice knows."""
            given: dict[str, Any] = {}
            while True:
                state = self.state()
                assert state.service is not None and state.step is not None
                asked = [
                    f
                    for f in state.service.fields_of(state.step, state.form.values)
                    if not f.readonly and f.id not in given
                ]
                if not asked:
                    return given
                fdef = asked[0]
                today = self.ui.app.journey.today()
                known = journey.answers.get(fdef.id)
                values = dict(state.form.values)
                value = known(today, values) if known else sample_value(fdef, values, today)
                self.answer(fdef, value)
                given[fdef.id] = value

        def place_card(self, profile: Any) -> None:
            """The card laid on the reader once the voice has said to (an act, not a tap)."""
            if not run.printed:
                run.placed.append((time.perf_counter(), place()))
            super().place_card(profile)

        def answer(self, fdef: Any, value: Any) -> None:
            """As the e2e finger, but a text box whose keypad or keyboard is already shown (the
            step's first) is not touched first: nothing asks for it."""
            form: Any = self.window.screens["form"]
            edit: Any = form.value_widgets().get(fdef.id)
            shown_for = getattr(form, "_target", None) is edit  # the box the keys type into
            if fdef.type in TYPED and edit is not None and shown_for:
                aid = Keypad if fdef.type in ("phone", "id_number") else Keyboard
                (shown,) = [k for k in form.findChildren(aid) if k.isVisible()]
                if aid is Keypad:
                    self.keypad(shown, value)
                else:
                    self.type_text(shown, edit, value)
                return
            super().answer(fdef, value)

    ui.app.journey.subscribe(on_state)
    finger = Finger(on_tap)
    novice = Novice(finger, ui)
    profiles = ui.app.demo_profiles
    me, guests = profiles[0], profiles[1 : 1 + journey.guests]
    assert len(guests) == journey.guests, "not enough demo cards for the guests"
    order = list(window.screens["menu"].tiles)
    run.tile_position = order.index(journey.code) + 1
    catalog = ui.app.journey.catalog
    try:
        from kiosk import voice_cues
    except ImportError:  # a tree from before the tiles spoke: nothing heard
        voice_cues = None  # type: ignore[assignment]
    tile = getattr(voice_cues, "tile", None)
    if tile is not None:
        run.tiles_before = [tile(catalog.get(code), "vi") for code in order[: run.tile_position - 1]]
    novice.start(journey.code, me)
    novice.walk_to_review(guests)
    novice.next()  # send
    finger.waitUntil(lambda: novice.state().review.print_state in ("printed", "failed"), 60000)
    run.printed = time.perf_counter()
    run.print_state = novice.state().review.print_state
    run.tracking_code = novice.state().review.tracking_code or ""
    run.said = [s for s in ear.said if run.start <= s.at <= run.printed]
    novice.next()  # "Xong": back to idle for the next citizen (not counted)
    novice.wait_for("idle")
    return run


def child(name: str, data_dir: str, lengths: bool) -> int:
    """In the measured tree's process: `kiosk run --demo` at 1366×768, one journey, JSON out."""
    from PySide6.QtWidgets import QApplication

    qt = QApplication.instance() or QApplication(sys.argv[:1])
    from kiosk.config import load_config
    from ui.app import KioskUi

    try:
        from tests.e2e.conftest import PAYMENT
    except ImportError:  # a tree from before issue 8's payments
        PAYMENT = {}
    config = load_config(overrides={"paths.data_dir": data_dir, **PAYMENT}, demo=True, environ={})
    ear = Ear()
    try:  # as `kiosk run` does: the station's services in a `kiosk worker` child, over the channel
        from kiosk.app.worker_child import station_for_run
    except ImportError:  # a tree from before the worker child: everything in this process
        ui, worker = KioskUi(config, windowed=True, voice=ear), None
    else:
        link, worker = station_for_run(config)
        try:  # and its card reader in a `kiosk card-service` child
            from kiosk.app.card_service import cards_for_run
        except ImportError:  # a tree from before it: the reader in this process
            ui = KioskUi(config, windowed=True, voice=ear, link=link)
        else:
            card_link, _card = cards_for_run(config)  # stops with this process (its pipe)
            ui = KioskUi(config, windowed=True, voice=ear, link=link, card_link=card_link)
    ui.show()
    ui.window.resize(1366, 768)
    spin(lambda: ui.window.isVisible(), 10000)
    arrives = time.perf_counter() + SETTLE_S  # the warm-up (card reader, screens) done first
    spin(lambda: time.perf_counter() >= arrives, int(SETTLE_S * 1000) + 1000)
    try:
        run = drive(ui, ear, name)
    finally:
        ui.close()
        if worker is not None:
            worker.stop()
    said = spoken_lengths(run.said) if lengths else None
    summary = run.summary(said)
    if os.environ.get("NOVICE_SAID"):  # for reading what was heard where
        summary["said"] = [
            f"{s.at - run.start:7.2f} +{n:5.1f}s {s.text}" for s, n in zip(run.said, said or [], strict=False)
        ]
    print("NOVICE " + json.dumps(summary, ensure_ascii=False), flush=True)
    del qt
    return 0


# -- the bench (parent) --------------------------------------------------------------------------


def measure(tree: Path, name: str, display: str, data_dir: Path) -> dict[str, Any]:
    env = dict(os.environ, DISPLAY=display, PYTHONPATH=str(tree))
    env.pop("QT_QPA_PLATFORM", None)  # real xcb painting
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", name, "--data", str(data_dir)],
        cwd=tree, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("NOVICE ")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{tree} {name}: {out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len("NOVICE ") :])
    return result


def table(results: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    """Per journey and tree: the counts (the same every round) and the rounds' median seconds."""
    rows = [
        "| journey | tree | taps | s with speech | s without speech | screens | arrived to silence "
        "| longest wait | go-on named | menu by ear |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, journey in JOURNEYS.items():
        for label, per_journey in results.items():
            rounds = per_journey[name]
            r = rounds[0]
            counts = {(x["taps"], x["screens"]) for x in rounds}
            assert len(counts) == 1, f"{label} {name}: the counts changed between rounds: {counts}"
            speech = statistics.median(x["seconds_with_speech"] for x in rounds)
            wall = statistics.median(x["seconds_without_speech"] for x in rounds)
            ear = r["menu_by_ear"]
            by_ear = "tiles silent" if ear is None else f"+{ear['taps']} taps, +{ear['seconds']:.0f} s"
            rows.append(
                f"| {journey.title} | {label} | {r['taps']} | {speech:.1f} | {wall:.2f} | {r['screens']} | "
                f"{len(r['silent_places'])} | {r['longest_wait_s']:.0f} s | "
                f"{r['go_on_named']} of {r['go_on_taps']} | {by_ear} |"
            )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--kiosk", action="append", metavar="LABEL=TREE", help="a tree to measure (repeatable)"
    )
    parser.add_argument("--journey", action="append", choices=list(JOURNEYS), help="default: all three")
    parser.add_argument("--rounds", type=int, default=3, help="seconds: the median over rounds")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="write every result here as well")
    args = parser.parse_args()
    if args.child:
        # Only the measured tree: an editable install in the venv must not lend it the modules it
        # lacks (an older tree without kiosk/voice_cues.py would get the installed checkout's).
        sys.meta_path[:] = [f for f in sys.meta_path if not f.__module__.startswith("__editable__")]
        return child(args.child, args.data, lengths=True)
    sys.path.insert(0, str(HERE))
    from startup import xvfb

    kiosks = [
        (s.split("=", 1)[0], Path(s.split("=", 1)[1]).resolve())
        for s in args.kiosk or [f"this={HERE.parent}"]
    ]
    names = args.journey or list(JOURNEYS)
    print(f"load before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}, {os.cpu_count()} cores")
    results: dict[str, dict[str, list[dict[str, Any]]]] = {label: {} for label, _ in kiosks}
    with tempfile.TemporaryDirectory(prefix="novice-") as tmp, xvfb() as display:
        for round_ in range(args.rounds):
            for name in names:
                for label, tree in kiosks:  # interleaved: each tree sees the same load
                    data = Path(tmp) / f"{label}-{name}-{round_}"
                    data.mkdir()
                    r = measure(tree, name, display, data)
                    short = {k: v for k, v in r.items() if k not in ("places", "trace")}
                    print(
                        f"{label} {name} round {round_ + 1}: {json.dumps(short, ensure_ascii=False)}",
                        flush=True,
                    )
                    results[label].setdefault(name, []).append(r)
    print(f"load after:  {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    if set(names) == set(JOURNEYS):
        print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
