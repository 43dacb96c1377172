"""One long-lived PulseAudio playback stream for the kiosk's voice (libpulse-simple via ctypes).

A clip is written to the open stream by one player thread: no process per phrase, and a new clip
cuts off the one playing (its unplayed part is dropped from the server with `pa_simple_flush`).
The volume is applied here, to the samples, so it holds whatever the mixer says.

libpulse0 ships with every Debian desktop stack; the PyPI wrappers of the same "simple" API are
unmaintained, and the five calls used here do not need one.
"""

from __future__ import annotations

import array
import ctypes
import ctypes.util
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from devices.audio.wav import Pcm

log = logging.getLogger(__name__)

PA_STREAM_PLAYBACK = 1
PA_SAMPLE_S16LE = 3
CHUNK_SECONDS = 0.02  # what the thread writes at a time: how soon a new clip can cut in
BUFFER_SECONDS = 0.06  # the server's target buffer: the most a cut-off clip plays on
UNSET = 0xFFFFFFFF  # (uint32_t) -1: the server's default for a buffer attribute


class PulseError(RuntimeError):
    pass


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32), ("channels", ctypes.c_uint8)]


class _BufferAttr(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in ("maxlength", "tlength", "prebuf", "minreq", "fragsize")]


def _load() -> tuple[ctypes.CDLL, ctypes.CDLL] | None:
    simple_name = ctypes.util.find_library("pulse-simple") or "libpulse-simple.so.0"
    pulse_name = ctypes.util.find_library("pulse") or "libpulse.so.0"
    try:
        simple, pulse = ctypes.CDLL(simple_name), ctypes.CDLL(pulse_name)
    except OSError:
        return None
    err = ctypes.POINTER(ctypes.c_int)
    simple.pa_simple_new.restype = ctypes.c_void_p
    simple.pa_simple_new.argtypes = [
        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
        ctypes.POINTER(_SampleSpec), ctypes.c_void_p, ctypes.POINTER(_BufferAttr), err,
    ]  # fmt: skip
    simple.pa_simple_write.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, err]
    simple.pa_simple_flush.argtypes = [ctypes.c_void_p, err]
    simple.pa_simple_drain.argtypes = [ctypes.c_void_p, err]
    simple.pa_simple_free.argtypes = [ctypes.c_void_p]
    simple.pa_simple_free.restype = None
    pulse.pa_strerror.restype = ctypes.c_char_p
    pulse.pa_strerror.argtypes = [ctypes.c_int]
    return simple, pulse


_LIBS = _load()


def usable() -> bool:
    """libpulse is installed (a server may still be missing: that shows when a stream opens)."""
    return _LIBS is not None


def server_answers(server: str | None = None) -> bool:
    """A sound server takes a stream now (the kiosk then plays clips; else espeak-ng speaks to ALSA
    itself, as before clips: a station without PulseAudio must not go silent)."""
    try:
        _Stream(server, 16000, 1).close()
    except PulseError:
        return False
    return True


class _Stream:
    """One open playback stream of one sample format."""

    def __init__(self, server: str | None, rate: int, channels: int) -> None:
        if _LIBS is None:
            raise PulseError("libpulse0 is not installed")
        self._simple, self._pulse = _LIBS
        self.rate, self.channels = rate, channels
        spec = _SampleSpec(PA_SAMPLE_S16LE, rate, channels)
        frame = 2 * channels
        attr = _BufferAttr(UNSET, int(rate * BUFFER_SECONDS) * frame, UNSET, UNSET, UNSET)
        error = ctypes.c_int(0)
        handle = self._simple.pa_simple_new(
            server.encode() if server else None, b"kiosk", PA_STREAM_PLAYBACK, None, b"voice",
            ctypes.byref(spec), None, ctypes.byref(attr), ctypes.byref(error),
        )  # fmt: skip
        if not handle:
            raise PulseError(self._message(error))
        self._handle: int = handle

    def _message(self, error: ctypes.c_int) -> str:
        return (self._pulse.pa_strerror(error.value) or b"unknown error").decode()

    def _check(self, result: int, error: ctypes.c_int) -> None:
        if result < 0:
            raise PulseError(self._message(error))

    def write(self, data: bytes) -> None:
        error = ctypes.c_int(0)
        self._check(self._simple.pa_simple_write(self._handle, data, len(data), ctypes.byref(error)), error)

    def flush(self) -> None:
        error = ctypes.c_int(0)
        self._check(self._simple.pa_simple_flush(self._handle, ctypes.byref(error)), error)

    def drain(self) -> None:
        error = ctypes.c_int(0)
        self._check(self._simple.pa_simple_drain(self._handle, ctypes.byref(error)), error)

    def close(self) -> None:
        self._simple.pa_simple_free(self._handle)


