"""Engine features on a made-up service: consent, prefill, conditional steps, people, fees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from devices.card.profiles import load_profiles
from kiosk.catalog import check_catalog, load_catalog
from kiosk.flow.effects import ReadCard, RecordSession, Submit
from kiosk.flow.journey import Journey
from kiosk.flow.state import Phase
from kiosk.ports.card import CardRead
from kiosk.ports.sessions import SessionOutcome

FIXTURES = Path(__file__).parent / "fixtures" / "services"
PEOPLE = load_profiles()
APPLICANT, GUEST_1, GUEST_2 = PEOPLE[3].holder, PEOPLE[0].holder, PEOPLE[1].holder


@pytest.fixture
def journey() -> Journey:
    now = dt.datetime(2026, 11, 26, 9, 0)
    return Journey(load_catalog(FIXTURES), lambda: now)


def read(journey: Journey, holder) -> None:  # type: ignore[no-untyped-def]
    journey.card_inserted()
    journey.set_id_number(holder.id_number)
    assert any(isinstance(e, ReadCard) for e in journey.take_effects())
    journey.card_read(CardRead(holder=holder, document_kind="cccd"))


def to_details(journey: Journey) -> None:
    journey.start()
    journey.choose_service("TEST-1")
    journey.next()
    assert journey.state().screen == "consent"
    journey.next()  # no way past consent but the consent buttons
    assert journey.state().screen == "consent"
    journey.consent(True)
    read(journey, APPLICANT)
    journey.confirm_identity(True)
    assert journey.state().step.id == "who"  # type: ignore[union-attr]


def test_fixture_catalog_valid() -> None:
    assert check_catalog(FIXTURES)[1] == []


def test_refusing_consent_wipes(journey: Journey) -> None:
    journey.start()
    journey.choose_service("TEST-1")
    journey.next()
    journey.consent(False)
    assert journey.state().phase is Phase.IDLE
    (ended,) = journey.take_effects()  # nothing read or sent: only the anonymous session summary
    assert isinstance(ended, RecordSession) and ended.summary.outcome is SessionOutcome.ABANDONED


def test_prefill_from_card(journey: Journey) -> None:
    to_details(journey)
    assert journey.state().form.values["name"] == APPLICANT.full_name


def test_conditional_field_and_step(journey: Journey) -> None:
    to_details(journey)
    journey.set_value("kind", "other")
    journey.next()
    assert "kind_other" in journey.state().form.errors  # asked only for "other"
    journey.set_value("kind", "renew")
    journey.next()
    assert journey.state().step.id == "guests"  # type: ignore[union-attr]  # "lost" step skipped
    journey.back()
    journey.set_value("kind", "lost")
    journey.next()
    assert journey.state().step.id == "lost"  # type: ignore[union-attr]
    state = journey.state()
    assert state.step_count == 9 and state.step_number == 6


def test_people_step_reads_guests(journey: Journey) -> None:
    to_details(journey)
    journey.set_value("kind", "renew")
    journey.next()
    journey.next()
    assert journey.state().people.message.get("vi").startswith("Ông/Bà đọc thẻ")
    journey.card_removed()
    assert not journey.state().ask_done  # a card moving at the guest list is not "leaving"
    for guest in (GUEST_1, GUEST_2):
        journey.add_person()
        assert journey.state().screen == "card"
        read(journey, guest)
        assert journey.state().screen == "people"
        journey.card_removed()
    assert [p["full_name"] for p in journey.state().guests] == [GUEST_1.full_name, GUEST_2.full_name]
    journey.remove_person(0)
    assert [p["full_name"] for p in journey.state().guests] == [GUEST_2.full_name]
    assert journey.state().card.holder == APPLICANT  # the applicant's data stay
    journey.next()
    assert journey.state().step.id == "papers"  # type: ignore[union-attr]


def test_checklist_pattern_id_number_and_submit(journey: Journey) -> None:
    to_details(journey)
    journey.set_value("kind", "lost")
    journey.next()
    journey.set_value("where_lost", "Chợ Sa Pa")
    journey.next()
    journey.add_person()
    read(journey, GUEST_1)
    journey.next()
    journey.set_value("have", ["photo"])
    journey.set_value("plate", "29-ABC")
    journey.set_value("spouse_id", "123")
    journey.next()
    errors = journey.state().form.errors
    assert set(errors) == {"have", "plate", "spouse_id"}
    journey.set_value("have", ["photo", "form"])
    journey.set_value("plate", "29A-123.45")
    journey.set_value("spouse_id", "049098007788")
    journey.next()
    assert journey.state().screen == "review"
    journey.next()
    (effect,) = journey.take_effects()
    assert isinstance(effect, Submit)
    assert effect.service.fee.amount_for(effect.values) == 70000  # the "lost" case
    assert effect.values["guests"][0]["id_number"] == GUEST_1.id_number
    assert effect.consented_at is not None
    assert "kind_other" not in effect.values


def test_hidden_answer_dropped_on_submit(journey: Journey) -> None:
    to_details(journey)
    journey.set_value("kind", "other")
    journey.set_value("kind_other", "Đổi tên")
    journey.set_value("kind", "renew")  # changed mind: the follow-up answer must not be sent
    journey.next()
    journey.add_person()
    read(journey, GUEST_1)
    journey.next()
    journey.set_value("have", ["photo", "form"])
    journey.next()
    journey.next()
    (effect,) = journey.take_effects()
    assert isinstance(effect, Submit)
    assert "kind_other" not in effect.values
    assert effect.service.fee.amount_for(effect.values) == 50000


def test_guest_passport_vietnamese_added_foreigner_refused(journey: Journey) -> None:
    from kiosk.ports.card import AccessKey, Holder

    to_details(journey)
    journey.set_value("kind", "renew")
    journey.next()
    journey.add_person()
    journey.use_passport(True)
    journey.card_inserted()
    journey.set_passport_key("c1234567", "2003-11-28", "2033-11-20")
    (effect,) = journey.take_effects()
    assert effect == ReadCard(AccessKey.from_mrz("C1234567", "031128", "331120"))
    foreign = Holder(id_number="L898902C3", full_name="ERIKSSON ANNA MARIA", date_of_birth="12/08/1974",
                     nationality="UTO")  # fmt: skip
    journey.card_read(CardRead(holder=foreign, document_kind="passport"))
    assert journey.state().guests == []
    assert "Khách nước ngoài không khai ở đây" in journey.state().card.message.get("vi")
    journey.card_removed()
    journey.card_inserted()
    journey.set_passport_key("C1234567", "2003-11-28", "2033-11-20")
    assert journey.take_effects()
    vietnamese = Holder(id_number="C1234567", full_name="NGUYEN THI HANG", date_of_birth="28/11/2003",
                        nationality="VNM")  # fmt: skip
    journey.card_read(CardRead(holder=vietnamese, document_kind="passport"))
    assert [p["document_kind"] for p in journey.state().guests] == ["passport"]
    assert journey.state().screen == "people"


def test_forged_card_is_never_used(journey: Journey) -> None:
    from kiosk.ports.card import PassiveAuth

    journey.start()
    journey.choose_service("TEST-1")
    journey.next()
    journey.consent(True)
    journey.card_inserted()
    journey.set_id_number(APPLICANT.id_number)
    journey.take_effects()
    journey.card_read(CardRead(holder=APPLICANT, document_kind="cccd", passive_auth=PassiveAuth.FORGED))
    state = journey.state()
    assert state.card.holder is None and state.screen == "card"
    assert "Không xác thực được" in state.card.message.get("vi")


def test_card_check_goes_with_the_submission(journey: Journey) -> None:
    from kiosk.ports.card import PassiveAuth

    journey.start()
    journey.choose_service("TEST-1")
    journey.next()
    journey.consent(True)
    journey.card_inserted()
    journey.set_id_number(APPLICANT.id_number)
    journey.take_effects()
    journey.card_read(
        CardRead(holder=APPLICANT, document_kind="cccd", passive_auth=PassiveAuth.CHAIN_UNKNOWN)
    )
    journey.confirm_identity(True)
    journey.set_value("kind", "renew")
    journey.next()
    journey.add_person()
    read(journey, GUEST_1)
    journey.next()
    journey.set_value("have", ["photo", "form"])
    journey.next()
    journey.next()
    (effect,) = journey.take_effects()
    assert isinstance(effect, Submit) and effect.card_check == "chain_unknown"
