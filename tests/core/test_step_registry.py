"""The registry of step kinds, and each kind's enter / validate / leave on its own (no journey)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk import phrases
from kiosk.catalog import Service, check_catalog, load_catalog
from kiosk.flow.effects import Submit
from kiosk.flow.state import CardState, FlowState, FormState, PeopleState, Phase
from kiosk.flow.steps import KINDS, STEP_KINDS, kind_of
from kiosk.flow.steps.base import StepEnv, StepKind
from kiosk.ports.card import AccessKey, Holder

FIXTURES = Path(__file__).parent / "fixtures" / "services"
ENV = StepEnv(dt.datetime(2026, 11, 26, 9, 0))
SERVICE = load_catalog(FIXTURES).get("TEST-1")
HOLDER = Holder(id_number="001099012345", full_name="Nguyễn Văn An", date_of_birth="01/02/1990")


def at(service: Service, step_id: str, **changes: object) -> FlowState:
    index = next(i for i, s in enumerate(service.steps) if s.id == step_id)
    return replace(FlowState(phase=Phase.STEP, service=service, step_index=index), **changes)  # type: ignore[arg-type]


def test_the_registry_holds_one_module_per_kind() -> None:
    assert set(STEP_KINDS) == {"intro", "consent", "card", "identity", "form", "people", "review"}
    for name, kind in KINDS.items():
        assert isinstance(kind, StepKind) and kind.name == name
        assert type(kind).__module__ == f"kiosk.flow.steps.{name}"


def test_the_catalog_accepts_exactly_the_registered_kinds(tmp_path: Path) -> None:
    text = (FIXTURES / "engine_test.toml").read_text("utf-8").replace('kind = "intro"', 'kind = "payment"', 1)
    (tmp_path / "engine_test.toml").write_text(text, "utf-8")
    problems = check_catalog(tmp_path)[1]
    assert any(f"unknown kind 'payment' (known: {', '.join(sorted(STEP_KINDS))})" in p for p in problems)
    services = load_catalog().services + load_catalog(FIXTURES).services
    assert {step.kind for service in services for step in service.steps} == set(STEP_KINDS)


def test_default_hooks_let_a_step_pass_and_move_on() -> None:
    state = at(SERVICE, "intro")
    intro = kind_of("intro")
    assert intro.enter(state, ENV) is state
    assert intro.validate(state, ENV) is None
    leave = intro.leave(state, ENV)
    assert leave.advance and leave.effects == () and leave.state is state
    assert intro.screen(state) == "intro" and intro.access_key(state) is None


def test_consent_holds_until_agreed() -> None:
    consent = kind_of("consent")
    state = at(SERVICE, "consent")
    assert consent.validate(state, ENV) is state  # stays, nothing to say: only the buttons move on
    assert consent.validate(replace(state, consented_at=ENV.now), ENV) is None


def test_card_asks_for_the_card_and_reads_with_the_typed_number() -> None:
    card = kind_of("card")
    state = at(SERVICE, "card")
    held = card.validate(state, ENV)
    assert held is not None and held.card.message == phrases.NEED_CARD
    assert card.access_key(replace(state, card=CardState(id_number="00109901234"))) is None  # 11 digits
    typed = replace(state, card=CardState(id_number=HOLDER.id_number))
    assert card.access_key(typed) == AccessKey.from_id_number(HOLDER.id_number)
    assert card.validate(replace(state, card=CardState(holder=HOLDER)), ENV) is None
    assert card.access_key(replace(typed, card=replace(typed.card, holder=HOLDER))) is None  # read already


def test_form_enter_places_the_date_pickers_answers_nothing_and_is_idempotent() -> None:
    service = load_catalog().get("1.003677")
    form = kind_of("form")
    entered = form.enter(at(service, "dates"), ENV)
    assert dict(entered.form.values) == {}
    assert dict(entered.form.date_starts) == {"date_from": "2026-11-26", "date_to": "2026-11-26"}
    assert form.enter(entered, ENV) is entered  # again: nothing changes, the same state
    given = form.enter(at(service, "dates", form=FormState(values={"date_from": "2026-12-24"})), ENV)
    assert given.form.values == {"date_from": "2026-12-24"}
    assert given.form.date_starts["date_to"] == "2026-12-25"


def test_form_validate_names_each_wrong_answer() -> None:
    form = kind_of("form")
    state = at(SERVICE, "who", form=FormState(values={"name": "An", "kind": "other"}))
    held = form.validate(state, ENV)
    assert held is not None and set(held.form.errors) == {"kind_other"}
    fine = replace(state, form=FormState(values={"name": "An", "kind": "renew"}))
    assert form.validate(fine, ENV) is None


def test_people_reads_guests_on_the_card_screen() -> None:
    people = kind_of("people")
    state = at(SERVICE, "guests")
    assert people.screen(state) == "people" and people.access_key(state) is None
    held = people.validate(state, ENV)
    assert held is not None and held.people.message == phrases.NEED_PEOPLE
    adding = replace(state, people=PeopleState(adding=True), card=CardState(id_number=HOLDER.id_number))
    assert people.screen(adding) == "card"
    assert people.validate(adding, ENV) is adding  # reading: "Tiếp tục" waits
    assert people.access_key(adding) == AccessKey.from_id_number(HOLDER.id_number)
    passport = replace(
        adding, people=PeopleState(adding=True, passport=True, mrz=("C1234567", "2003-11-28", "2033-11-20"))
    )
    assert people.access_key(passport) == AccessKey.from_mrz("C1234567", "031128", "331120")
    assert people.card_leaves_freely and not kind_of("form").card_leaves_freely
    listed = replace(state, form=FormState(values={"guests": [{"id_number": HOLDER.id_number}]}))
    assert people.validate(listed, ENV) is None


def answered() -> FlowState:
    values = {"name": "An", "kind": "renew", "have": ["photo", "form"], "guests": [{"id_number": "1"}]}
    return at(
        SERVICE, "review", form=FormState(values=values), card=CardState(holder=HOLDER, passive_auth="valid")
    )


def test_review_leave_submits_what_was_asked() -> None:
    review = kind_of("review")
    state = answered()
    state = replace(state, form=replace(state.form, values={**state.form.values, "where_lost": "chợ"}))
    leave = review.leave(state, ENV)
    assert not leave.advance and leave.state.phase is Phase.SUBMITTING
    (submit,) = leave.effects
    assert isinstance(submit, Submit) and submit.holder == HOLDER and submit.card_check == "valid"
    assert "where_lost" not in submit.values  # asked only when the kind is "lost"
    assert submit.values["guests"] == [{"id_number": "1"}]


def test_review_leave_goes_back_to_the_first_problem() -> None:
    review = kind_of("review")
    state = answered()
    wrong = replace(state, form=replace(state.form, values={**state.form.values, "kind": "other"}))
    leave = review.leave(wrong, ENV)
    assert leave.effects == () and leave.state.step.id == "who"  # type: ignore[union-attr]
    assert "kind_other" in leave.state.form.errors
    no_card = review.leave(replace(state, card=CardState()), ENV)
    assert no_card.effects == () and no_card.state.step.id == "card"  # type: ignore[union-attr]
    assert no_card.state.card.message == phrases.NEED_CARD


@pytest.mark.parametrize("name", ["intro", "consent", "identity", "form", "review"])
def test_only_reading_kinds_have_an_admission_rule(name: str) -> None:
    assert kind_of(name).admission is None
    assert kind_of("card").admission is not None and kind_of("people").admission is not None
