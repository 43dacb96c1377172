"""Serial (RS-232 / USB-CDC) QR scanners: lines from a tty, with plain os + termios (no pyserial).

A serial scanner sends each code as bytes ending in CR, LF or CR LF. Unlike a keyboard wedge it
delivers the QR's bytes as they are, so a CCCD QR's Vietnamese text arrives intact (UTF-8).

    reader = SerialLineReader("/dev/ttyACM0")       # config: scanner.serial_port
    reader.start(lambda line: runner.post(lambda: route_scan(journey, line)))
    ...
    reader.stop()

`start` reads on one background thread and calls `on_line` there (post it to the UI thread);
`readline(timeout)` is the same without a thread, for tests and the command line. The port is
opened by `open()` / `start()`, never on import or on first attribute access.
"""

from __future__ import annotations

import logging
import os
import select
import termios
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_LINE = 4096  # bytes; a longer run without CR/LF is garbage (wrong baud rate), dropped
_BAUD = {
    1200: termios.B1200,
    2400: termios.B2400,
    4800: termios.B4800,
    9600: termios.B9600,
    19200: termios.B19200,
    38400: termios.B38400,
    57600: termios.B57600,
    115200: termios.B115200,
}


class ScannerError(Exception):
    """The serial port cannot be opened or configured."""


def configure_raw(fd: int, baudrate: int) -> None:
    """8N1, raw (no echo, no line editing, no CR/LF translation), reads return what is there."""
    if baudrate not in _BAUD:
        raise ScannerError(f"unsupported baud rate {baudrate}; use one of {sorted(_BAUD)}")
    attrs = termios.tcgetattr(fd)
    iflag, oflag, cflag, lflag = attrs[0], attrs[1], attrs[2], attrs[3]
    # As cfmakeraw(3).
    iflag &= ~(
        termios.IGNBRK | termios.BRKINT | termios.PARMRK | termios.ISTRIP | termios.INLCR | termios.IGNCR
    )
    iflag &= ~(termios.ICRNL | termios.IXON)
    oflag &= ~termios.OPOST
    lflag &= ~(termios.ECHO | termios.ECHONL | termios.ICANON | termios.ISIG | termios.IEXTEN)
    cflag &= ~(termios.CSIZE | termios.PARENB)
    cflag |= termios.CS8 | termios.CREAD | termios.CLOCAL
    speed = _BAUD[baudrate]
    cc = list(attrs[6])
    cc[termios.VMIN] = 0
    cc[termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, [iflag, oflag, cflag, lflag, speed, speed, cc])


class LineSplitter:
    """Bytes in, complete lines out: CR, LF and CR LF all end a line; empty lines are skipped."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._buffer = bytearray()
        self._max = max_line
        self._skip_lf = False

    def feed(self, data: bytes) -> list[str]:
        lines: list[str] = []
        for byte in data:
            if byte in (0x0D, 0x0A):
                if byte == 0x0A and self._skip_lf:
                    self._skip_lf = False
                    continue
                self._skip_lf = byte == 0x0D
                if self._buffer:
                    lines.append(self._buffer.decode("utf-8", errors="replace"))
                    self._buffer.clear()
                continue
            self._skip_lf = False
            if len(self._buffer) >= self._max:
                log.warning("serial scanner: %d bytes without a line end, dropped", len(self._buffer))
                self._buffer.clear()
            self._buffer.append(byte)
        return lines


class SerialLineReader:
    def __init__(self, path: str, baudrate: int = 9600) -> None:
        self.path = path
        self.baudrate = baudrate
        self._fd: int | None = None
        self._splitter = LineSplitter()
        self._ready: list[str] = []
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = -1, -1

    # -- without a thread ---------------------------------------------------------------------
    def open(self) -> None:
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as exc:
            raise ScannerError(f"cannot open scanner port {self.path}: {exc.strerror}") from exc
        try:
            configure_raw(fd, self.baudrate)
        except (termios.error, ScannerError) as exc:
            os.close(fd)
            raise ScannerError(f"{self.path} is not a usable serial port: {exc}") from exc
        self._fd = fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SerialLineReader:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def readline(self, timeout: float | None = None) -> str | None:
        """The next complete line, or None if none came within `timeout` seconds."""
        if self._fd is None:
            raise ScannerError("scanner port is not open")
        while not self._ready:
            readable, _, _ = select.select([self._fd], [], [], timeout)
            if not readable:
                return None
            if not self._read_once():
                return None
        return self._ready.pop(0)

    def _read_once(self) -> bool:
        """Read what is there; False when the device went away (unplugged)."""
        assert self._fd is not None
        try:
            data = os.read(self._fd, 1024)
        except BlockingIOError:
            return True
        except OSError as exc:  # EIO after a USB scanner is unplugged
            log.error("serial scanner %s: %s", self.path, exc.strerror)
            return False
        if not data:
            return False
        self._ready.extend(self._splitter.feed(data))
        return True

    # -- with a thread ------------------------------------------------------------------------
    def start(self, on_line: Callable[[str], None]) -> None:
        """Open the port and call `on_line(line)` from a background thread for each line."""
        self.open()
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(
            target=self._loop, args=(on_line,), name="serial-scanner", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            os.write(self._wake_w, b"x")
            self._thread.join(timeout=2)
            self._thread = None
            os.close(self._wake_r)
            os.close(self._wake_w)
        self.close()

    def _loop(self, on_line: Callable[[str], None]) -> None:
        assert self._fd is not None
        while True:
            readable, _, _ = select.select([self._fd, self._wake_r], [], [])
            if self._wake_r in readable:
                return
            if not self._read_once():
                return  # unplugged: the caller sees no more lines; `stop` still cleans up
            while self._ready:
                line = self._ready.pop(0)
                try:
                    on_line(line)
                except Exception:  # a bug in the handler must not kill the reader silently
                    log.exception("serial scanner: handling a line failed")
