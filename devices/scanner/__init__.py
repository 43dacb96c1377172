"""QR and barcode scanners: keyboard-wedge bursts (`WedgeDetector`) and what a scanned line is (`parse_scan`).

Qt-free. A keyboard-wedge scanner types its line as fast keystrokes ending in Enter; the UI feeds
key events to a `WedgeDetector`, which tells a scanner burst from a person typing. A serial
scanner (`SerialLineReader`) delivers the same lines. Either way, `parse_scan` classifies the line.
"""

from devices.scanner.parse import IdCardQr, ScanKind, ScanResult, parse_scan
from devices.scanner.serial import ScannerError, SerialLineReader
from devices.scanner.wedge import WedgeDetector, WedgeVerdict

__all__ = [
    "IdCardQr",
    "ScanKind",
    "ScanResult",
    "ScannerError",
    "SerialLineReader",
    "WedgeDetector",
    "WedgeVerdict",
    "parse_scan",
]
