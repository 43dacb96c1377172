"""`EscposPrinter`: receipts on an ESC/POS thermal printer over USB, network, serial or a device file.

The slip is drawn by `raster.py` (Vietnamese needs no code page that way) and sent as `GS v 0`
raster bands; the QR is the printer's own `GS ( k` symbol when `native_qr`, else part of the image;
then feed and cut. The byte stream is built completely before the device is opened (a rendering
bug never leaves half a slip), and written in one go.

Bytes on the wire are kept small without any printer-specific compression: a run of blank rows
goes as one band a byte wide, and each inked band is cut to its ink — at the right for left-aligned
text, symmetrically and centred with `ESC a 1` for centred text. For the sample slip that is 39 KB
instead of 129 KB: 41 s instead of 2¼ minutes on a 9600-baud serial printer (bench/printing.py).

`status()` asks the printer itself (`DLE EOT`, real-time status) over connections that can read
back (USB, network, serial); a device file is write-only, so only whether it opens is known.
python-escpos's device objects open lazily on attribute access; here they are opened and closed
explicitly around each operation, and every library or OS error becomes a `PrinterError`.
"""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from devices.printer.raster import DOT_WIDTH_80MM, QrSlot, render_receipt_raster
from kiosk.ports.printer import (
    Printer,
    PrinterError,
    PrinterErrorReason,
    PrinterState,
    PrinterStatus,
    PrintJob,
)
from kiosk.receipt import Receipt

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"  # ESC @: clear the buffer and reset modes
ALIGN_LEFT, ALIGN_CENTER = ESC + b"a\x00", ESC + b"a\x01"  # ESC a n
MAX_BAND_ROWS = 256  # GS v 0 allows 2303 rows; cheap printers buffer small bands better
_BAND_HEADER = 8 + 3  # GS v 0 m xL xH yL yH, and the ESC a that precedes it
_MAX_GROUPS_PER_BAND = 24  # bounds the search: a text line has ~10 groups, a QR one per row

DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUD = 9600
STATUS_TIMEOUT_S = 3.0  # a DLE EOT answer comes within milliseconds; silence means no answer
SEND_TIMEOUT_S = 30.0  # a slow printer with a small buffer takes a slip as fast as it prints it


class ConnectionStringError(ValueError):
    """`printer.escpos_connection` does not parse; the message says what form is expected."""


@dataclass(frozen=True)
class EscposConnection:
    """Where the printer is. `kind` is usb, network, serial or file."""

    kind: str
    vendor_id: int = 0
    product_id: int = 0
    host: str = ""
    port: int = DEFAULT_NETWORK_PORT
    device: str = ""
    baudrate: int = DEFAULT_BAUD

    @property
    def can_read(self) -> bool:
        """Whether the printer can answer status queries over this connection."""
        return self.kind != "file"

    def __str__(self) -> str:
        match self.kind:
            case "usb":
                return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"
            case "network":
                host = f"[{self.host}]" if ":" in self.host else self.host
                return f"network:{host}:{self.port}"
            case "serial":
                return f"serial:{self.device}:{self.baudrate}"
        return f"file:{self.device}"


_NETWORK = re.compile(r"\[(?P<v6>[^\]]+)\](?::(?P<p6>\d+))?|(?P<host>[^:\[\]]+)(?::(?P<port>\d+))?")
_FORMS = "usb:VID:PID, network:HOST[:PORT], serial:DEVICE[:BAUD] or file:PATH"


