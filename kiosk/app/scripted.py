"""A citizen scripted through the whole kiosk, without a window: the same Journey, controller,
storage and printer that `build_app` wires for the UI, driven call by call.

For measurements (`bench/durability.py`), the fault-injection suite (`tests/faults/`) and journey
tests. Needs the emulated card reader (`card.backend = "emulated"`, as in demo mode).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from kiosk.app.root import KioskApp
from kiosk.flow.state import FlowState, Phase

TAM_VANG = "1.003677"  # lodging absence: card read, three form steps, review
DESTINATION = {  # chosen in the address picker: province, commune, then the village typed
    "province_code": "48",
    "province_name": "Thành phố Đà Nẵng",
    "commune_code": "20200",
    "commune_name": "Phường Hòa Khánh",
    "street": "Thôn 3",
}


def journey_steps(app: KioskApp, profile_index: int = 0) -> list[tuple[str, Callable[[], None]]]:
    """The citizen's taps of one lodging-absence journey, named, in order; the last one is "Gửi"."""
    journey = app.journey
    profile = app.demo_profiles[profile_index]
    today = dt.date.today()

    def read_card() -> None:
        app.card_reader().insert(profile)  # on the card service's emulated reader
        journey.set_id_number(profile.holder.id_number)

    def answer(values: dict[str, object]) -> Callable[[], None]:
        def step() -> None:
            for field, value in values.items():
                journey.set_value(field, value)
            journey.next()

        return step

    return [
        ("start", journey.start),
        ("choose service", lambda: journey.choose_service(TAM_VANG)),
        ("begin", journey.next),
        ("consent", lambda: journey.consent(True)),
        ("read card", read_card),
        ("confirm identity", lambda: journey.confirm_identity(True)),
        ("destination", answer({"destination": DESTINATION})),
        (
            "dates",
            answer(
                {
                    "date_from": (today + dt.timedelta(days=1)).isoformat(),
                    "date_to": (today + dt.timedelta(days=30)).isoformat(),
                }
            ),
        ),
        ("reason", answer({"reason": "work"})),
        ("submit", journey.next),
    ]


def submit_as_citizen(app: KioskApp, profile_index: int = 0) -> FlowState:
    """Tap through one journey; the state after "Gửi": `Phase.DONE` with the tracking code the
    citizen is shown (`review.tracking_code`), or back at the review with `review.submit_error` set."""
    for _name, step in journey_steps(app, profile_index):
        step()
    state = app.journey.state()
    if state.phase is not Phase.DONE and state.screen != "review":
        raise AssertionError(f"the scripted journey went astray: {state}")
    return state
