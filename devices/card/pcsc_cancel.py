"""Cancelling a PC/SC call that does not return: the chip stopped answering mid-APDU.

pcsc-lite's `SCardCancel` only interrupts `SCardGetStatusChange`; a blocked `SCardTransmit` (or
the `SCardDisconnect` that resets a frozen card) waits for the reader driver, which may wait for
ever (vpcd does; a CCID reader gives up after the card's waiting time, often > 10 s). The client
library waits in `poll` on its socket to pcscd, one socket per context. Shutting that socket
down makes the blocked call return `SCARD_F_COMM_ERROR` at once: the transaction is abandoned,
pcscd drops the context (and its card handle) when it sees the socket closed, and the worker
thread is free. `ContextSocket` remembers which socket belongs to the context a read established,
by the file descriptors that appeared while establishing it (serialised by `ESTABLISH_LOCK`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# Every SCardEstablishContext of this process (reads and the monitor) holds it, so the sockets
# that appear meanwhile belong to that context.
ESTABLISH_LOCK = threading.Lock()
_FD_DIR = Path("/proc/self/fd")
_DEFAULT_SOCKET = "/run/pcscd/pcscd.comm"


def _pcscd_socket_name() -> str:
    return os.environ.get("PCSCLITE_CSOCK_NAME", _DEFAULT_SOCKET)


def _socket_fds() -> set[int]:
    """The descriptors of this process that are sockets (empty where /proc is not mounted)."""
    fds: set[int] = set()
    with contextlib.suppress(OSError):
        for entry in os.scandir(_FD_DIR):
            with contextlib.suppress(OSError, ValueError):
                if os.readlink(entry.path).startswith("socket:"):
                    fds.add(int(entry.name))
    return fds


def _peer(fd: int) -> str:
    try:
        with socket.socket(fileno=os.dup(fd)) as probe:
            if probe.family != socket.AF_UNIX:
                return ""
            peer = probe.getpeername()
    except OSError:
        return ""
    return peer if isinstance(peer, str) else peer.decode(errors="replace")


class ContextSocket:
    """The client socket of one PC/SC context, found when it is established."""

    def __init__(self) -> None:
        self._fds: tuple[int, ...] = ()

    def establish(self, function: Callable[[], T]) -> T:
        """Run `function` (which calls SCardEstablishContext) and note the socket it opened."""
        with ESTABLISH_LOCK:
            before = _socket_fds()
            result = function()
            opened = _socket_fds() - before
        wanted = _pcscd_socket_name()
        self._fds = tuple(fd for fd in sorted(opened) if _peer(fd) == wanted)
        return result

    @property
    def known(self) -> bool:
        return bool(self._fds)

    def shut(self) -> bool:
        """Shut the socket down (both directions); the library closes the descriptor itself when
        the context is released. True when there was a socket to shut."""
        shut = False
        for fd in self._fds:
            try:
                # A duplicate, so that closing it leaves the library's descriptor to the library.
                with socket.socket(fileno=os.dup(fd)) as dup:
                    dup.shutdown(socket.SHUT_RDWR)
                shut = True
            except OSError as exc:
                log.debug("shutting pcscd socket %d: %s", fd, exc)
        self._fds = ()
        return shut