def scaled(frames: bytes, volume: float) -> bytes:
    """Samples times `volume` (0..1, linear amplitude); at 1 the very bytes."""
    if volume >= 1.0:
        return frames
    samples = array.array("h", frames)
    if sys.byteorder != "little":
        samples.byteswap()
    samples = array.array("h", [int(s * volume) for s in samples])
    if sys.byteorder != "little":
        samples.byteswap()
    return samples.tobytes()


@dataclass
class _Request:
    generation: int
    pcm: Pcm | None  # None: stop what is playing


class PulsePlayer:
    """Plays one clip at a time on one stream, kept open; `play` returns at once."""

    def __init__(self, server: str | None = None, volume: int = 100) -> None:
        self._server = server
        self._volume = max(0, min(100, volume))
        self._cond = threading.Condition()
        self._request: _Request | None = None
        self._generation = 0
        self._closed = False
        self._stream: _Stream | None = None
        # Called in the player thread as the first chunk of a clip has been handed to the server:
        # the bench's "first audio bytes" and the tests' wait.
        self.on_first_write: list[Callable[[], None]] = []
        self._busy = False
        self.error = ""  # why the last clip was not heard ("" once one was)
        self._thread = threading.Thread(target=self._run, name="voice-player", daemon=True)
        self._thread.start()

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, percent: int) -> None:
        """0..100; takes effect from the next 20 ms of the clip playing."""
        self._volume = max(0, min(100, int(percent)))

    def play(self, pcm: Pcm) -> None:
        self._submit(pcm)

    def stop(self) -> None:
        self._submit(None)

    def _submit(self, pcm: Pcm | None) -> None:
        with self._cond:
            self._generation += 1
            self._request = _Request(self._generation, pcm)
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._generation += 1
            self._cond.notify()
        self._thread.join(timeout=5)
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until the clip asked for last has been written and played out (tests, the CLI)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._request is None and not self._busy, timeout)

    def _current(self, generation: int) -> bool:
        return self._generation == generation and not self._closed

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._request is not None or self._closed)
                if self._closed:
                    return
                request, self._request = self._request, None
                self._busy = True
            assert request is not None
            try:
                self._play_or_reopen(request)
                self.error = ""
            except PulseError as exc:
                self._drop_stream()  # reopened for the next clip: the server may be back
                if not self.error:  # once, not at every screen while the sound server is down
                    log.warning("voice: no sound (%s)", exc)
                self.error = str(exc) or type(exc).__name__
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _play_or_reopen(self, request: _Request) -> None:
        """A stream the server dropped (it restarted) fails at once: the clip gets a new one."""
        had_stream = self._stream is not None
        try:
            self._play(request)
        except PulseError:
            self._drop_stream()
            if not had_stream:
                raise
            self._play(request)

    def _drop_stream(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _play(self, request: _Request) -> None:
        stream = self._stream
        if stream is not None:
            stream.flush()  # the cut-off clip's unplayed part
        pcm = request.pcm
        if pcm is None:
            return
        if stream is None or (stream.rate, stream.channels) != (pcm.rate, pcm.channels):
            if stream is not None:
                stream.close()
            self._stream = stream = None
            self._stream = stream = _Stream(self._server, pcm.rate, pcm.channels)
        step = int(pcm.rate * CHUNK_SECONDS) * 2 * pcm.channels
        for at in range(0, len(pcm.frames), step):
            if not self._current(request.generation):
                return  # a newer clip: the loop flushes and plays it
            stream.write(scaled(pcm.frames[at : at + step], self._volume / 100))
            if at == 0:
                for hook in self.on_first_write:
                    hook()
        if self._current(request.generation):
            stream.drain()
