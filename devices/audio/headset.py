"""Headset plug detection from the kernel's jack switches.

Sound cards with jack sensing (Intel HDA and most USB-less station PCs) report the headphone
jack as a Linux input device with switch events: `EV_SW` / `SW_HEADPHONE_INSERT`
(linux/input-event-codes.h), e.g. "HDA Intel PCH Headphone". `HeadsetWatch` finds such devices
in sysfs, reads the jack's state at start (`EVIOCGSW`) and then its events on a thread of its own,
and calls `on_change(plugged)` on every change. The kiosk user needs read access to the device
(group `input`). PulseAudio and PipeWire see the same jack through ALSA; reading the switch needs
neither. A station without jack sensing (or a USB headset, which appears as a new sound card
instead) gets no events: accessibility mode is then started by the held key.
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

EV_SW = 0x05
SW_HEADPHONE_INSERT = 0x02
SW_MICROPHONE_INSERT = 0x04
HEADSET_SWITCHES = (SW_HEADPHONE_INSERT, SW_MICROPHONE_INSERT)
SW_MAX = 0x10
# struct input_event on 64-bit Linux: struct timeval (two longs), __u16 type, __u16 code, __s32 value.
EVENT = struct.Struct("llHHi")


def eviocgsw(length: int) -> int:
    """ioctl EVIOCGSW(len) = _IOC(_IOC_READ, 'E', 0x1b, len)."""
    return (2 << 30) | (length << 16) | (ord("E") << 8) | 0x1B


@dataclass(frozen=True)
class JackDevice:
    name: str  # as the kernel names it ("HDA Intel PCH Headphone")
    path: Path  # /dev/input/eventN


def jack_devices(sysfs: Path = Path("/sys/class/input"), dev: Path = Path("/dev/input")) -> list[JackDevice]:
    """The input devices that report a headphone or headset-microphone switch."""
    found = []
    for entry in sorted(sysfs.glob("event*")):
        try:
            bits = (entry / "device" / "capabilities" / "sw").read_text().split()
            name = (entry / "device" / "name").read_text().strip()
        except OSError:
            continue
        # The bitmask is printed as hex words, most significant first.
        mask = 0
        for word in bits:
            mask = (mask << 64) | int(word, 16)
        if any(mask >> switch & 1 for switch in HEADSET_SWITCHES):
            found.append(JackDevice(name, dev / entry.name))
    return found


def plugged_from_switches(bits: bytes) -> bool:
    """The EVIOCGSW answer (a bitmask of switches that are on): is a headset in?"""
    mask = int.from_bytes(bits, "little")
    return any(mask >> switch & 1 for switch in HEADSET_SWITCHES)


class HeadsetWatch:
    """Watches the jack devices; `on_change(True)` when a headset is plugged in, False when out.
    Calls come from the watch's own thread: the caller posts them to its UI thread."""

    def __init__(self, devices: list[JackDevice] | None = None) -> None:
        self.devices = jack_devices() if devices is None else devices
        self._threads: list[threading.Thread] = []
        self._stop_r, self._stop_w = os.pipe()
        self.plugged: dict[Path, bool] = {}

    @property
    def available(self) -> bool:
        return bool(self.devices)

    def start(self, on_change: Callable[[bool], None]) -> None:
        for device in self.devices:
            try:
                fd = os.open(device.path, os.O_RDONLY | os.O_NONBLOCK)
            except OSError as exc:
                log.warning("headset jack %s (%s) cannot be read: %s", device.name, device.path, exc)
                continue
            self.plugged[device.path] = self._initial(fd)
            thread = threading.Thread(
                target=self._watch, args=(device, fd, on_change), name="headset", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    @staticmethod
    def _initial(fd: int) -> bool:
        """A headset already in at start counts as plugged (no event: the mode is not turned on)."""
        buffer = bytearray(SW_MAX // 8 + 1)
        try:
            fcntl.ioctl(fd, eviocgsw(len(buffer)), buffer)
        except OSError:
            return False  # not an evdev device (a test's pipe): no state until the first event
        return plugged_from_switches(bytes(buffer))

    def _watch(self, device: JackDevice, fd: int, on_change: Callable[[bool], None]) -> None:
        import select

        pending = b""
        try:
            while True:
                ready, _, _ = select.select([fd, self._stop_r], [], [])
                if self._stop_r in ready:
                    return
                try:
                    chunk = os.read(fd, EVENT.size * 16)
                except BlockingIOError:
                    continue
                if not chunk:  # the device went away (or the writer of a test's pipe closed it)
                    return
                pending += chunk
                while len(pending) >= EVENT.size:
                    _sec, _usec, kind, code, value = EVENT.unpack_from(pending)
                    pending = pending[EVENT.size :]
                    if kind == EV_SW and code in HEADSET_SWITCHES:
                        plugged = bool(value)
                        if plugged != self.plugged.get(device.path):
                            self.plugged[device.path] = plugged
                            on_change(plugged)
        except Exception:  # a foreign thread: said, never swallowed silently
            log.exception("headset watch on %s stopped", device.path)
        finally:
            os.close(fd)

    def stop(self) -> None:
        if self._stop_w < 0:
            return
        os.write(self._stop_w, b"x")
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()
        os.close(self._stop_r)
        os.close(self._stop_w)
        self._stop_r = self._stop_w = -1
