"""Voice latency: from `say()` to the first audio, a pre-rendered clip vs espeak-ng per phrase.

Run from the repository root:  .venv/bin/python bench/voice.py [--rounds 20]
Starts its own PulseAudio server with a null sink (nothing reaches a loudspeaker), renders the
phrases below into a temporary clip folder, then, in the same run and interleaved phrase by phrase:
  - clip: `ClipVoice.say` (the kiosk's voice) on its already-open stream;
  - espeak: `espeak-ng -v vi --stdin` started per phrase and playing itself (the old EspeakVoice);
each timed two ways:
  - "handed over": to the first audio bytes leaving the producer (the clip player's first
    `pa_simple_write` returning; espeak-ng's first byte on stdout with `--stdout`),
  - "at the sink": to the first non-silent sample read back from the null sink's monitor (parec,
    20 ms fragments: the same recorder delay is in both columns).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.audio.clips import ClipFolder, ClipVoice, build_clips
from devices.audio.espeak import EspeakEngine
from devices.audio.pulse import PulsePlayer
from kiosk import phrases

PHRASES = [
    phrases.IDLE_TOUCH.get("vi"),
    phrases.MENU_TITLE.get("vi"),
    phrases.CARD_READING.get("vi"),
    phrases.CARD_READ.get("vi"),
    phrases.CARD_WAYS.get("vi"),
    phrases.ID_TITLE.get("vi"),
]
RATE = 22050


class Sink:
    """Reads the null sink's monitor; `wait_sound(after)` is when the first non-zero sample came."""

    def __init__(self, env: dict[str, str]) -> None:
        self._process = subprocess.Popen(
            ["parec", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1", "--latency-msec=20",
             "-d", "kiosk.monitor"],
            env=env, stdout=subprocess.PIPE,
        )  # fmt: skip
        self._heard: float | None = None
        self._last_sound = time.perf_counter()
        self._armed = threading.Event()
        self._got = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        while chunk := self._process.stdout.read1(882):  # type: ignore[attr-defined]
            if not chunk.strip(b"\0"):
                continue
            now = time.perf_counter()
            self._last_sound = now
            if self._armed.is_set() and not self._got.is_set():
                self._heard = now
                self._got.set()

    def quiet(self, seconds: float = 0.3) -> None:
        """Until nothing has sounded for `seconds`: the last phrase's tail is not the next one's start."""
        while time.perf_counter() - self._last_sound < seconds:
            time.sleep(0.02)

    def arm(self) -> None:
        self._got.clear()
        self._armed.set()

    def wait_sound(self, timeout: float = 10.0) -> float:
        if not self._got.wait(timeout):
            raise RuntimeError("no sound reached the sink")
        self._armed.clear()
        assert self._heard is not None
        return self._heard

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


def espeak_first_stdout_byte(text: str) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        ["espeak-ng", "-v", "vi", "--stdout", "--stdin"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(text.encode())
    process.stdin.close()
    process.stdout.read(1)
    first = time.perf_counter() - start
    process.stdout.read()
    process.wait()
    return first


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p90 = ms[int(0.9 * len(ms))]
    return f"{name:<34} median {statistics.median(ms):7.1f} ms  p90 {p90:7.1f} ms  (n={len(ms)})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    for tool in ("pulseaudio", "parec", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"bench/voice.py needs {tool} (scripts/setup.sh installs it)", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="voice-bench-") as tmp:
        folder = Path(tmp)
        socket = folder / "native"
        env = {**os.environ, "HOME": tmp, "XDG_RUNTIME_DIR": tmp, "PULSE_SERVER": f"unix:{socket}"}
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
            return run(args.rounds, folder, env)
        finally:
            server.terminate()
            server.wait(timeout=10)


def run(rounds: int, folder: Path, env: dict[str, str]) -> int:
    engine = EspeakEngine()
    clips = ClipFolder(folder / "clips")
    started = time.perf_counter()
    report = build_clips(engine, clips, {"vi": PHRASES})
    print(f"built {report.rendered} clips in {(time.perf_counter() - started) * 1000:.0f} ms")
    player = PulsePlayer(server=env["PULSE_SERVER"])
    handed = threading.Event()
    player.on_first_write.append(lambda: (setattr(player, "first_at", time.perf_counter()), handed.set()))
    voice = ClipVoice(engine, clips, player)
    sink = Sink(env)
    time.sleep(0.5)  # parec connected (the bench does not assert: it times)
    voice.say(PHRASES[0], "vi")  # the stream opens on the first clip: not timed
    player.drain()
    time.sleep(0.2)
    clip_hand, clip_sink, espeak_hand, espeak_sink = [], [], [], []
    for _ in range(rounds):
        for text in PHRASES:
            handed.clear()
            sink.quiet()
            sink.arm()
            start = time.perf_counter()
            voice.say(text, "vi")
            handed.wait(10)
            heard = sink.wait_sound()
            clip_hand.append((player.first_at - start) * 1000)  # type: ignore[attr-defined]
            clip_sink.append((heard - start) * 1000)
            player.drain()

            sink.quiet()
            sink.arm()
            start = time.perf_counter()
            process = subprocess.Popen(
                ["espeak-ng", "-v", "vi", "--stdin"], stdin=subprocess.PIPE, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            assert process.stdin is not None
            process.stdin.write(text.encode())
            process.stdin.close()
            heard = sink.wait_sound()
            espeak_sink.append((heard - start) * 1000)
            process.wait()
            espeak_hand.append(espeak_first_stdout_byte(text) * 1000)
    voice.close()
    sink.close()
    load = os.getloadavg()[0]
    print(f"{len(PHRASES)} phrases x {rounds} rounds, load average {load:.1f}, {os.cpu_count()} cores")
    print(summary("clip: say -> handed over", clip_hand))
    print(summary("espeak-ng: start -> first byte out", espeak_hand))
    print(summary("clip: say -> sound at the sink", clip_sink))
    print(summary("espeak-ng: start -> sound at sink", espeak_sink))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
