"""Whether this station can serve citizens: the result of the health checks, and what it stops.

`kiosk doctor` prints every `Check`; the kiosk runs the checks that decide service at start and
every few minutes (`kiosk.app.health`) and hands the `Health` to the journey, which refuses to
start a service while storage or keys are unusable and brings the invitation back by itself
when the next pass finds them fixed. The checks themselves touch the database and key files, so
they live in the outer ring; this module only says what their results mean.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Capability(enum.Enum):
    SUBMIT = "submit"  # take a new application: storage writable and readable, keys usable
    LOOKUP = "lookup"  # look an application up by its slip or code: the database readable


@dataclass(frozen=True)
class Check:
    """One line of `kiosk doctor`: what was checked, whether it is usable, and what to do if not."""

    name: str
    ok: bool
    detail: str
    # What a failure stops at the kiosk. Empty: the doctor shows it, the kiosk serves on (a
    # printer out of paper keeps its receipts queued; an unknown CSCA is kept for the officer).
    blocks: frozenset[Capability] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class Health:
    """The last pass of the kiosk's checks. Before the first pass the station counts as healthy:
    the pass runs at start, and a fault it finds takes the invitation away within a second."""

    checks: tuple[Check, ...] = ()

    @classmethod
    def of(cls, checks: Iterable[Check]) -> Health:
        return cls(tuple(checks))

    def _stopped(self, capability: Capability) -> bool:
        return any(not c.ok and capability in c.blocks for c in self.checks)

    @property
    def can_submit(self) -> bool:
        return not self._stopped(Capability.SUBMIT)

    @property
    def can_look_up(self) -> bool:
        return not self._stopped(Capability.LOOKUP)

    @property
    def faults(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


HEALTHY = Health()
