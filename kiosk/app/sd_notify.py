"""systemd's notify protocol (sd_notify(3)) with the standard library: READY=1, WATCHDOG=1, STATUS=.

A unit with `Type=notify` learns that the kiosk is up (the idle screen painted, the worker's loop
running) and, with `WatchdogSec=`, kills and restarts a process that stops pinging: a hung event loop
is caught, not only a dead process. Outside systemd (no $NOTIFY_SOCKET) every call does nothing.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping


def notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send one notification ("READY=1", "WATCHDOG=1", "STATUS=…"); False when not under systemd, the
    socket is gone, or its queue is full (never raises, never waits: a lost notification must not
    take the kiosk down, and a send that waited for a reader that does not read would hold up the
    UI thread or the worker's loop, which ping from their own turns)."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # abstract namespace socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.setblocking(False)  # a full queue (net.unix.max_dgram_qlen, 10) fails at once
            sock.send(message.encode("utf-8"))
    except OSError:
        return False
    return True


def watchdog_interval(environ: Mapping[str, str] | None = None) -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec, as sd_watchdog_enabled(3) advises), or
    None when no watchdog is asked for this process."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    # Meant for this process, or for its parent: under cage the compositor is the unit's main
    # process and the kiosk, its child, is the one whose event loop must be watched.
    if pid.isdigit() and int(pid) not in (os.getpid(), os.getppid()):
        return None
    return int(usec) / 1_000_000 / 2
