"""The flow engine without any window: navigation, validation, card results, timeouts."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.card.profiles import load_profiles
from kiosk.catalog import load_catalog
from kiosk.flow.effects import ReadCard, Submit
from kiosk.flow.journey import Journey
from kiosk.flow.state import CardPhase, Phase
from kiosk.ports.card import AccessKey, CardErrorReason, CardRead, ReadProgress

# Temporary absence asks the destination through the address picker: province, commune, village.
DESTINATION = {
    "province_code": "48",
    "province_name": "Thành phố Đà Nẵng",
    "commune_code": "20200",
    "commune_name": "Phường Hòa Khánh",
    "street": "Thôn 3",
}

TAM_VANG = "1.003677"


class FakeClock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 26, 9, 0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journey(clock: FakeClock) -> Journey:
    return Journey(load_catalog(), clock, idle_warning_s=60, idle_reset_s=20)


HOLDER = load_profiles()[0].holder


def read_card(journey: Journey) -> None:
    """Card on the reader, number typed, read completes: the journey moves to 'identity'."""
    journey.card_inserted()
    journey.set_id_number(HOLDER.id_number)
    effects = journey.take_effects()
    assert effects == [ReadCard(AccessKey.from_id_number(HOLDER.id_number))]
    journey.card_read(CardRead(holder=HOLDER, document_kind="cccd"))


def to_form(journey: Journey) -> None:
    journey.start()
    journey.choose_service(TAM_VANG)
    assert journey.state().screen == "intro"
    journey.next()
    journey.consent(True)
    assert journey.state().screen == "card"
    read_card(journey)
    assert journey.state().screen == "identity"
    journey.confirm_identity(True)
    assert journey.state().step.id == "destination"  # type: ignore[union-attr]


def test_walks_to_submit(journey: Journey) -> None:
    to_form(journey)
    journey.set_value("destination", DESTINATION)
    journey.next()
    journey.set_value("date_from", "2026-11-27")
    journey.set_value("date_to", "2027-12-01")
    journey.next()
    journey.set_value("reason", "work")
    journey.next()
    assert journey.state().screen == "review"
    journey.next()
    assert journey.state().phase is Phase.SUBMITTING
    (effect,) = journey.take_effects()
    assert isinstance(effect, Submit)
    assert effect.holder == HOLDER
    assert effect.values["reason"] == "work"
    journey.submitted("0123456789")
    assert journey.state().screen == "done"
    assert journey.state().review.tracking_code == "0123456789"


def test_validation_messages_and_values_kept(journey: Journey) -> None:
    to_form(journey)
    journey.next()
    assert journey.state().form.errors["destination"].get("vi") == (
        "Ông/Bà chạm vào tỉnh, rồi xã nơi sẽ đến, rồi ghi thôn hoặc số nhà"
    )
    journey.set_value("destination", DESTINATION)
    journey.next()
    journey.set_value("date_from", "2026-11-20")  # in the past (clock says 26/11/2026)
    journey.set_value("date_to", "2026-11-10")
    journey.next()
    errors = journey.state().form.errors
    assert errors["date_from"].get("vi") == "Ngày đi không được trước hôm nay"
    assert errors["date_to"].get("vi") == "Ngày về phải sau ngày đi"
    assert journey.state().step.id == "dates"  # type: ignore[union-attr]
    assert journey.state().form.values["date_from"] == "2026-11-20"


def test_back_keeps_entered_values(journey: Journey) -> None:
    to_form(journey)
    journey.set_value("destination", DESTINATION)
    journey.next()
    journey.set_value("date_from", "2026-12-01")
    journey.back()
    assert journey.state().step.id == "destination"  # type: ignore[union-attr]
    assert journey.state().form.values["destination"] == DESTINATION
    journey.next()
    assert journey.state().form.values["date_from"] == "2026-12-01"


def test_back_from_first_step_reaches_menu_then_idle(journey: Journey) -> None:
    journey.start()
    journey.choose_service(TAM_VANG)
    journey.back()
    assert journey.state().phase is Phase.MENU
    journey.back()
    assert journey.state().phase is Phase.IDLE


def test_review_edit_jumps_to_step(journey: Journey) -> None:
    to_form(journey)
    journey.set_value("destination", DESTINATION)
    journey.set_value("date_from", "2026-11-27")
    journey.set_value("date_to", "2026-12-27")
    journey.set_value("reason", "family")
    journey.next()
    journey.next()
    journey.next()
    assert journey.state().screen == "review"
    journey.edit_step("dates")
    assert journey.state().step.id == "dates"  # type: ignore[union-attr]
    assert journey.state().form.values["reason"] == "family"


def test_timeout_warns_then_wipes(journey: Journey, clock: FakeClock) -> None:
    to_form(journey)
    journey.set_value("destination", DESTINATION)
    clock.advance(59)
    journey.tick()
    assert not journey.state().idle_warning
    clock.advance(2)
    journey.tick()
    assert journey.state().idle_warning
    clock.advance(20)
    journey.tick()
    state = journey.state()
    assert state.phase is Phase.IDLE
    assert state.form.values == {}
    assert state.card.holder is None
    assert state.card.id_number == ""


def test_touch_cancels_warning(journey: Journey, clock: FakeClock) -> None:
    to_form(journey)
    clock.advance(61)
    journey.tick()
    journey.touch()
    assert not journey.state().idle_warning
    clock.advance(30)
    journey.tick()
    assert journey.state().phase is Phase.STEP


def test_wrong_number_then_corrected(journey: Journey) -> None:
    journey.start()
    journey.choose_service(TAM_VANG)
    journey.next()
    journey.consent(True)
    journey.card_inserted()
    journey.set_id_number("001064009998")
    assert journey.take_effects()
    journey.card_failed(CardErrorReason.WRONG_KEY)
    assert journey.state().card.phase is CardPhase.FAILED
    assert journey.state().card.error is CardErrorReason.WRONG_KEY
    journey.set_id_number(HOLDER.id_number)
    assert journey.take_effects() == [ReadCard(AccessKey.from_id_number(HOLDER.id_number))]


def test_transient_error_retried_once(journey: Journey) -> None:
    journey.start()
    journey.choose_service(TAM_VANG)
    journey.next()
    journey.consent(True)
    journey.card_inserted()
    journey.set_id_number(HOLDER.id_number)
    journey.take_effects()
    journey.card_failed(CardErrorReason.BAD_RESPONSE)
    assert len(journey.take_effects()) == 1  # silent retry
    journey.card_failed(CardErrorReason.BAD_RESPONSE)
    assert journey.take_effects() == []
    assert journey.state().card.error is CardErrorReason.BAD_RESPONSE


def test_card_removed_mid_read_then_reinserted(journey: Journey) -> None:
    journey.start()
    journey.choose_service(TAM_VANG)
    journey.next()
    journey.consent(True)
    journey.card_inserted()
    journey.set_id_number(HOLDER.id_number)
    journey.take_effects()
    journey.card_progress(ReadProgress("DG13", 1, 4))
    assert journey.state().card.progress == 0.25
    journey.card_removed()
    assert journey.state().card.error is CardErrorReason.CARD_REMOVED
    journey.card_inserted()
    assert len(journey.take_effects()) == 1


def test_card_removed_after_read_asks_if_done(journey: Journey) -> None:
    to_form(journey)
    journey.card_removed()
    assert journey.state().ask_done
    journey.answer_done(False)
    assert journey.state().phase is Phase.STEP
    journey.card_removed()
    journey.answer_done(True)
    assert journey.state().phase is Phase.IDLE


def test_not_me_forgets_card_data(journey: Journey) -> None:
    to_form(journey)
    journey.back()
    assert journey.state().screen == "identity"
    journey.confirm_identity(False)
    state = journey.state()
    assert state.screen == "card"
    assert state.card.holder is None
    assert state.card.id_number == ""


def test_submit_failure_returns_to_review_with_values(journey: Journey) -> None:
    to_form(journey)
    journey.set_value("destination", DESTINATION)
    journey.set_value("date_from", "2026-11-27")
    journey.set_value("date_to", "2026-12-27")
    journey.set_value("reason", "family")
    for _ in range(4):
        journey.next()
    journey.take_effects()
    from kiosk.text import Text

    journey.submit_failed(Text.of("lỗi", "error"))
    state = journey.state()
    assert state.screen == "review"
    assert state.review.submit_error is not None
    assert state.form.values["reason"] == "family"


def test_edit_from_the_review_returns_to_it(journey: Journey) -> None:
    """'Sửa' on the review, then Continue: back to the review, not through every later step."""
    to_form(journey)
    journey.set_value("destination", DESTINATION)
    journey.next()
    journey.set_value("date_from", "2026-11-27")
    journey.set_value("date_to", "2027-01-10")
    journey.next()
    journey.set_value("reason", "work")
    journey.next()
    assert journey.state().screen == "review"
    journey.edit_step("destination")
    assert journey.state().step.id == "destination"  # type: ignore[union-attr]
    journey.set_value("destination", {**DESTINATION, "street": "Thôn 5"})
    journey.next()
    assert journey.state().screen == "review"
    assert journey.state().editing_from_review is None
    journey.back()  # and an ordinary walk afterwards goes step by step again
    assert journey.state().step.id == "reason"  # type: ignore[union-attr]
    journey.next()
    assert journey.state().screen == "review"


def test_refusing_consent_says_where_to_go(journey: Journey) -> None:
    journey.start()
    journey.choose_service("1.003677")
    journey.next()
    journey.consent(False)
    state = journey.state()
    assert state.screen == "idle" and state.service is None  # nothing kept
    assert state.notice is not None and "đến quầy" in state.notice.get("vi")
    journey.start()
    assert journey.state().notice is None