def parse_connection(text: str) -> EscposConnection:
    """Parse "usb:04b8:0e15", "network:192.168.1.50[:9100]", "serial:/dev/ttyUSB0[:19200]",
    "file:/dev/usb/lp0". Raises `ConnectionStringError` naming the problem."""
    kind, sep, rest = text.strip().partition(":")
    kind = kind.lower()
    if not sep or not rest:
        raise ConnectionStringError(f"{text!r} is not a connection; expected {_FORMS}")
    if kind == "usb":
        parts = rest.split(":")
        if len(parts) != 2:
            raise ConnectionStringError(f"{text!r}: expected usb:VID:PID in hex, e.g. usb:04b8:0e15")
        try:
            vid, pid = (int(p.removeprefix("0x").removeprefix("0X"), 16) for p in parts)
        except ValueError:
            raise ConnectionStringError(f"{text!r}: vendor and product ids must be hex numbers") from None
        if not (0 < vid <= 0xFFFF and 0 < pid <= 0xFFFF):
            raise ConnectionStringError(f"{text!r}: vendor and product ids must be 1..ffff")
        return EscposConnection("usb", vendor_id=vid, product_id=pid)
    if kind == "network":
        match = _NETWORK.fullmatch(rest)
        if match is None:
            raise ConnectionStringError(f"{text!r}: expected network:HOST[:PORT] (IPv6 as [addr]:port)")
        host = match["v6"] or match["host"]
        port = int(match["p6"] or match["port"] or DEFAULT_NETWORK_PORT)
        if not 0 < port < 65536:
            raise ConnectionStringError(f"{text!r}: port must be 1..65535")
        return EscposConnection("network", host=host, port=port)
    if kind == "serial":
        device, baud = rest, DEFAULT_BAUD
        head, _, tail = rest.rpartition(":")
        if head and tail.isdigit():
            device, baud = head, int(tail)
        if not device or baud <= 0:
            raise ConnectionStringError(
                f"{text!r}: expected serial:DEVICE[:BAUD], e.g. serial:/dev/ttyS0:19200"
            )
        return EscposConnection("serial", device=device, baudrate=baud)
    if kind == "file":
        return EscposConnection("file", device=rest)
    raise ConnectionStringError(f"{text!r}: unknown connection type {kind!r}; expected {_FORMS}")


# --- the byte stream -------------------------------------------------------------------------------


def _le16(n: int) -> bytes:
    return bytes((n & 0xFF, n >> 8))


def _gs_v0(width_bytes: int, rows: int, data: bytes) -> bytes:
    """GS v 0 m xL xH yL yH d1..dk: raster bit image, normal density, 1 = black dot."""
    return GS + b"v0\x00" + _le16(width_bytes) + _le16(rows) + data


_INVERT = bytes(255 - i for i in range(256))


def raster_bytes(image: Image.Image) -> bytes:
    """Commands printing a mode "1" image (0 = black) at its full width, cut to the ink.

    Within each run of inked rows the split into bands is chosen to send the fewest bytes
    (a band costs its header plus width x rows); rows are grouped first by identical extent, so
    the search stays over a handful of groups per text line.
    """
    if image.mode != "1":
        raise ValueError("raster_bytes takes a mode '1' image")
    width_bytes = (image.width + 7) // 8
    raw = image.tobytes()  # packed rows, 1 = white (Pillow's mode "1")
    rows = [raw[i * width_bytes : (i + 1) * width_bytes] for i in range(image.height)]
    # (first inked byte, last inked byte + 1) per row; None for a blank row.
    extents: list[tuple[int, int] | None] = []
    for row in rows:
        right = len(row.rstrip(b"\xff"))
        extents.append(None if right == 0 else (width_bytes - len(row.lstrip(b"\xff")), right))
    out: list[bytes] = []
    start = 0
    while start < len(rows):
        end = start
        if extents[start] is None:
            while end < len(rows) and extents[end] is None and end - start < MAX_BAND_ROWS:
                end += 1
            out.append(ALIGN_LEFT + _gs_v0(1, end - start, bytes(end - start)))
        else:
            while end < len(rows) and extents[end] is not None:
                end += 1
            for a, b in _split(extents, start, end, width_bytes):
                out.append(_band(rows, extents, a, b, width_bytes))
        start = end
    return b"".join(out)


