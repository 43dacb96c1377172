"""An outside observer of "painted": watches the X server for new top-level windows and times their damage.

A separate small X client (ctypes on libX11 + libXdamage, nothing to install) that any program under
test can be measured by, whatever toolkit it uses: Qt, Chromium or anything else. It selects
SubstructureNotify on the root window, puts a Damage object (XDAMAGE extension, ReportRawRectangles)
on every top-level window as it is created, and reports, as CLOCK_MONOTONIC seconds:

- `first`: the first damage to a window that is mapped and of the wanted size (its first pixels), and
- `painted`: the last damage covering (nearly) the whole window, once no such damage came for `quiet`
  seconds: the last full frame of the start-up. Qt draws its first frame whole (one damage of the
  full window); Chromium draws two or three full frames (blank, then the page) before the page is up.
  Smaller damages later (Chromium's "exit full screen" bubble, Qt repainting a region) do not count.

bench/startup.py opens the probe before it launches the program, so no window is created unseen.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import time
from dataclasses import dataclass, field

# X protocol constants (X11/X.h)
_CREATE_NOTIFY = 16
_DESTROY_NOTIFY = 17
_MAP_NOTIFY = 19
_UNMAP_NOTIFY = 18
_CONFIGURE_NOTIFY = 22
_SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
_STRUCTURE_NOTIFY_MASK = 1 << 17
_DAMAGE_REPORT_RAW_RECTANGLES = 0
_XDAMAGE_NOTIFY = 0  # offset from the extension's event base

Window = ctypes.c_ulong


class _AnyEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", Window),
        ("window", Window),
    ]


class _CreateEvent(ctypes.Structure):  # XCreateWindowEvent
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("parent", Window),
        ("window", Window),
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
    ]


class _ConfigureEvent(ctypes.Structure):  # XConfigureEvent
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", Window),
        ("window", Window),
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
    ]


class _Rect(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_short),
        ("y", ctypes.c_short),
        ("width", ctypes.c_ushort),
        ("height", ctypes.c_ushort),
    ]


class _DamageEvent(ctypes.Structure):  # XDamageNotifyEvent
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("drawable", ctypes.c_ulong),
        ("damage", ctypes.c_ulong),
        ("level", ctypes.c_int),
        ("more", ctypes.c_int),
        ("timestamp", ctypes.c_ulong),
        ("area", _Rect),
        ("geometry", _Rect),
    ]


class _Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("pad", ctypes.c_long * 24)]


def _load(name: str) -> ctypes.CDLL:
    path = ctypes.util.find_library(name)
    if path is None:
        raise RuntimeError(f"lib{name} not found (Debian: libx11-6, libxdamage1)")
    return ctypes.CDLL(path)


class _Xlib:
    def __init__(self) -> None:
        self.x = x = _load("X11")
        self.d = d = _load("Xdamage")
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = Window
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XSelectInput.argtypes = [ctypes.c_void_p, Window, ctypes.c_long]
        x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x.XPending.argtypes = [ctypes.c_void_p]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Event)]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XSetErrorHandler.restype = ctypes.c_void_p
        d.XDamageQueryExtension.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_int),
        ]
        d.XDamageCreate.restype = ctypes.c_ulong
        d.XDamageCreate.argtypes = [ctypes.c_void_p, Window, ctypes.c_int]


# A window may be gone before the probe asks about it (BadWindow/BadDamage): ignore such errors
# instead of Xlib's default handler, which exits the process.
_ERROR_HANDLER_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_ignore_errors = _ERROR_HANDLER_TYPE(lambda _display, _error: 0)


@dataclass
class _Top:
    width: int = 0
    height: int = 0
    mapped: bool = False
    damage: list[float] = field(default_factory=list)  # monotonic times of damage while right-sized
    full: list[float] = field(default_factory=list)  # ... of damage covering the whole window


@dataclass(frozen=True)
class Painted:
    first: float  # CLOCK_MONOTONIC seconds of the first damage of the right-sized mapped window
    painted: float  # ... of its last full-window damage before `quiet` seconds without one
    full_frames: int  # full-window damages up to `painted`
    damages: int  # damages of any size up to `painted`


class DamageProbe:
    """Open before launching the program; `wait()` returns once its window has painted in full."""

    def __init__(self, display: str, size: tuple[int, int], quiet: float = 1.0) -> None:
        self._lib = _Xlib()
        self._dpy = self._lib.x.XOpenDisplay(display.encode())
        if not self._dpy:
            raise RuntimeError(f"cannot open X display {display}")
        self._lib.x.XSetErrorHandler(_ignore_errors)
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not self._lib.d.XDamageQueryExtension(
            self._dpy, ctypes.byref(event_base), ctypes.byref(error_base)
        ):
            raise RuntimeError("the X server has no DAMAGE extension")
        self._damage_type = event_base.value + _XDAMAGE_NOTIFY
        self._size = size
        self._quiet = quiet
        self._tops: dict[int, _Top] = {}
        self._gone: list[_Top] = []  # destroyed windows, with the damage they had
        root = self._lib.x.XDefaultRootWindow(self._dpy)
        self._root = root
        self._lib.x.XSelectInput(self._dpy, root, _SUBSTRUCTURE_NOTIFY_MASK)
        self._lib.x.XSync(self._dpy, 0)  # selection in force before anything is launched

    def close(self) -> None:
        self._lib.x.XCloseDisplay(self._dpy)

    def __enter__(self) -> DamageProbe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _right_size(self, top: _Top) -> bool:
        # Within 2 px: Chromium makes its --window-size=1366,768 window 1365×767.
        return abs(top.width - self._size[0]) <= 2 and abs(top.height - self._size[1]) <= 2

    def _handle(self, event: _Event, now: float) -> None:
        kind = event.type
        if kind == self._damage_type:
            damage = ctypes.cast(ctypes.byref(event), ctypes.POINTER(_DamageEvent)).contents
            top = self._tops.get(damage.drawable)
            if top is not None and top.mapped and self._right_size(top):
                top.damage.append(now)
                if damage.area.width * damage.area.height >= 0.9 * top.width * top.height:
                    top.full.append(now)
            return
        any_event = ctypes.cast(ctypes.byref(event), ctypes.POINTER(_AnyEvent)).contents
        if kind == _CREATE_NOTIFY:
            created = ctypes.cast(ctypes.byref(event), ctypes.POINTER(_CreateEvent)).contents
            if created.parent != self._root:
                return
            self._tops[created.window] = _Top(created.width, created.height)
            self._lib.x.XSelectInput(self._dpy, created.window, _STRUCTURE_NOTIFY_MASK)
            self._lib.d.XDamageCreate(self._dpy, created.window, _DAMAGE_REPORT_RAW_RECTANGLES)
            self._lib.x.XFlush(self._dpy)
        elif kind == _CONFIGURE_NOTIFY:
            conf = ctypes.cast(ctypes.byref(event), ctypes.POINTER(_ConfigureEvent)).contents
            top = self._tops.get(conf.window)
            if top is not None:
                top.width, top.height = conf.width, conf.height
        elif kind == _MAP_NOTIFY:
            top = self._tops.get(any_event.window)
            if top is not None:
                top.mapped = True
        elif kind == _UNMAP_NOTIFY:
            top = self._tops.get(any_event.window)
            if top is not None:
                top.mapped = False
        elif kind == _DESTROY_NOTIFY:
            # kept: a splash or first frame replaced by the real window still counts as painted first
            gone = self._tops.pop(any_event.window, None)
            if gone is not None:
                self._gone.append(gone)

    def wait(self, timeout: float = 30.0) -> Painted:
        """Process X events until a right-sized window has had a full frame, then none for `quiet` s."""
        fd = self._lib.x.XConnectionNumber(self._dpy)
        event = _Event()
        deadline = time.monotonic() + timeout
        while True:
            while self._lib.x.XPending(self._dpy):
                self._lib.x.XNextEvent(self._dpy, ctypes.byref(event))
                self._handle(event, time.monotonic())
            now = time.monotonic()
            tops = [t for t in [*self._tops.values(), *self._gone] if t.full]
            if tops:
                last = max(t.full[-1] for t in tops)
                if now - last >= self._quiet:
                    first = min(t.damage[0] for t in tops)
                    damages = sum(1 for t in tops for d in t.damage if d <= last)
                    return Painted(first, last, sum(len(t.full) for t in tops), damages)
            if now > deadline:
                raise TimeoutError(f"no window of {self._size[0]}×{self._size[1]} painted in {timeout:.0f} s")
            select.select([fd], [], [], 0.02)


def demo() -> None:
    """By hand: `DISPLAY=:99 python bench/xdamage.py` then start a full-screen program on :99."""
    with DamageProbe(os.environ.get("DISPLAY", ":99"), (1366, 768)) as probe:
        start = time.monotonic()
        painted = probe.wait(60)
        print(f"first damage +{painted.first - start:.3f} s, painted +{painted.painted - start:.3f} s")


if __name__ == "__main__":
    demo()
