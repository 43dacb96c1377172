"""Looking up where an application stands, from a scanned slip or a typed tracking code.

One entry point, `StatusLookup(store, signer)(text)`, for whatever reached the status screen:

- a slip payload (``KS1.…``): its MAC is checked first; any problem (altered, made up, another
  station's or an unknown key, damaged) is FORGED, and the code inside is not even looked up;
- a typed tracking code: normalised (lower case, hyphens, I/L/O aliases); a wrong check character
  or length is MISTYPED;
- an ID card's QR (the citizen scanned the card instead of the slip): ID_CARD. This is not a
  status query, and it is not an error either: a distinct outcome the screen answers with "this is
  the card's code — scan the slip's" and the caller may route elsewhere. It is an outcome and not
  an exception because the lookup runs in the background (`KioskController._look_up`), where an
  exception means "the database failed"; and because the lookup never carries the card's personal
  data out (the caller still has the line and can `parse_scan` it). Scans on *other* screens do
  not come here at all: `route_scan` sends an ID card QR at the card step to `set_id_number`.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.flow.state import CardPhase, Phase
from kiosk.scan import ScanKind, parse_scan
from kiosk.status_result import LookupOutcome, StatusResult

if TYPE_CHECKING:
    from kiosk.flow.journey import Journey
    from kiosk.slip import SlipProblem, VerifiedSlip  # its crypto: in the worker, which verifies

log = logging.getLogger(__name__)


class DossierLookup(Protocol):
    def get(self, tracking_code: str) -> Any: ...


class SlipVerifier(Protocol):
    def verify(self, payload: str) -> VerifiedSlip | SlipProblem: ...


class HubUnreachable(Exception):
    """The province hub could not answer a lookup now (offline, slow, refusing)."""


@dataclass(frozen=True)
class HubStatus:
    """What the hub knows of a dossier of the province: no personal data."""

    status: str
    service_code: str
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None
    note: str


class ProvinceHub(Protocol):
    def look_up(self, tracking_code: str) -> HubStatus | None:
        """The hub's status of the dossier (None: the hub holds none); `HubUnreachable`."""
        ...

    def synced_at(self) -> dt.datetime | None:
        """When this station last pulled the hub's statuses (None: never)."""
        ...


class StatusLookup:
    """`signer` checks slip payloads (`kiosk.slip.SlipSigner`). Without one, every slip is
    refused as FORGED: an unverifiable slip must not be trusted (typed codes still work).

    With a `hub`, a genuine code is asked there first: a slip from another station of the
    province is answered too. When the hub cannot be reached, or does not hold the dossier yet
    (not delivered), the station's own copy answers, saying how old it is (`stale_minutes`)."""

    def __init__(
        self,
        store: DossierLookup,
        signer: SlipVerifier | None = None,
        hub: ProvinceHub | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._store = store
        self._signer = signer
        self._hub = hub
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def __call__(self, text: str) -> StatusResult:
        scan = parse_scan(text)
        if scan.kind is ScanKind.SLIP:
            if self._signer is None:
                log.warning("slip scanned but no slip key is configured: refused")
                return StatusResult(LookupOutcome.FORGED)
            from kiosk.slip import SlipProblem

            verified = self._signer.verify(scan.text)
            if isinstance(verified, SlipProblem):
                log.warning("slip refused (%s): %s", verified.kind.value, verified.detail)
                return StatusResult(LookupOutcome.FORGED)
            return self._find(verified.tracking_code)
        if scan.kind is ScanKind.TRACKING_CODE:
            return self._find(scan.tracking_code)
        if scan.is_id_card:
            return StatusResult(LookupOutcome.ID_CARD)
        return StatusResult(LookupOutcome.MISTYPED)

    def _find(self, code: str) -> StatusResult:
        stale: int | None = None
        if self._hub is not None:
            try:
                remote = self._hub.look_up(code)
            except HubUnreachable as exc:
                log.info("status of %s from this station's copy: %s", code, exc)
                remote = None
            if remote is not None:
                return StatusResult(
                    LookupOutcome.FOUND,
                    tracking_code=code,
                    status=remote.status,
                    service_code=remote.service_code,
                    submitted_at=remote.submitted_at,
                    updated_at=remote.updated_at,
                    note=remote.note,
                )
            synced = self._hub.synced_at()
            now = self._clock().astimezone(dt.UTC)
            stale = None if synced is None else max(0, int((now - synced).total_seconds() // 60))
        stored = self._store.get(code)
        if stored is None:
            return StatusResult(LookupOutcome.UNKNOWN, tracking_code=code)
        return StatusResult(
            LookupOutcome.FOUND,
            tracking_code=code,
            status=stored.status,
            service_code=stored.dossier.service_code if stored.dossier is not None else "",
            submitted_at=stored.submitted_at,
            updated_at=stored.updated_at,
            note=stored.note_for_citizen,
            stale_minutes=stale,
        )


# -- scans on any screen ------------------------------------------------------------------------------


class ScanRoute(enum.Enum):
    ID_NUMBER = "id_number"  # an ID card QR at the card step: its number was filled in
    LOOKUP = "lookup"  # looked up on the status screen (opened for it if need be)
    IGNORED = "ignored"  # nothing sensible to do here (e.g. a slip scanned mid-application)


def route_scan(journey: Journey, line: str) -> ScanRoute:
    """What a scanner line means where the citizen is now; the UI calls this for every scan.

    - ID card QR at the card step (card not yet read): fills the 12-digit ID number, which starts
      the chip read (its last 6 digits are the CAN). On the status screen: looked up, which
      answers ID_CARD ("scan the slip, not the card").
    - Slip or tracking code on the idle, menu or status screen, or on the done screen once the
      slip has printed: opens the status screen and looks it up.
    - Anything on the status screen: looked up (a garbled line shows "check the code").
    - Otherwise ignored, so a stray scan never throws away an application in progress.
    """
    state = journey.state()
    scan = parse_scan(line)
    if scan.is_id_card and scan.card is not None:
        step = state.step
        at_card_step = step is not None and step.kind == "card" and state.card.holder is None
        if at_card_step and state.card.phase is not CardPhase.READING:
            journey.set_id_number(scan.card.id_number)
            return ScanRoute.ID_NUMBER
    if state.phase is Phase.STATUS:
        journey.lookup_submit(line)
        return ScanRoute.LOOKUP
    status_query = scan.kind in (ScanKind.SLIP, ScanKind.TRACKING_CODE)
    free = state.phase in (Phase.IDLE, Phase.MENU) or (
        state.phase is Phase.DONE and state.review.print_state != "printing"
    )
    if status_query and free:
        journey.lookup_submit(line)
        return ScanRoute.LOOKUP
    return ScanRoute.IGNORED
