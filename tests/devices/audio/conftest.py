"""A PulseAudio server of the test's own with a null sink, and a recorder on its monitor: what the
kiosk's player wrote reaches the sink, and the test reads the very samples back. No sound card."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

RATE = 22050  # espeak-ng's: the null sink takes the clips as they are, no resampling


def wait_until(check: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@dataclass
class Sound:
    server: str  # for PulsePlayer(server=...) and $PULSE_SERVER
    env: dict[str, str]
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        socket = self.folder / "native"
        socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
                "--disable-shm=yes", "--log-target=stderr",
                f"--load=module-null-sink sink_name=kiosk rate={RATE} channels=1 format=s16le",
                f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "server.log").open("ab"),
        )  # fmt: skip
        process = self.process
        wait_until(lambda: socket.exists() and process.poll() is None, what="pulseaudio's socket")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pactl(self, *args: str) -> str:
        return subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, check=True, timeout=10
        ).stdout


@pytest.fixture
def sound(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sound]:
    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        pytest.fail("pulseaudio and pulseaudio-utils are installed by scripts/setup.sh")
    folder = tmp_path_factory.mktemp("pulse")
    socket = folder / "native"
    env = {"HOME": str(folder), "XDG_RUNTIME_DIR": str(folder), "PATH": "/usr/bin:/bin"}
    sound = Sound(f"unix:{socket}", {**env, "PULSE_SERVER": f"unix:{socket}"}, folder)
    try:
        sound.start()
        yield sound
    finally:
        sound.stop()


class Recording:
    def __init__(self, sound: Sound) -> None:
        self.path = sound.folder / f"rec-{time.monotonic_ns()}.raw"
        self._out = self.path.open("wb")
        self._process = subprocess.Popen(
            ["parec", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1", "--latency-msec=20",
             "-d", "kiosk.monitor"],
            env=sound.env,
            stdout=self._out,
        )  # fmt: skip
        # Recording from the monitor only once the server lists it (then nothing played is missed).
        wait_until(lambda: "parec" in sound.pactl("list", "source-outputs"), what="parec to connect")

    def bytes(self) -> bytes:
        self._out.flush()
        return self.path.read_bytes()

    def stop(self) -> bytes:
        self._process.terminate()
        self._process.wait(timeout=10)
        self._out.close()
        return self.path.read_bytes()


@pytest.fixture
def record(sound: Sound) -> Iterator[Callable[[], Recording]]:
    made: list[Recording] = []

    def start() -> Recording:
        made.append(Recording(sound))
        return made[-1]

    yield start
    for recording in made:
        recording.stop()
