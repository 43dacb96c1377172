"""The loudness of the PulseAudio sink the kiosk's voice plays on (`kiosk.ports.voice.Loudness`),
set with `pactl`, PulseAudio's own client (pulseaudio-utils, installed by scripts/setup.sh).

The sink's volume, not the samples': what the on-screen control sets is what the station's mixer
shows, and the officer's health check reads the same figure. A process per change is fine here:
it runs on a citizen's tap, never per phrase. A failing `pactl` is logged and the kiosk goes on
at the volume it had (a volume tap must never stop a journey).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess

log = logging.getLogger(__name__)

DEFAULT_SINK = "@DEFAULT_SINK@"
PACTL_TIMEOUT_S = 5.0
_PERCENT = re.compile(r"(\d+)%")


def usable() -> bool:
    return shutil.which("pactl") is not None


class SinkVolume:
    """0 (silent) .. 100 (the sink's full, unamplified volume) on `sink` of `server`."""

    def __init__(self, server: str | None = None, sink: str = DEFAULT_SINK) -> None:
        self._server = server
        self._sink = sink
        self._volume: int | None = None  # what was set last; read from the sink until then

    def _pactl(self, *args: str) -> str | None:
        env = {**os.environ, "PULSE_SERVER": self._server} if self._server else None
        try:
            done = subprocess.run(
                ["pactl", *args], env=env, capture_output=True, text=True, timeout=PACTL_TIMEOUT_S
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("voice: pactl %s failed (%s)", args[0], exc)
            return None
        if done.returncode != 0:
            log.warning("voice: pactl %s failed: %s", args[0], done.stderr.strip())
            return None
        return done.stdout

    def read(self) -> int | None:
        """The sink's volume now, as `pactl` reports it (the loudest channel), or None."""
        out = self._pactl("get-sink-volume", self._sink)
        found = [int(p) for p in _PERCENT.findall(out or "")]
        return max(found) if found else None

    @property
    def volume(self) -> int:
        if self._volume is None:
            self._volume = self.read() or 0
        return self._volume

    def set_volume(self, percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if self._pactl("set-sink-volume", self._sink, f"{percent}%") is not None:
            self._volume = percent
