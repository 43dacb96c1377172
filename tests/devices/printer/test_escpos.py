"""ESC/POS backend: the byte stream decoded back (raster, native QR, cut), status, connections.

The decoder below is written from the ESC/POS command reference, independently of the encoder:
it knows only the commands a receipt may contain and fails on anything else.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy
from PIL import Image, ImageChops

from devices.printer.escpos import (
    ConnectionStringError,
    EscposConnection,
    EscposPrinter,
    bulk_endpoints,
    parse_connection,
    raster_bytes,
    receipt_bytes,
)
from devices.printer.raster import QrSlot, render_receipt_image, render_receipt_raster
from devices.printer.sample import sample_receipt
from kiosk.app.printer_factory import make_printer
from kiosk.config import Config, ConfigError, load_config
from kiosk.ports.printer import PrinterError, PrinterErrorReason, PrinterState

MAX_NATIVE_QR_BYTES = 40_000


@dataclasses.dataclass
class Decoded:
    image: Image.Image  # every raster band stacked, mode "1", 0 = black
    qr_payloads: list[bytes]
    qr_module_sizes: list[int]
    qr_rows: list[int]  # image row at which each native QR was printed
    cuts: int
    inits: int


def decode(stream: bytes, dot_width: int) -> Decoded:
    """Replay an ESC/POS stream onto a 1-bit page `dot_width` dots wide."""
    rows: list[bytes] = []
    width_bytes = dot_width // 8
    align = 0
    qr_store: bytes | None = None
    result = Decoded(Image.new("1", (1, 1)), [], [], [], 0, 0)
    i = 0
    while i < len(stream):
        if stream.startswith(b"\x1b@", i):  # ESC @ initialise
            result.inits += 1
            i += 2
        elif stream.startswith(b"\x1ba", i):  # ESC a n justification
            align = stream[i + 2]
            assert align in (0, 1, 48, 49), align
            align %= 48
            i += 3
        elif stream.startswith(b"\x1bd", i):  # ESC d n: print and feed n lines (paper, no image)
            i += 3
        elif stream.startswith(b"\x1dv0", i):  # GS v 0 m xL xH yL yH data
            m = stream[i + 3]
            assert m == 0, "normal density expected"
            xb = stream[i + 4] | stream[i + 5] << 8
            y = stream[i + 6] | stream[i + 7] << 8
            data = stream[i + 8 : i + 8 + xb * y]
            assert len(data) == xb * y, "truncated raster band"
            assert xb <= width_bytes, f"band {xb} bytes wider than the paper"
            pad = (width_bytes - xb) // 2 if align == 1 else 0
            for r in range(y):
                row = bytes(pad) + data[r * xb : (r + 1) * xb]
                rows.append(row + bytes(width_bytes - len(row)))
            i += 8 + xb * y
        elif stream.startswith(b"\x1d(k", i):  # GS ( k pL pH cn fn [parameters]
            length = stream[i + 3] | stream[i + 4] << 8
            cn, fn, params = stream[i + 5], stream[i + 6], stream[i + 7 : i + 5 + length]
            assert cn == 49, "QR code (cn 49)"
            if fn == 67:  # module size
                result.qr_module_sizes.append(params[0])
            elif fn == 80:  # store data: m = 48, then the bytes
                assert params[0] == 48
                qr_store = params[1:]
            elif fn == 81:  # print the stored symbol
                assert qr_store is not None, "QR printed before data was stored"
                result.qr_payloads.append(qr_store)
                result.qr_rows.append(len(rows))
            i += 5 + length
        elif stream.startswith(b"\x1dV", i):  # GS V m [n] cut
            result.cuts += 1
            i += 3 if stream[i + 2] in (0, 1, 48, 49) else 4
        else:
            raise AssertionError(f"unexpected byte {stream[i]:#04x} at {i}: {stream[i : i + 8]!r}")
    raw = b"".join(rows)
    inverted = bytes(255 - b for b in raw)  # ESC/POS 1 = black; Pillow mode "1" 1 = white
    result.image = Image.frombytes("1", (dot_width, len(rows)), inverted)
    return result


def stack(images: list[Image.Image]) -> Image.Image:
    out = Image.new("1", (images[0].width, sum(im.height for im in images)), 1)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.height
    return out


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def zbar(path: Path) -> str:
    exe = shutil.which("zbarimg")
    assert exe, "zbarimg (Debian zbar-tools) is needed"
    out = subprocess.run([exe, "--raw", "-q", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


# --- the byte stream -------------------------------------------------------------------------------


def test_native_qr_stream_decodes_to_the_raster_and_the_payload(tmp_path: Path) -> None:
    receipt = sample_receipt()
    stream = receipt_bytes(receipt, 576, native_qr=True)
    assert stream.startswith(b"\x1b@")
    assert b"\x1dv0" in stream
    assert stream.endswith(b"\x1dV\x00")
    assert len(stream) <= MAX_NATIVE_QR_BYTES, len(stream)

    decoded = decode(stream, 576)
    assert (decoded.inits, decoded.cuts) == (1, 1)
    assert decoded.qr_payloads == [receipt.qr_payload.encode()]
    # About 34 mm at 8 dots/mm for this payload's symbol (version 4: 33 modules).
    assert decoded.qr_module_sizes == [9]  # 38 mm × 8 dots // 33 modules (version 4)
    pieces = render_receipt_raster(receipt, 576, native_qr=True)
    images = [p for p in pieces if isinstance(p, Image.Image)]
    assert same_pixels(decoded.image, stack(images))
    assert decoded.qr_rows == [images[0].height]  # the QR sits between the two raster parts
    decoded.image.save(tmp_path / "native.png")


def test_image_qr_stream_decodes_and_the_qr_scans(tmp_path: Path) -> None:
    receipt = sample_receipt()
    stream = receipt_bytes(receipt, 576, native_qr=False)
    decoded = decode(stream, 576)
    assert decoded.qr_payloads == []
    assert same_pixels(decoded.image, render_receipt_image(receipt, 576))
    png = tmp_path / "decoded.png"
    decoded.image.save(png)
    assert zbar(png) == receipt.qr_payload


@pytest.mark.parametrize("dot_width", [576, 512, 384])
def test_every_width_round_trips(dot_width: int) -> None:
    receipt = dataclasses.replace(sample_receipt(), qr_payload="https://example.vn/?ma=ABCDE-12345")
    decoded = decode(receipt_bytes(receipt, dot_width, native_qr=False), dot_width)
    assert same_pixels(decoded.image, render_receipt_image(receipt, dot_width))


def test_raster_cuts_bands_to_the_ink() -> None:
    # A left-aligned mark, a centred mark and blank rows between: far fewer bytes than the full
    # image, and decoded back to the same pixels.
    image = Image.new("1", (576, 300), 1)
    image.paste(0, (8, 10, 40, 30))  # left: 5 bytes wide from byte 1
    image.paste(0, (270, 200, 306, 220))  # centred within 576 dots
    data = raster_bytes(image)
    assert len(data) < 576 // 8 * 300 // 10
    assert same_pixels(decode(data, 576).image, image)


def test_tall_ink_is_split_into_bands() -> None:
    image = Image.new("1", (576, 700), 0)  # all black: one run of 700 inked rows
    data = raster_bytes(image)
    assert data.count(b"\x1dv0") >= 3  # at most 256 rows per GS v 0
    assert same_pixels(decode(data, 576).image, image)


# --- the printer (python-escpos Dummy in place of the device) --------------------------------------


class StatusDummy(Dummy):
    """A Dummy that answers DLE EOT like a printer: `online` for n=1, `paper` for n=4."""

    def __init__(self, online: bytes = b"\x12", paper: bytes = b"\x12") -> None:
        super().__init__()
        self.replies = {b"\x10\x04\x01": online, b"\x10\x04\x04": paper}
        self.last = b""
        self.opened = self.closed = 0

    def _raw(self, msg: bytes) -> None:
        self.last = msg
        if msg not in self.replies:
            super()._raw(msg)

    def _read(self) -> bytes:
        return self.replies.get(self.last, b"")

    def close(self) -> None:
        self.closed += 1


def printer_with(device: Dummy, kind: str = "network", native_qr: bool = True) -> EscposPrinter:
    return EscposPrinter(EscposConnection(kind, host="printer"), native_qr=native_qr, opener=lambda c: device)


def test_print_sends_the_stream_and_closes() -> None:
    device = StatusDummy()
    job = printer_with(device).print_receipt(sample_receipt())
    assert job.completed
    assert device.output == receipt_bytes(sample_receipt(), 576, native_qr=True)
    assert device.closed == 1


def test_status_asks_the_printer() -> None:
    assert printer_with(StatusDummy()).status().state is PrinterState.READY
    low = printer_with(StatusDummy(paper=b"\x1e")).status()
    assert low.state is PrinterState.READY and "near end" in low.message
    assert printer_with(StatusDummy(paper=b"\x72")).status().state is PrinterState.PAPER_OUT
    assert printer_with(StatusDummy(online=b"\x1a")).status().state is PrinterState.OFFLINE
    silent = printer_with(StatusDummy(online=b"")).status()  # a clone that never answers
    assert silent.state is PrinterState.READY and "no status reply" in silent.message


def test_paper_out_refuses_before_sending_anything() -> None:
    device = StatusDummy(paper=b"\x72")
    with pytest.raises(PrinterError) as caught:
        printer_with(device).print_receipt(sample_receipt())
    assert caught.value.reason is PrinterErrorReason.PAPER_OUT
    assert b"\x1dv0" not in device.output
    assert device.closed == 1


def test_unreachable_printer_is_offline_not_a_library_error() -> None:
    def unplugged(_c: EscposConnection) -> Dummy:
        raise DeviceNotFoundError("Unable to open USB printer on (1208, 3605)")

    printer = EscposPrinter(parse_connection("usb:04b8:0e15"), opener=unplugged)
    assert printer.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(sample_receipt())
    assert caught.value.reason is PrinterErrorReason.OFFLINE
    assert "04b8:0e15" in caught.value.detail


def test_file_connection_writes_the_stream_and_status_keeps_the_file(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    printer = EscposPrinter(parse_connection(f"file:{out}"), native_qr=False)
    printer.print_receipt(sample_receipt())
    written = out.read_bytes()
    assert written == receipt_bytes(sample_receipt(), 576, native_qr=False)
    assert printer.status().state is PrinterState.READY
    assert out.read_bytes() == written  # asking must not empty the file
    missing = EscposPrinter(parse_connection(f"file:{tmp_path}/no/such/dir/lp0"))
    assert missing.status().state is PrinterState.ERROR
    with pytest.raises(PrinterError) as caught:
        missing.print_receipt(sample_receipt())
    assert caught.value.reason is PrinterErrorReason.NOT_WRITABLE


@pytest.fixture
def network_printer() -> Iterator[tuple[int, list[bytes], dict[bytes, bytes]]]:
    """A TCP 'printer' on 127.0.0.1: collects bytes and answers DLE EOT 1/4."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    received: list[bytes] = []
    replies = {b"\x10\x04\x01": b"\x12", b"\x10\x04\x04": b"\x12"}

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                buffer = b""
                while chunk := conn.recv(65536):
                    buffer += chunk
                    for query, reply in replies.items():
                        if buffer.endswith(query):
                            buffer = buffer[: -len(query)]
                            conn.sendall(reply)
                received.append(buffer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received, replies
    server.close()
    thread.join(timeout=5)


def test_network_printer_end_to_end(network_printer: tuple[int, list[bytes], dict[bytes, bytes]]) -> None:
    port, received, replies = network_printer
    printer = EscposPrinter(parse_connection(f"network:127.0.0.1:{port}"))
    assert printer.status().state is PrinterState.READY
    printer.print_receipt(sample_receipt())
    replies[b"\x10\x04\x04"] = b"\x72"
    assert printer.status().state is PrinterState.PAPER_OUT
    assert received[1] == receipt_bytes(sample_receipt(), 576, native_qr=True)


def test_network_printer_refusing_connections_is_offline() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    printer = EscposPrinter(parse_connection(f"network:127.0.0.1:{port}"))
    assert printer.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(sample_receipt())
    assert caught.value.reason is PrinterErrorReason.OFFLINE


# --- connection strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("usb:04b8:0e15", EscposConnection("usb", vendor_id=0x04B8, product_id=0x0E15)),
        ("usb:0x0416:0x5011", EscposConnection("usb", vendor_id=0x0416, product_id=0x5011)),
        ("network:192.168.1.50", EscposConnection("network", host="192.168.1.50", port=9100)),
        ("network:printer.local:9101", EscposConnection("network", host="printer.local", port=9101)),
        ("network:[fe80::1]:9100", EscposConnection("network", host="fe80::1", port=9100)),
        ("serial:/dev/ttyUSB0", EscposConnection("serial", device="/dev/ttyUSB0", baudrate=9600)),
        ("serial:/dev/ttyS0:19200", EscposConnection("serial", device="/dev/ttyS0", baudrate=19200)),
        ("file:/dev/usb/lp0", EscposConnection("file", device="/dev/usb/lp0")),
    ],
)
def test_connection_strings(text: str, expected: EscposConnection) -> None:
    assert parse_connection(text) == expected
    assert parse_connection(str(expected)) == expected  # str() gives a string that parses back