def _crop(extents: list[tuple[int, int] | None], a: int, b: int, width_bytes: int) -> tuple[int, int, bool]:
    """Byte range to send for rows a..b, and whether it is sent centred."""
    left = min(e[0] for e in extents[a:b] if e)
    right = max(e[1] for e in extents[a:b] if e)
    margin = min(left, width_bytes - right)
    if margin >= 2:  # centred ink: cut both sides equally, the printer centres it back
        return margin, width_bytes - margin, True
    return 0, right, False


def _split(
    extents: list[tuple[int, int] | None], start: int, end: int, width_bytes: int
) -> list[tuple[int, int]]:
    # Groups of consecutive rows with the same extent (none taller than a band may be), then the
    # cheapest partition of the groups into bands (dynamic programming over group boundaries).
    bounds = [start]
    for i in range(start + 1, end):
        if extents[i] != extents[i - 1] or i - bounds[-1] >= MAX_BAND_ROWS:
            bounds.append(i)
    bounds.append(end)
    n = len(bounds) - 1
    best: list[float] = [0.0] + [float("inf")] * n
    choice = [0] * (n + 1)
    for j in range(1, n + 1):
        left, right = width_bytes, 0
        for i in range(j - 1, max(-1, j - 1 - _MAX_GROUPS_PER_BAND), -1):
            rows = bounds[j] - bounds[i]
            if rows > MAX_BAND_ROWS:
                break
            e = extents[bounds[i]]
            assert e is not None
            left, right = min(left, e[0]), max(right, e[1])
            margin = min(left, width_bytes - right)
            width = width_bytes - 2 * margin if margin >= 2 else right
            cost = best[i] + _BAND_HEADER + width * rows
            if cost < best[j]:
                best[j], choice[j] = cost, i
    bands: list[tuple[int, int]] = []
    j = n
    while j > 0:
        bands.append((bounds[choice[j]], bounds[j]))
        j = choice[j]
    bands.reverse()
    return bands


def _band(
    rows: list[bytes], extents: list[tuple[int, int] | None], a: int, b: int, width_bytes: int
) -> bytes:
    lo, hi, centred = _crop(extents, a, b, width_bytes)
    data = b"".join(row[lo:hi] for row in rows[a:b]).translate(_INVERT)
    return (ALIGN_CENTER if centred else ALIGN_LEFT) + _gs_v0(hi - lo, b - a, data)


def receipt_bytes(receipt: Receipt, dot_width: int = DOT_WIDTH_80MM, *, native_qr: bool = True) -> bytes:
    """The whole ESC/POS stream for one slip: init, raster bands (+ native QR), feed, cut."""
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    out = Dummy()
    out._raw(INIT)
    for piece in render_receipt_raster(receipt, dot_width, native_qr=native_qr):
        if isinstance(piece, QrSlot):
            out._raw(ALIGN_CENTER)
            # GS ( k: model 2, module size, level M (as on the PDF), store, print.
            out.qr(piece.payload, ec=QR_ECLEVEL_M, size=piece.module_dots, native=True)
        else:
            out._raw(raster_bytes(piece))
    out._raw(ALIGN_LEFT)
    out.cut()  # feeds past the cutter, then GS V
    return out.output


# --- the printer --------------------------------------------------------------------------------------

Device = Any  # an escpos.escpos.Escpos subclass instance (untyped library)


