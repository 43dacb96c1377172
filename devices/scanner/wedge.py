"""Telling a keyboard-wedge scanner from a person at a keyboard, by timing alone.

A wedge scanner "types" its whole line in one burst — a few milliseconds between keys — and
usually ends it with Enter. A person needs 80–300 ms between keys; even a fast typist's rolled
keys rarely come closer than 30 ms for more than two or three keys in a row. So a run of at least
`min_length` characters with every gap ≤ `max_gap` is a scan; anything else is typing.

The detector holds characters while it cannot yet tell (a run still short, or a gap not yet over)
and says, at each event, what is now known:

- `WedgeVerdict.scan`: a complete scanned line — hand it to `parse_scan`, do not type it;
- `WedgeVerdict.typed`: characters a person typed — deliver them as ordinary key presses;
- `WedgeVerdict.pass_enter`: the Enter just fed was a person's — deliver it too.

A run of ≥ `min_length` fast characters that is not followed by Enter within `end_wait` is also
a scan (scanners configured without a suffix). Call `idle(now)` when nothing has arrived since
`deadline`, so held characters are never stuck. Times are seconds from any monotonic clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WedgeVerdict:
    scan: str | None = None
    typed: str = ""
    pass_enter: bool = False

    def __bool__(self) -> bool:
        return self.scan is not None or bool(self.typed) or self.pass_enter

    def merged(self, later: WedgeVerdict) -> WedgeVerdict:
        if self.scan is not None and later.scan is not None:
            raise ValueError("two scans in one verdict")  # cannot happen: a scan ends the run
        return WedgeVerdict(
            self.scan if self.scan is not None else later.scan,
            self.typed + later.typed,
            self.pass_enter or later.pass_enter,
        )


NOTHING = WedgeVerdict()


class WedgeDetector:
    def __init__(self, *, min_length: int = 8, max_gap: float = 0.030, end_wait: float = 0.150) -> None:
        if min_length < 2 or max_gap <= 0 or end_wait < max_gap:
            raise ValueError("need min_length ≥ 2, max_gap > 0 and end_wait ≥ max_gap")
        self.min_length = min_length
        self.max_gap = max_gap
        self.end_wait = end_wait
        self._chars: list[str] = []
        self._last = 0.0

    @property
    def pending(self) -> str:
        """Characters held, not yet known to be a scan or typing."""
        return "".join(self._chars)

    @property
    def deadline(self) -> float | None:
        """When `idle` should next be called (None: nothing held)."""
        if not self._chars:
            return None
        return self._last + (self.end_wait if self._is_long() else self.max_gap)

    def _is_long(self) -> bool:
        return len(self._chars) >= self.min_length

    def _end_run(self) -> WedgeVerdict:
        text, long_run = "".join(self._chars), self._is_long()
        self._chars.clear()
        if not text:
            return NOTHING
        return WedgeVerdict(scan=text) if long_run else WedgeVerdict(typed=text)

    def key(self, char: str, t: float) -> WedgeVerdict:
        """A printable character arrived at time `t`."""
        verdict = NOTHING
        if self._chars and t - self._last > self.max_gap:
            verdict = self._end_run()  # the pause ended the previous run
        self._chars.append(char)
        self._last = t
        return verdict

    def enter(self, t: float) -> WedgeVerdict:
        """Enter (or Return) arrived at time `t`."""
        if self._is_long() and t - self._last <= self.end_wait:
            return self._end_run()
        return self._end_run().merged(WedgeVerdict(pass_enter=True))

    def idle(self, t: float) -> WedgeVerdict:
        """Nothing arrived until `t`: release a run whose time is over."""
        deadline = self.deadline
        if deadline is None or t < deadline:
            return NOTHING
        return self._end_run()

    def reset(self) -> str:
        """Forget everything held (a screen change); returns what was dropped."""
        dropped = self.pending
        self._chars.clear()
        return dropped