@pytest.mark.parametrize(
    "text", ["", "usb", "usb:04b8", "usb:xyz:0e15", "usb:0:0", "network:", "network:a:b", "lpt:1", "/dev/lp0"]
)
def test_bad_connection_strings(text: str) -> None:
    with pytest.raises(ConnectionStringError):
        parse_connection(text)


def test_factory_names_the_key_for_a_bad_connection(tmp_path: Path) -> None:
    def config(connection: str) -> Config:
        return load_config(
            environ={}, overrides={"printer.backend": "escpos", "printer.escpos_connection": connection}
        )

    with pytest.raises(ConfigError, match=r"printer\.escpos_connection"):
        make_printer(config("usb:04b8"))
    with pytest.raises(ConfigError, match=r"printer\.escpos_connection"):
        make_printer(config(""))
    printer = make_printer(config("network:10.0.0.9"))
    assert isinstance(printer, EscposPrinter) and printer.connection.port == 9100


def test_factory_builds_every_backend(tmp_path: Path) -> None:
    from devices.printer.cups import CupsPrinter
    from devices.printer.pdf import PdfPrinter

    base = {"paths.data_dir": str(tmp_path), "printer.cups_queue": "Kiosk", "printer.dot_width": 384}
    assert isinstance(make_printer(load_config(environ={}, overrides=base)), PdfPrinter)
    cups = make_printer(load_config(environ={}, overrides=base | {"printer.backend": "cups"}))
    assert isinstance(cups, CupsPrinter) and cups.queue == "Kiosk"
    escpos = make_printer(
        load_config(environ={}, overrides=base | {"printer.escpos_connection": "file:/dev/usb/lp0"}),
        backend="escpos",
    )
    assert isinstance(escpos, EscposPrinter) and escpos.dot_width == 384 and escpos.native_qr


