"""QR and barcode scanners: keyboard-wedge bursts (`wedge.WedgeDetector`) and a serial line reader
(`serial.SerialLineReader`). Qt-free. What a scanned line means is the core's business
(`kiosk.scan.parse_scan`).
"""
