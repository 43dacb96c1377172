"""16-bit PCM in and out of WAV files, including espeak-ng's streamed ones.

espeak-ng writing to stdout cannot seek back to fill in the sizes, so its RIFF and data sizes are
0x7FFFF...: the data runs to the end of the bytes. The standard library's `wave` would take them
at their word; this reads the `fmt ` chunk and trusts the length of what arrived.
"""

from __future__ import annotations

import io
import struct
import wave
from dataclasses import dataclass


class WavError(ValueError):
    pass


@dataclass(frozen=True)
class Pcm:
    rate: int
    channels: int
    frames: bytes  # signed 16-bit little-endian samples, interleaved

    @property
    def seconds(self) -> float:
        return len(self.frames) / (2 * self.channels * self.rate)


def parse_wav(data: bytes) -> Pcm:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError("not a RIFF/WAVE file")
    at = 12
    rate = channels = 0
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], struct.unpack_from("<I", data, at + 4)[0]
        body = at + 8
        if kind == b"fmt ":
            tag, channels, rate, _byte_rate, _align, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag != 1 or bits != 16:
                raise WavError(f"only 16-bit PCM is played (format {tag}, {bits} bits)")
        elif kind == b"data":
            if not rate:
                raise WavError("data before the fmt chunk")
            end = min(len(data), body + size)
            end -= (end - body) % (2 * channels)  # a cut-off last frame
            return Pcm(rate, channels, data[body:end])
        at = body + size + (size & 1)
    raise WavError("no data chunk")


def to_wav(pcm: Pcm) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(pcm.channels)
        wav.setsampwidth(2)
        wav.setframerate(pcm.rate)
        wav.writeframes(pcm.frames)
    return out.getvalue()
