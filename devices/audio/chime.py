"""The kiosk's chime when "Gọi cán bộ" has reached the station console (`officer.chime`): two soft
tones made here (16-bit mono PCM, standard-library `wave`), played by ALSA's `aplay` in the
background. No file to install, nothing downloaded."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave

RATE = 22050
TONES = ((880.0, 0.18), (660.0, 0.30))  # hertz, seconds: a falling "ding-dong"
VOLUME = 0.35


def chime_wav() -> bytes:
    frames = bytearray()
    for hertz, seconds in TONES:
        count = int(RATE * seconds)
        for i in range(count):
            fade = min(1.0, i / 200, (count - i) / 2000)  # no click at either end
            sample = VOLUME * fade * math.sin(2 * math.pi * hertz * i / RATE)
            frames += struct.pack("<h", int(sample * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    return out.getvalue()


class AplayChime:
    def __init__(self, binary: str | None = None) -> None:
        self._binary = binary or shutil.which("aplay")
        self._sound = chime_wav()

    @property
    def available(self) -> bool:
        return self._binary is not None

    def __call__(self) -> None:
        if self._binary is None:
            return
        process = subprocess.Popen(
            [self._binary, "-q", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdin is not None
        try:
            process.stdin.write(self._sound)  # ~27 kB: aplay reads as it plays
            process.stdin.close()
        except BrokenPipeError:
            pass  # no sound card: aplay gave up; the call itself was delivered
