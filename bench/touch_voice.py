"""Touch → spoken start: from a service tile's touch on the real kiosk window to the first sample
of what it says reaching the audio sink, the kiosk's clips against espeak-ng per phrase.

Run from the repository root:  .venv/bin/python bench/touch_voice.py [--touches 60]
(offscreen Qt unless a display is set). Starts its own PulseAudio server with a null sink (as
bench/voice.py), builds the window as `kiosk tour` does (demo config, a clock that never moves so
the menu never times out) with the kiosk's `ClipVoice` on a `PulsePlayer`, renders the clips of
every sentence known ahead in Vietnamese (`kiosk voice build`'s list), opens the menu, then
touches the tiles in turn (a first touch of a tile says what it is: `voice_cues.tile`), a mouse
press and release through Qt. Interleaved touch by touch, the same window's voice is swapped for
`EspeakVoice` (espeak-ng started per phrase, playing itself to the same server): the reference.
Each touch is timed to the player's first write (clips only) and to the first non-silent sample
read back from the sink's monitor (parec, 20 ms fragments: the same recorder delay in both).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bench.voice import RATE, Sink
from devices.audio.clips import ClipFolder, ClipVoice, build_clips
from devices.audio.espeak import EspeakEngine, EspeakVoice
from devices.audio.pulse import PulsePlayer
from kiosk.app.root import build_app
from kiosk.runner import InlineRunner
from kiosk.voice import known_texts
from ui.compose import kiosk_window
from ui.tour import TourClock, tour_config
from ui.window import settle


def stats(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"| {name} | {statistics.median(ms):.1f} ms | {p95:.1f} ms | {len(ms)} |"


def until_heard(sink: Sink, timeout: float = 10.0) -> float:
    """Spins Qt's event loop (the touch's work may be posted) until the sink hears a sample."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        QApplication.processEvents()
        if sink._got.wait(0.001):
            return sink.wait_sound()
    raise RuntimeError("no sound reached the sink")


def run(touches: int, folder: Path, env: dict[str, str]) -> int:
    app = QApplication.instance() or QApplication([])
    kiosk = build_app(tour_config(folder / "data"), InlineRunner(), TourClock())
    engine = EspeakEngine()
    clips = ClipFolder(folder / "clips")
    started = time.perf_counter()
    report = build_clips(engine, clips, {"vi": known_texts(kiosk.catalog, {"vi"})["vi"]})
    print(f"built {report.rendered} clips in {time.perf_counter() - started:.1f} s")
    player = PulsePlayer(server=env["PULSE_SERVER"])
    handed: list[float] = []
    player.on_first_write.append(lambda: handed.append(time.perf_counter()))
    clip_voice, espeak_voice = ClipVoice(engine, clips, player), EspeakVoice()
    window = kiosk_window(kiosk, clip_voice, (1366, 768))
    window.show()
    kiosk.controller.start()
    kiosk.journey.start()
    settle()
    sink = Sink(env)
    time.sleep(0.5)  # parec connected
    tiles = list(window.screens["menu"].tiles.values())
    clip_hand, clip_sink, espeak_sink = [], [], []
    for index in range(touches):
        for voice, at_sink in ((clip_voice, clip_sink), (espeak_voice, espeak_sink)):
            window.voice = voice
            clip_voice.stop()  # the last touch's speech cut, as a new touch cuts it on the kiosk
            espeak_voice.stop()
            sink.quiet()
            tile = tiles[(2 * index + (voice is espeak_voice)) % len(tiles)]  # a new tile: it speaks
            handed.clear()
            sink.arm()
            start = time.perf_counter()
            QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
            heard = until_heard(sink)
            at_sink.append((heard - start) * 1000)
            if voice is clip_voice:
                if index == 0:  # the stream opens on the first clip: not timed
                    clip_sink.clear()
                elif handed:
                    clip_hand.append((handed[0] - start) * 1000)
    player.drain()
    clip_voice.close()
    espeak_voice.stop()
    sink.close()
    window.allow_close = True
    window.close()
    kiosk.controller.stop()
    del app
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{touches} touches each, load average {load}, {os.cpu_count()} cores")
    print("| touch of a tile → | median | p95 | n |\n|---|---|---|---|")
    print(stats("clip: first write to the server", clip_hand))
    print(stats("clip: first sample at the sink", clip_sink))
    print(stats("espeak-ng per phrase: first sample at the sink", espeak_sink))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--touches", type=int, default=60)
    args = parser.parse_args()
    for tool in ("pulseaudio", "parec", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"bench/touch_voice.py needs {tool} (scripts/setup.sh installs it)", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="touch-voice-") as tmp:
        folder = Path(tmp)
        socket = folder / "native"
        env = {**os.environ, "HOME": tmp, "XDG_RUNTIME_DIR": tmp, "PULSE_SERVER": f"unix:{socket}"}
        os.environ["PULSE_SERVER"] = env["PULSE_SERVER"]  # espeak-ng, started by EspeakVoice, plays there
        server = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
             "--disable-shm=yes",
             f"--load=module-null-sink sink_name=kiosk rate={RATE} channels=1 format=s16le",
             f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while not socket.exists():
                time.sleep(0.05)
            return run(args.touches, folder, env)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