def test_qr_slot_only_with_native_qr() -> None:
    assert any(isinstance(p, QrSlot) for p in render_receipt_raster(sample_receipt(), native_qr=True))
    assert not any(isinstance(p, QrSlot) for p in render_receipt_raster(sample_receipt(), native_qr=False))


class FakeUsbDevice:
    """Just enough of a pyusb Device for `bulk_endpoints`: one configuration, interface (0, 0)."""

    def __init__(self, endpoints: list[tuple[int, int]]) -> None:
        self.endpoints = [SimpleNamespace(bEndpointAddress=a, bmAttributes=t) for a, t in endpoints]

    def get_active_configuration(self) -> dict[tuple[int, int], list[SimpleNamespace]]:
        return {(0, 0): self.endpoints}


def test_usb_bulk_endpoints_are_found() -> None:
    # Epson: IN 0x82, OUT 0x01. A common clone: interrupt IN 0x83 first, bulk OUT 0x03, bulk IN 0x81.
    assert bulk_endpoints(FakeUsbDevice([(0x82, 2), (0x01, 2)])) == (0x82, 0x01)
    assert bulk_endpoints(FakeUsbDevice([(0x83, 3), (0x03, 2), (0x81, 2)])) == (0x81, 0x03)
    assert bulk_endpoints(FakeUsbDevice([(0x02, 2)])) == (None, 0x02)  # write-only printer
    assert bulk_endpoints(FakeUsbDevice([(0x81, 2)])) is None  # nothing to write to: keep defaults
    assert bulk_endpoints(object()) is None


def test_usb_printer_without_in_endpoint_is_not_asked() -> None:
    device = StatusDummy(online=b"\x1a")  # would say offline if asked
    device.in_ep = None
    printer = EscposPrinter(parse_connection("usb:0416:5011"), opener=lambda c: device)
    status = printer.status()
    assert status.state is PrinterState.READY and "no status" in status.message
