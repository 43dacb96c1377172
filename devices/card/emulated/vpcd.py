"""The emulated chip on the vpcd socket of pcscd (vsmartcard-vpcd): a virtual card for real PC/SC.

vpcd (the reader driver inside pcscd) listens on TCP 35963; the card connects to it. Each message
is a 2-byte big-endian length then a payload: one control byte (0 power off, 1 power on, 2 reset,
4 ATR request) or a command APDU. The card answers ATR requests and APDUs the same way. Closing the
connection takes the card off the reader. TCP_NODELAY is essential: without it Nagle's algorithm
and delayed ACKs cost ~40 ms per APDU.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading

from devices.card.emulated.chip import EmulatedChip

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
VPCD_READER = "Virtual PCD 00 00"  # the name pcscd gives the first vpcd slot (port 35963)
CTRL_POWER_OFF, CTRL_POWER_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


def _quick_ack(sock: socket.socket) -> None:
    """Acknowledge at once (Linux TCP_QUICKACK, which the kernel clears after each use).

    vpcd writes the 2-byte length and the APDU separately; with Nagle on its side, the APDU waits
    for our ACK of the length, which delayed ACK would hold back ~40 ms.
    """
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


class VirtualCardSlot:
    """Keeps a chip connected to vpcd while one is inserted; `remove` takes it off the reader."""

    def __init__(self, host: str = VPCD_HOST, port: int = VPCD_PORT) -> None:
        self._address = (host, port)
        self._chip: EmulatedChip | None = None
        self._lock = threading.Lock()
        self._changed = threading.Event()
        self._stopping = threading.Event()
        self._connected = threading.Event()
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # -- control ----------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="vpcd-card", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.remove()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def insert(self, chip: EmulatedChip) -> None:
        self.remove()
        with self._lock:
            self._chip = chip
        self._changed.set()

    def remove(self) -> None:
        with self._lock:
            self._chip = None
            sock, self._socket = self._socket, None
        self._connected.clear()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._changed.set()

    @property
    def chip(self) -> EmulatedChip | None:
        return self._chip

    def wait_connected(self, timeout: float = 5.0) -> bool:
        return self._connected.wait(timeout)

    # -- the connection -----------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                chip = self._chip
            if chip is None:
                self._changed.wait(0.5)
                self._changed.clear()
                continue
            try:
                sock = socket.create_connection(self._address, timeout=2)
            except OSError:
                self._stopping.wait(0.2)  # pcscd not (yet) listening
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(None)
            with self._lock:
                if self._chip is not chip:
                    sock.close()
                    continue
                self._socket = sock
            self._connected.set()
            try:
                self._serve(sock, chip)
            except OSError as exc:
                log.debug("vpcd connection closed: %s", exc)
            finally:
                self._connected.clear()
                sock.close()
                with self._lock:
                    if self._socket is sock:
                        self._socket = None
                        if self._chip is chip:
                            self._chip = None  # pcscd went away: the card is off the reader

    @staticmethod
    def _receive(sock: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            _quick_ack(sock)
            chunk = sock.recv(size - len(data))
            if not chunk:
                raise OSError("vpcd closed the connection")
            data += chunk
        return data

    def _serve(self, sock: socket.socket, chip: EmulatedChip) -> None:
        while True:
            length = int.from_bytes(self._receive(sock, 2), "big")
            payload = self._receive(sock, length)
            if length == 1:
                control = payload[0]
                if control in (CTRL_POWER_ON, CTRL_RESET, CTRL_POWER_OFF):
                    chip.reset()
                elif control == CTRL_ATR:
                    atr = chip.atr  # with the card capabilities the chip declares
                    sock.sendall(len(atr).to_bytes(2, "big") + atr)
                continue
            response = chip.process(payload)
            sock.sendall(len(response).to_bytes(2, "big") + response)
