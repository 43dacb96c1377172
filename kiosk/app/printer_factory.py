"""`make_printer(config)`: the one place that turns `printer.*` keys into a `Printer`.

Backends are imported only when chosen (pycups and python-escpos are optional at run time: a
station with an office printer needs no USB stack). A connection string that does not parse stops
start-up with a `ConfigError` naming the key, as every other bad setting does.
"""

from __future__ import annotations

from kiosk.config import Config, ConfigError
from kiosk.ports.printer import Printer

BACKENDS = ("pdf", "cups", "escpos")


def make_printer(config: Config, backend: str | None = None) -> Printer:
    """The configured receipt printer; `backend` overrides `printer.backend` (`kiosk print test`)."""
    name = backend or config.printer.backend
    if name == "pdf":
        from devices.printer.pdf import PdfPrinter

        return PdfPrinter(config.receipts_dir)
    if name == "cups":
        from devices.printer.cups import CupsPrinter

        return CupsPrinter(config.printer.cups_queue)
    if name == "escpos":
        from devices.printer.escpos import ConnectionStringError, EscposPrinter, parse_connection

        text = config.printer.escpos_connection
        if not text.strip():
            raise ConfigError(
                "'printer.escpos_connection' is empty: the escpos backend needs usb:VID:PID, "
                "network:HOST[:PORT], serial:DEVICE[:BAUD] or file:PATH"
            )
        try:
            connection = parse_connection(text)
        except ConnectionStringError as exc:
            raise ConfigError(f"'printer.escpos_connection': {exc}") from None
        return EscposPrinter(
            connection, dot_width=config.printer.dot_width, native_qr=config.printer.native_qr
        )
    raise ConfigError(f"'printer.backend' must be one of {', '.join(BACKENDS)}; got {name!r}")
