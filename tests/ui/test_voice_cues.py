"""The voice on every step, error, overlay and tile (issue 11 item 9), heard through the real window.

A recording voice stands in for espeak-ng: what reaches `Voice.say` is what the citizen hears
(`kiosk.speech.for_speech` turns its numbers and codes into words: tests/core/test_speech.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk import phrases, voice_cues
from kiosk.flow.state import FlowState, Phase
from kiosk.trackcode import display
from tests.ui.conftest import RecordingVoice
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.widgets.address_picker import AddressPicker

NAME = "Hoàng Đình Nguyễn Thượng Khải Hoàn"
V = "vi"


class Ear:
    """What the voice said since the last time the test listened."""

    def __init__(self, ui: KioskUi) -> None:
        voice = ui.window.voice
        assert isinstance(voice, RecordingVoice)
        self._said = voice.said
        self._heard = len(voice.said)

    def new(self) -> list[str]:
        said = [text for text, language in self._said[self._heard :]]
        assert all(language == V for _text, language in self._said[self._heard :])
        self._heard = len(self._said)
        return said


def tap(qtbot: Any, widget: QWidget) -> None:
    qtbot.waitUntil(widget.isVisible, timeout=2000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def button(parent: QWidget, text: str) -> QPushButton:
    found = [b for b in parent.findChildren(QPushButton) if b.text() == text and not b.isHidden()]
    assert found, (text, [b.text() for b in parent.findChildren(QPushButton) if not b.isHidden()])
    return found[0]


def step_prompt(ui: KioskUi) -> str:
    step = ui.app.journey.state().step
    assert step is not None
    return (step.say or step.title).get(V)


def go_on(text: str, action: str = "Tiếp tục") -> str:
    """`text`, then which button goes on and where it is (said to every citizen, not only in
    accessibility mode: one who cannot read does not know which button is "Tiếp tục")."""
    return voice_cues.sentences([text, phrases.PRESS_TO_GO_ON[action].get(V)])


def test_a_journey_is_heard_step_by_step(qtbot: Any, kiosk_ui: KioskUi) -> None:
    ui, window, journey = kiosk_ui, kiosk_ui.window, kiosk_ui.app.journey
    ear = Ear(ui)
    service = journey.catalog.get("1.003677")
    assert ear.new() == []  # the idle invitation is not read to an empty room

    tap(qtbot, window.screens["idle"])
    assert ear.new() == [phrases.MENU_TITLE.get(V)]
    tile = window.screens["menu"].tiles["1.003677"]  # type: ignore[attr-defined]
    tap(qtbot, tile)  # first touch: its name and explanation, nothing opens
    assert journey.state().phase is Phase.MENU and tile.isChecked()
    assert ear.new() == [
        voice_cues.sentences([service.title.get(V), service.summary.get(V), phrases.TILE_AGAIN.get(V)])
    ]
    other = window.screens["menu"].tiles["1.004194"]  # type: ignore[attr-defined]
    tap(qtbot, other)  # another tile: its name, and the first is no longer armed
    assert ear.new()[0].startswith(journey.catalog.get("1.004194").title.get(V))
    assert other.isChecked() and not tile.isChecked() and journey.state().phase is Phase.MENU
    tap(qtbot, tile)
    ear.new()
    tap(qtbot, tile)  # second touch on the same tile opens it
    assert journey.state().screen == "intro"
    assert ear.new() == [go_on(service.summary.get(V))]

    tap(qtbot, window.primary_button)
    uses = step_prompt(ui)  # the consent step's `say`: the data this service uses (Law 91/2025 Art. 9)
    assert uses.startswith("Thủ tục này dùng thông tin trên thẻ căn cước")
    assert ear.new() == [f"{phrases.CONSENT_TITLE.get(V)} {uses} {phrases.CONSENT_BODY.get(V)}"]
    tap(qtbot, window.primary_button)
    assert ear.new() == [voice_cues.sentences([step_prompt(ui), phrases.CARD_WAYS.get(V)])]
    tap(qtbot, window.primary_button) if window.primary_button.isVisible() else journey.next()
    assert ear.new() == [phrases.NEED_CARD.get(V)]  # Continue without a card: said why not

    reader = ui.app.card_reader()
    profile = next(p for p in ui.app.demo_profiles if p.holder.full_name == NAME)
    reader.insert(profile)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: journey.state().card.phase.value == "present", timeout=WAIT_MS)
    assert ear.new() == [phrases.CARD_PRESENT.get(V)]  # the card is seen: type its number
    digits = profile.holder.id_number
    for digit in digits:
        tap(qtbot, button(window.screens["card"], digit))
    said = ear.new()
    assert said[:11] == list(digits[:11])  # each digit said back as it is typed (words: the voice's)
    assert said[11] == voice_cues.sentences([digits[11], phrases.CARD_READING.get(V)])
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=10000)
    said = said[12:] + ear.new()
    stages = [s for s in said if s in {t.get(V) for t in phrases.CARD_STAGES.values()}]
    assert stages[0] == phrases.CARD_STAGES["access"].get(V)  # each stage as the reading reaches it
    assert phrases.CARD_STAGES["DG2"].get(V) in stages and len(stages) >= 3
    assert said[-1] == go_on(f"{phrases.ID_TITLE.get(V)} {NAME}", "Đúng, tiếp tục")

    tap(qtbot, window.primary_button)
    assert ear.new() == [go_on(step_prompt(ui))]  # the first question …
    tap(qtbot, window.primary_button)  # … refused: its error said
    address_error = journey.state().form.errors["destination"].get(V)
    assert ear.new() == [address_error]
    tap(qtbot, window.primary_button)  # refused again: said again
    assert ear.new() == [address_error]
    (picker,) = window.screens["form"].findChildren(AddressPicker)
    tap(qtbot, picker.province_buttons()["48"])  # the picker's own questions, after the place so far
    assert ear.new() == [f"Thành phố Đà Nẵng. {phrases.ADDRESS['commune_title'].get(V)}"]
    tap(qtbot, picker.commune_buttons()["20200"])
    street = phrases.ADDRESS["street_title"].get(V)
    assert ear.new() == [f"Phường Hòa Khánh, Thành phố Đà Nẵng. {street}"]
    for key in "thoon":
        tap(qtbot, next(b for b in picker.keyboard.findChildren(QPushButton) if b.text().lower() == key))
    assert ear.new() == ["T", "h", "o", "ô", "n"]  # each key said back as in every text box (oo → ô)
    tap(qtbot, picker.keyboard.space_button)
    assert ear.new() == [phrases.KEY_SPACE.get(V)]  # the picker's street box kept it: said too
    tap(qtbot, next(b for b in picker.keyboard.findChildren(QPushButton) if b.text() == "3"))
    assert ear.new() == ["3"]
    tap(qtbot, window.primary_button)
    assert ear.new() == [go_on(step_prompt(ui))]  # the second question of the same screen kind is said too

    tap(qtbot, window.primary_button)  # both dates missing: both errors, each after its question
    errors = journey.state().form.errors
    fields = journey.state().service.fields  # type: ignore[union-attr]
    assert ear.new() == [
        voice_cues.sentences(
            [f"{fields[f].label.get(V)}: {errors[f].get(V)}" for f in ("date_from", "date_to")]
        )
    ]
    pickers = window.screens["form"].value_widgets()  # type: ignore[attr-defined]
    plus = next(b for b in pickers["date_from"].findChildren(QPushButton) if b.text() == "+")
    tap(qtbot, plus)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert ear.new() == [tomorrow.strftime("%d/%m/%Y")]  # the date chosen, read as words by the voice
    tap(qtbot, pickers["date_to"].month_button)
    assert len(ear.new()) == 1
    tap(qtbot, window.primary_button)
    assert ear.new() == [go_on(step_prompt(ui))]

    tap(qtbot, button(window.screens["form"], "Thăm người thân"))
    assert ear.new() == ["Thăm người thân"]  # the tile touched
    window.show_state(journey.state())  # re-rendering says nothing
    assert ear.new() == []
    tap(qtbot, window.listen_button)  # "Nghe lại" says the question again
    assert ear.new() == [go_on(step_prompt(ui))]
    tap(qtbot, window.primary_button)
    review = window.screens["review"].spoken(journey.state())
    assert review.startswith(step_prompt(ui)) and "Lệ phí" in review  # the prompt, then the fee
    assert ear.new() == [go_on(review, "Gửi hồ sơ")]  # the review

    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: journey.state().review.print_state == "printed", timeout=20000)
    code = journey.state().review.tracking_code
    said = ear.new()
    assert phrases.SUBMITTING.get(V) in said
    done = [s for s in said if s.startswith(phrases.DONE_TITLE.get(V))]
    assert done and f"{phrases.DONE_CODE.get(V)}: {display(code)}" in done[0]  # the code, to be spelled
    assert said[-1] == phrases.PRINTED.get(V) or phrases.PRINTED.get(V) in said[-1]

    tap(qtbot, window.primary_button)  # Xong: the idle screen says nothing
    assert journey.state().phase is Phase.IDLE
    assert ear.new() == []


def test_overlays_are_heard_as_they_open(qtbot: Any, kiosk_ui: KioskUi) -> None:
    ui, window, journey = kiosk_ui, kiosk_ui.window, kiosk_ui.app.journey
    journey.start()
    journey.choose_service("1.003677")
    ear = Ear(ui)
    journey._last_touch -= dt.timedelta(seconds=61)
    qtbot.waitUntil(lambda: journey.state().idle_warning, timeout=3000)
    (warning,) = ear.new()
    assert warning.startswith(phrases.IDLE_WARNING.get(V))
    assert phrases.STILL_HERE.get(V) in warning and "giây" in warning  # how long is left, and what to press
    qtbot.wait(1200)  # the countdown ticks on: the warning is not said again each second
    assert ear.new() == []
    tap(qtbot, button(window.overlay, phrases.STILL_HERE.get(V)))
    assert not journey.state().idle_warning and ear.new() == []

    journey._put(replace(journey.state(), ask_done=True))  # the card taken off mid-journey
    assert ear.new() == [
        voice_cues.sentences(
            [phrases.ASK_DONE.get(V), phrases.ASK_DONE_NO.get(V), phrases.ASK_DONE_YES.get(V)]
        )
    ]
    tap(qtbot, button(window.overlay, phrases.ASK_DONE_NO.get(V)))
    assert ear.new() == []

    tap(qtbot, window.officer_button)
    qtbot.waitUntil(lambda: journey.state().officer_call_delivered is not None, timeout=10000)
    said = ear.new()
    assert said[-1] == phrases.OFFICER_CALLED.get(V)  # "coming" once the call is stored, not before
    assert said[:-1] in ([], [phrases.OFFICER_CALLING.get(V)])
    tap(qtbot, window.listen_button)
    assert ear.new() == [phrases.OFFICER_CALLED.get(V)]  # "Nghe lại" under an overlay: the overlay


def test_the_language_switch_says_the_screen_in_the_new_language(qtbot: Any, kiosk_ui: KioskUi) -> None:
    window, journey = kiosk_ui.window, kiosk_ui.app.journey
    journey.start()
    voice = window.voice
    assert isinstance(voice, RecordingVoice)
    tap(qtbot, window.language_button)
    assert voice.said[-1] == (phrases.MENU_TITLE.get("en"), "en")


# -- the rules, without a window ---------------------------------------------------------------------


def test_the_same_state_again_says_nothing() -> None:
    state = FlowState(phase=Phase.MENU)
    assert voice_cues.heard(None, state).prompt
    assert not voice_cues.heard(state, state)
    assert not voice_cues.heard(state, replace(state, large_text=True))  # nothing the ear needs


def test_officer_called_is_said_only_once_delivered() -> None:
    menu = FlowState(phase=Phase.MENU)
    calling = replace(menu, officer_called=True)
    assert voice_cues.heard(menu, calling).lines == (phrases.OFFICER_CALLING.get(V),)
    failed = replace(calling, officer_call_delivered=False)
    assert voice_cues.heard(calling, failed).lines == (phrases.OFFICER_CALL_FAILED.get(V),)
    assert phrases.OFFICER_CALLED.get(V) not in voice_cues.heard(calling, failed).lines
    assert not voice_cues.heard(failed, replace(failed, large_text=True))


def test_a_session_ended_by_refusal_says_where_to_go() -> None:
    consent = FlowState(phase=Phase.MENU)
    idle = FlowState()
    assert not voice_cues.heard(consent, idle)  # a wipe says nothing …
    told = replace(idle, notice=phrases.CONSENT_REFUSED)
    assert voice_cues.heard(idle, told).prompt  # … unless the idle screen has news


def test_a_failed_send_says_where_it_is_back_and_why() -> None:
    sending = FlowState(phase=Phase.SUBMITTING)
    failed = replace(
        sending, phase=Phase.MENU, review=replace(sending.review, submit_error=phrases.SUBMIT_FAILED)
    )
    heard = voice_cues.heard(sending, failed)  # (the review step in a real journey: any new place)
    assert heard.prompt and heard.lines == (phrases.SUBMIT_FAILED.get(V),)


def test_each_key_typed_is_said_back() -> None:
    said = voice_cues.key_said
    assert said("00109", "001093", V) == "3"
    assert said("Nguyen Van", "Nguyen Van ", V) == phrases.KEY_SPACE.get(V)
    assert said("ten", "ten@", V) == phrases.KEY_NAMES["@"].get(V)
    assert said("Tran", "Trâ", V) == "â"  # Telex: "aa" made one letter of two
    assert said("Làm Ruông", "Làm Ruộng", V) == "Ruộng"  # a tone three letters back: the word
    assert said("0010", "001", V) == phrases.KEY_DELETE.get(V)
    assert said("0010", "", V) == phrases.CLEAR_ALL.get(V)
    assert said("", "ABCDE-FGHJK", V) == ""  # a scanned code is not a key


def test_status_code_typed_and_the_look_up_are_heard() -> None:
    status = FlowState(phase=Phase.STATUS)
    typed = replace(status, lookup=replace(status.lookup, text="K"))
    assert voice_cues.heard(status, typed).lines == ("K",)
    busy = replace(typed, lookup=replace(typed.lookup, busy=True))
    assert voice_cues.heard(typed, busy).lines == (phrases.LOOKUP_BUSY.get(V),)
    assert not voice_cues.heard(busy, replace(busy, large_text=True))  # said once, not per render


def test_the_guest_list_explains_once_then_says_the_count(kiosk_ui: KioskUi) -> None:
    """The novice bench (issue 11): the 20-second explanation was read again after every guest."""
    journey = kiosk_ui.app.journey
    journey.start()
    journey.choose_service("2.001159")
    journey.edit_step("guests")
    state = journey.state()
    screen = kiosk_ui.window.screens["people"]
    step = state.step
    assert step is not None and step.say is not None
    assert screen.spoken(state).startswith(step.say.get(V))  # no guest yet: what to do, in full
    values = {**state.form.values, "guests": [{"full_name": NAME}]}
    one = replace(state, form=replace(state.form, values=values))
    said = screen.spoken(one)
    assert step.say.get(V) not in said
    assert said.startswith(step.title.get(V)) and phrases.PEOPLE_COUNT.get(V).format(n=1) in said
