"""Time `render_receipt_pdf`: median of 200 renders after warm-up, beside the one-off setup cost.

Run from the repository root:  .venv/bin/python bench/receipt_render.py [--write-sample out.pdf]
Target: median ≤ 20 ms. Setup is measured in this same fresh process: importing reportlab and
qrcode, registering the fonts, and the first render (which fills reportlab's glyph caches).
The QR encode alone is timed too, since it is the largest single part of a render.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

from timing import RUNS, TARGET_MS, timings  # bench/ is on sys.path when run as a script


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-sample", type=Path, help="also write the sample receipt PDF here")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

    t0 = time.perf_counter()
    receipt_pdf = importlib.import_module("devices.printer.receipt_pdf")
    sample = importlib.import_module("devices.printer.sample")
    t1 = time.perf_counter()
    receipt_pdf.register_fonts()
    t2 = time.perf_counter()
    receipt = sample.sample_receipt()
    pdf = receipt_pdf.render_receipt_pdf(receipt)
    t3 = time.perf_counter()
    if args.write_sample:
        args.write_sample.write_bytes(pdf)

    render = timings(lambda: receipt_pdf.render_receipt_pdf(receipt))
    qr = timings(lambda: receipt_pdf.qr_png(receipt.qr_payload))
    median = statistics.median(render)

    accel = importlib.util.find_spec("_rl_accel") is not None
    print(
        f"setup (once): import {1000 * (t1 - t0):.0f} ms, fonts {1000 * (t2 - t1):.0f} ms, "
        f"first render {1000 * (t3 - t2):.1f} ms"
    )
    print(
        f"render_receipt_pdf: median {median:.2f} ms (p90 {render[int(0.9 * RUNS)]:.2f}, "
        f"max {render[-1]:.2f}) over {RUNS} runs; {len(pdf) / 1024:.0f} KiB PDF"
    )
    print(f"  of which QR encode + PNG: median {statistics.median(qr):.2f} ms")
    print(f"  reportlab C accelerator (rl_accel): {'yes' if accel else 'no'}")
    verdict = "ok" if median <= TARGET_MS else "MISSED"
    print(f"target median ≤ {TARGET_MS:.0f} ms: {verdict}")
    return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