def open_device(connection: EscposConnection, profile: str | None = None) -> Device:
    """A python-escpos device for `connection`, opened (raises the library's errors)."""
    from escpos import printer

    kwargs: dict[str, Any] = {"profile": profile} if profile else {}
    device: Device
    match connection.kind:
        case "usb":
            device = printer.Usb(
                connection.vendor_id, connection.product_id, timeout=int(SEND_TIMEOUT_S * 1000), **kwargs
            )
        case "network":
            device = printer.Network(connection.host, connection.port, timeout=STATUS_TIMEOUT_S, **kwargs)
        case "serial":
            device = printer.Serial(
                connection.device, baudrate=connection.baudrate, timeout=STATUS_TIMEOUT_S, **kwargs
            )
        case _:
            device = printer.File(connection.device, **kwargs)
    device.open(raise_not_found=True)
    if connection.kind == "usb":
        endpoints = bulk_endpoints(device.device)
        if endpoints is not None:  # python-escpos assumes Epson's 0x82/0x01; clones differ
            device.in_ep, device.out_ep = endpoints  # in_ep None: the printer cannot answer
    return device


def bulk_endpoints(usb_device: Any) -> tuple[int | None, int] | None:
    """(IN, OUT) bulk endpoint addresses of the first interface of the active configuration
    (USB 2.0 §9.6.6: bit 7 of bEndpointAddress is the direction, bmAttributes & 3 == 2 bulk).
    None if there is no bulk OUT endpoint or the descriptors cannot be read."""
    try:
        interface = usb_device.get_active_configuration()[(0, 0)]
        endpoints = [(e.bEndpointAddress, e.bmAttributes) for e in interface]
    except Exception:  # no access to descriptors: keep python-escpos' defaults
        return None
    bulk = [address for address, attributes in endpoints if attributes & 0x03 == 0x02]
    out = [a for a in bulk if not a & 0x80]
    into = [a for a in bulk if a & 0x80]
    if not out:
        return None
    return (into[0] if into else None), out[0]


def _set_timeout(device: Device, seconds: float) -> None:
    """Network printers: a short timeout for status replies, a long one while a slip streams in
    (since Python 3.5 the socket timeout bounds a whole `sendall`)."""
    handle = getattr(device, "_device", None)
    if isinstance(handle, socket.socket):
        handle.settimeout(seconds)


def _map_error(exc: BaseException, connection: EscposConnection, doing: str) -> PrinterError:
    name = type(exc).__name__
    if connection.kind == "file" and isinstance(exc, OSError | _device_not_found()):
        return PrinterError(PrinterErrorReason.NOT_WRITABLE, f"{doing} {connection}: {exc}")
    if "Timeout" in name or isinstance(exc, TimeoutError):
        return PrinterError(PrinterErrorReason.TIMEOUT, f"{doing} {connection}: no answer ({exc})")
    offline = isinstance(exc, OSError | _device_not_found()) or name in {
        "USBError",
        "SerialException",
        "USBNotFoundError",
    }
    reason = PrinterErrorReason.OFFLINE if offline else PrinterErrorReason.FAILED
    return PrinterError(reason, f"{doing} {connection}: {name}: {exc}")


def _device_not_found() -> type[BaseException]:
    from escpos.exceptions import DeviceNotFoundError

    return DeviceNotFoundError


