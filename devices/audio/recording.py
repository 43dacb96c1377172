"""A station's own recording of a phrase, made into a clip like the rendered ones.

A recorder or phone writes WAV at 44.1 or 48 kHz, in stereo, 16 or 24 bits or floats; the clips
are 16-bit mono at the engine's rate (espeak-ng: 22,050 Hz), and clips of one utterance must share
a format to be joined (`devices.audio.clips.joined`). So a recording is mixed to mono, resampled
(windowed-sinc, band-limited: no aliasing when going down), its silence before and after trimmed
and its peak brought to the same level, whatever the microphone's gain was. Pure Python: no audio
library is installed with the kiosk, and a recording of a few seconds converts in well under one.
"""

from __future__ import annotations

import math
import operator
import struct
from array import array
from functools import lru_cache

from devices.audio.wav import Pcm

MAX_SECONDS = 60.0
PEAK = 0.89  # −1 dBFS: the level a recording is brought to
SILENCE = 10 ** (-45 / 20)  # below −45 dBFS before the first and after the last sound
MARGIN_S = 0.05  # kept around the sound, so a word's soft start is not cut
ZERO_CROSSINGS = 12  # of the resampling kernel, each side
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


class RecordingError(ValueError):
    pass


def read_recording(data: bytes) -> tuple[int, list[float]]:
    """(rate, mono samples in −1…1) of a WAV file: PCM of 8, 16, 24 or 32 bits or float."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise RecordingError(
            "not a WAV file: convert it first, e.g. ffmpeg -i recording.m4a -ac 1 recording.wav"
        )
    at = 12
    fmt: tuple[int, int, int, int] | None = None
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], struct.unpack_from("<I", data, at + 4)[0]
        body = at + 8
        if kind == b"fmt ":
            tag, channels, rate, _byte_rate, _align, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag == _EXTENSIBLE and size >= 26:
                tag = struct.unpack_from("<H", data, body + 24)[0]  # the sub-format GUID's first field
            fmt = (tag, channels, rate, bits)
        elif kind == b"data":
            if fmt is None:
                raise RecordingError("the WAV file has its sound before its format")
            end = min(len(data), body + size)  # a streamed file's size field may be a placeholder
            return fmt[2], _mono(_samples(data[body:end], fmt[0], fmt[3]), fmt[1])
        at = body + size + (size & 1)
    raise RecordingError("the WAV file has no sound in it (no data chunk)")


def _samples(raw: bytes, tag: int, bits: int) -> list[float]:
    if tag == _FLOAT and bits in (32, 64):
        values = array("f" if bits == 32 else "d")
        values.frombytes(raw[: len(raw) - len(raw) % values.itemsize])
        return list(values)
    if tag != _PCM or bits not in (8, 16, 24, 32):
        raise RecordingError(f"WAV format {tag} with {bits} bits is not plain PCM or float: convert it")
    if bits == 8:
        return [(b - 128) / 128 for b in raw]
    if bits == 24:
        usable = raw[: len(raw) - len(raw) % 3]
        # Each sample as a 32-bit integer with a zero low byte, read at once by `array`.
        padded = b"".join(b"\0" + usable[i : i + 3] for i in range(0, len(usable), 3))
        ints = array("i")
        ints.frombytes(padded)
        return [v / 2**31 for v in ints]
    ints = array("h" if bits == 16 else "i")
    ints.frombytes(raw[: len(raw) - len(raw) % ints.itemsize])
    scale = 2.0 ** (bits - 1)
    return [v / scale for v in ints]


def _mono(samples: list[float], channels: int) -> list[float]:
    if channels <= 1:
        return samples
    frames = len(samples) // channels
    return [sum(samples[i * channels : (i + 1) * channels]) / channels for i in range(frames)]


@lru_cache(maxsize=8)
def _kernels(source: int, target: int) -> tuple[int, int, int, tuple[tuple[float, ...], ...]]:
    """(up, down, half width, one kernel per phase) of a polyphase windowed-sinc resampler."""
    g = math.gcd(source, target)
    up, down = target // g, source // g
    cutoff = min(1.0, target / source)  # below the lower of the two Nyquist frequencies
    half = math.ceil(ZERO_CROSSINGS / cutoff)
    kernels = []
    for phase in range(up):
        offset = phase / up  # where the output sample falls between two input samples
        taps = []
        for k in range(-half + 1, half + 1):
            x = k - offset
            sinc = 1.0 if x == 0 else math.sin(math.pi * cutoff * x) / (math.pi * cutoff * x)
            window = 0.42 + 0.5 * math.cos(math.pi * x / half) + 0.08 * math.cos(2 * math.pi * x / half)
            taps.append(cutoff * sinc * window if abs(x) < half else 0.0)
        kernels.append(tuple(taps))
    return up, down, half, tuple(kernels)


def resample(samples: list[float], source: int, target: int) -> list[float]:
    if source == target or not samples:
        return list(samples)
    up, down, half, kernels = _kernels(source, target)
    padded = [0.0] * half + samples + [0.0] * half
    out = []
    for n in range(len(samples) * up // down):
        position, phase = divmod(n * down, up)
        start = position + 1  # samples position-half+1 … position+half, shifted by the padding
        out.append(sum(map(operator.mul, padded[start : start + 2 * half], kernels[phase])))
    return out


def _trimmed(samples: list[float], rate: int) -> list[float]:
    first = next((i for i, v in enumerate(samples) if abs(v) > SILENCE), None)
    if first is None:
        return []
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > SILENCE)
    margin = int(MARGIN_S * rate)
    return samples[max(0, first - margin) : last + margin + 1]


def to_clip(data: bytes, rate: int) -> Pcm:
    """The recording as a clip: mono 16-bit at `rate`, trimmed, its peak at −1 dBFS."""
    source, samples = read_recording(data)
    if source <= 0:
        raise RecordingError("the WAV file gives no sample rate")
    if len(samples) / source > MAX_SECONDS:
        raise RecordingError(f"longer than {MAX_SECONDS:.0f} s: one phrase per recording")
    samples = _trimmed(samples, source)
    if len(samples) < 0.2 * source:
        raise RecordingError("nothing can be heard in it (silent, or shorter than 0.2 s)")
    samples = resample(samples, source, rate)
    gain = PEAK / max(abs(v) for v in samples)
    pcm = array("h", (max(-32768, min(32767, round(v * gain * 32767))) for v in samples))
    return Pcm(rate, 1, pcm.tobytes())
