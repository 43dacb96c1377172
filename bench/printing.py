"""Thermal receipt: raster render time and bytes on the wire, beside the PDF render, 80 mm sample.

Run from the repository root:  .venv/bin/python bench/printing.py [--dot-width 576] [--write-png out.png]
Target: raster render (native QR, as stations are configured by default) median ≤ 20 ms.
Measured in one fresh process: the one-off setup (imports, first render filling the font and
glyph caches), then medians of 200 runs after 10 warm-ups of
  - render_receipt_raster (native QR: two images and a QR slot; image QR: one image),
  - receipt_bytes: render + ESC/POS encoding, i.e. everything before the device write,
  - render_receipt_pdf (the cups/pdf backends' render), for comparison;
and the byte counts, with the time they take on a 9600 and a 115200 baud serial line.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

from timing import TARGET_MS, timings  # bench/ is on sys.path when run as a script


def line(name: str, values: list[float]) -> str:
    p90 = values[int(0.9 * len(values))]
    return f"{name:<44} median {statistics.median(values):6.2f} ms  p90 {p90:6.2f} ms"


def serial_seconds(n_bytes: int, baud: int) -> float:
    return n_bytes * 10 / baud  # 8N1: 10 bits a byte


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot-width", type=int, default=576, help="576 (80 mm), 512, 384 (58 mm)")
    parser.add_argument("--write-png", type=Path, help="also write the image-QR raster here")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

    t0 = time.perf_counter()
    raster = importlib.import_module("devices.printer.raster")
    escpos = importlib.import_module("devices.printer.escpos")
    sample = importlib.import_module("devices.printer.sample")
    t1 = time.perf_counter()
    receipt = sample.sample_receipt()
    raster.render_receipt_raster(receipt, args.dot_width, native_qr=True)
    t2 = time.perf_counter()
    native = escpos.receipt_bytes(receipt, args.dot_width, native_qr=True)
    image_qr = escpos.receipt_bytes(receipt, args.dot_width, native_qr=False)
    full = raster.render_receipt_image(receipt, args.dot_width)
    if args.write_png:
        full.save(args.write_png)

    width = args.dot_width
    render_native = timings(lambda: raster.render_receipt_raster(receipt, width, native_qr=True))
    render_image = timings(lambda: raster.render_receipt_raster(receipt, width, native_qr=False))
    bytes_native = timings(lambda: escpos.receipt_bytes(receipt, width, native_qr=True))
    bytes_image = timings(lambda: escpos.receipt_bytes(receipt, width, native_qr=False))
    t3 = time.perf_counter()
    receipt_pdf = importlib.import_module("devices.printer.receipt_pdf")
    pdf = receipt_pdf.render_receipt_pdf(receipt)
    t4 = time.perf_counter()
    render_pdf = timings(lambda: receipt_pdf.render_receipt_pdf(receipt))

    print(
        f"setup (once): import raster+escpos {1000 * (t1 - t0):.0f} ms, first raster render "
        f"{1000 * (t2 - t1):.1f} ms; import reportlab + first PDF {1000 * (t4 - t3):.0f} ms"
    )
    print(f"sample receipt at {width} dots: raster {full.width} x {full.height} (image QR)")
    print(line("raster render, native QR", render_native))
    print(line("raster render, QR as image", render_image))
    print(line("render + ESC/POS bytes, native QR", bytes_native))
    print(line("render + ESC/POS bytes, QR as image", bytes_image))
    print(line("PDF render (reportlab, for the cups backend)", render_pdf))
    full_raster = (width + 7) // 8 * full.height
    for name, data in (("native QR", native), ("QR as image", image_qr)):
        print(
            f"bytes sent, {name:<12} {len(data):6d} B ({len(data) / 1024:.1f} KiB); "
            f"serial 9600 baud {serial_seconds(len(data), 9600):4.1f} s, "
            f"115200 baud {serial_seconds(len(data), 115200):4.2f} s"
        )
    print(f"for comparison: the whole image uncut {full_raster} B; the PDF {len(pdf)} B")
    median = statistics.median(render_native)
    verdict = "ok" if median <= TARGET_MS else "MISSED"
    print(f"target raster render median ≤ {TARGET_MS:.0f} ms: {verdict}")
    return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