class EscposPrinter(Printer):
    def __init__(
        self,
        connection: EscposConnection,
        *,
        dot_width: int = DOT_WIDTH_80MM,
        native_qr: bool = True,
        profile: str | None = None,
        opener: Callable[[EscposConnection], Device] | None = None,
    ) -> None:
        self.connection = connection
        self.dot_width = dot_width
        self.native_qr = native_qr
        self.profile = profile
        # Injectable for tests (a python-escpos Dummy); the default opens the real device.
        self._open: Callable[[EscposConnection], Device] = opener or (lambda c: open_device(c, self.profile))

    def describe(self) -> str:
        qr = "native QR" if self.native_qr else "QR as image"
        return f"ESC/POS printer at {self.connection}, {self.dot_width} dots, {qr}"

    def status(self) -> PrinterStatus:
        if not self.connection.can_read:
            return self._probe_file()
        try:
            device = self._open(self.connection)
        except Exception as exc:
            error = _map_error(exc, self.connection, "opening")
            unwritable = error.reason is PrinterErrorReason.NOT_WRITABLE
            state = PrinterState.ERROR if unwritable else PrinterState.OFFLINE
            return PrinterStatus(state, error.detail)
        try:
            return self._ask(device)
        except PrinterError as exc:
            return PrinterStatus(PrinterState.OFFLINE, exc.detail)
        finally:
            _close(device)

    def _probe_file(self) -> PrinterStatus:
        # Opened for appending, not through python-escpos' File ("wb" would empty a regular file).
        try:
            with open(self.connection.device, "ab"):
                pass
        except OSError as exc:
            return PrinterStatus(PrinterState.ERROR, f"{self.connection}: {exc.strerror or exc}")
        return PrinterStatus(PrinterState.READY, f"{self.connection} opens (write-only: no paper status)")

    def _ask(self, device: Device) -> PrinterStatus:
        """DLE EOT 1 (online) then DLE EOT 4 (paper sensor), where the connection reads back."""
        if not self.connection.can_read:
            return PrinterStatus(PrinterState.READY, f"{self.connection} opens (write-only: no paper status)")
        from escpos.constants import RT_MASK_ONLINE, RT_STATUS_ONLINE

        if self.connection.kind == "usb" and getattr(device, "in_ep", 0) is None:
            return PrinterStatus(PrinterState.READY, f"{self.connection}: no IN endpoint, no status")
        try:
            reply = device.query_status(RT_STATUS_ONLINE)
            if not reply:
                # Some clones never answer DLE EOT: printing works, the status is unknown.
                return PrinterStatus(
                    PrinterState.READY, f"{self.connection}: no status reply, assuming ready"
                )
            online = not reply[0] & RT_MASK_ONLINE  # as python-escpos' is_online(), reply reused
            paper = device.paper_status()
        except NotImplementedError:
            return PrinterStatus(PrinterState.READY, f"{self.connection}: printer gives no status")
        except Exception as exc:
            if "Timeout" in type(exc).__name__ or isinstance(exc, TimeoutError):
                return PrinterStatus(
                    PrinterState.READY, f"{self.connection}: no status reply, assuming ready"
                )
            raise _map_error(exc, self.connection, "asking") from exc
        if paper == 0:
            return PrinterStatus(PrinterState.PAPER_OUT, f"{self.connection}: paper end sensor")
        if not online:
            return PrinterStatus(PrinterState.OFFLINE, f"{self.connection}: printer offline (cover open?)")
        note = "paper near end" if paper == 1 else "paper ok"
        return PrinterStatus(PrinterState.READY, f"{self.connection}: online, {note}")

    def print_receipt(self, receipt: Receipt) -> PrintJob:
        try:
            data = receipt_bytes(receipt, self.dot_width, native_qr=self.native_qr)
        except Exception as exc:  # a layout bug must still reach the UI as "could not print"
            raise PrinterError(PrinterErrorReason.FAILED, f"rendering failed: {exc!r}") from exc
        return self.send(data)

    def send(self, data: bytes) -> PrintJob:
        try:
            device = self._open(self.connection)
        except Exception as exc:
            raise _map_error(exc, self.connection, "opening") from exc
        try:
            before = self._ask(device)
            if not before.ready:
                raise PrinterError.from_status(before)
            try:
                _set_timeout(device, SEND_TIMEOUT_S)
                device._raw(data)
                _set_timeout(device, STATUS_TIMEOUT_S)
            except Exception as exc:
                raise _map_error(exc, self.connection, "sending to") from exc
            after = self._ask(device)  # paper can run out during this very slip
            if after.state is PrinterState.PAPER_OUT:
                raise PrinterError(PrinterErrorReason.PAPER_OUT, f"ran out during the slip: {after.message}")
        finally:
            _close(device)
        return PrintJob(completed=True)


def _close(device: Device) -> None:
    with contextlib.suppress(Exception):  # closing a device that vanished: nothing more to do
        device.close()
