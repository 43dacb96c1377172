"""What the render benchmarks share: warm up, then time a call many times (sorted, in ms)."""

from __future__ import annotations

import time
from collections.abc import Callable

RUNS = 200
WARM_UP = 10
TARGET_MS = 20.0  # the render target both receipt benchmarks measure against


def timings(fn: Callable[[], object], runs: int = RUNS) -> list[float]:
    for _ in range(WARM_UP):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)
