"""What the voice says when the state changes (issue 11 item 9): pure, so every rule is tested
without a window. The window hands over the state before and after each change and speaks what
comes back; the screen's own prompt (`Screen.spoken`) it asks the screen for.

Said: the prompt of each new step, screen and view (each form question, each guest's card), again
in the new language when it is switched; every "what is wrong" shown (form errors, the card's and
the guests' messages, a failed submission); every overlay as it opens (idle warning, card removed,
officer called: "called" only once the call was stored, "go to the counter" when it failed); the
answer just chosen (a choice, a date); the receipt printed or not. Nothing is said twice for the
same state: re-rendering it says nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk import phrases
from kiosk.catalog import Service
from kiosk.flow.state import CardPhase, FlowState, Phase
from kiosk.text import Text
from kiosk.validation import display_value

# Answers said back as they are chosen: a finger on a tile, a date stepped. Typed text is echoed a
# key at a time instead (`_typed`); an address's picker says each of its questions with the place.
SAID_BACK = ("choice", "checklist", "date", "appointment")
# More than this many letters in at once is not a key (a scanned code, a sample filled in): the
# screen says what came in its own way.
KEY_CHARS = 2


@dataclass(frozen=True)
class Heard:
    """What to say now: the screen's prompt first (if `prompt`), then `lines`."""

    prompt: bool = False
    lines: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.prompt or bool(self.lines)

    def text(self, prompt: str) -> str:
        """The whole utterance, given what the screen says as its prompt."""
        return sentences([prompt] if self.prompt else [], self.lines)


def sentences(*parts: Iterable[str]) -> str:
    """Parts joined as sentences, so the voice pauses between them."""
    out = ""
    for part in (p.strip() for group in parts for p in group):
        if not part:
            continue
        stop = "" if not out or out[-1] in ".?!:…" else "."
        out = f"{out}{stop} {part}" if out else part
    return out


def _place(state: FlowState) -> tuple[object, ...]:
    """Where the citizen is: a change of any of these is a new question to be asked aloud."""
    service = state.service.code if state.service is not None else ""
    step = state.step_index if state.phase is Phase.STEP else -1
    people = state.people
    return (state.phase, service, step, state.screen, people.adding, people.passport, state.language)


def heard(before: FlowState | None, after: FlowState, seconds_left: int = 0) -> Heard:
    """What to say on going from `before` (None: the window's first state) to `after`.
    `seconds_left`: until the idle reset, for the idle warning."""
    if before is after:
        return Heard()
    prompt = _prompt_due(before, after)
    lines = [*_overlay(before, after, seconds_left)]
    if before is not None:  # after the prompt of a new place: what is wrong there (a failed send)
        lines += [*_typed(before, after), *_answers(before, after)]
        lines += [*_problems(before, after), *_busy(before, after), *_printing(before, after)]
    return Heard(prompt, tuple(line for line in lines if line))


def again(state: FlowState, seconds_left: int = 0) -> Heard:
    """Nghe lại (listen again): the open overlay, else the prompt and what is wrong now."""
    overlay = _overlay_text(state, seconds_left)
    if overlay:
        return Heard(False, (overlay,))
    return Heard(True, tuple(_current_problems(state)))


def tile(service: Service, language: str) -> str:
    """A menu tile's first touch: its name and one-line explanation; a second touch opens it."""
    return sentences(
        [service.title.get(language), service.summary.get(language), phrases.TILE_AGAIN.get(language)]
    )


# -- the parts ---------------------------------------------------------------------------------------


def _prompt_due(before: FlowState | None, after: FlowState) -> bool:
    if after.phase is Phase.IDLE:
        # The invitation is not read to an empty room; the idle screen speaks when it has news:
        # why the session ended (consent refused), or that the station is out of service.
        if before is None:
            return after.out_of_service
        news = after.notice is not None and after.notice is not before.notice
        closed = after.out_of_service and not (before.out_of_service and before.phase is Phase.IDLE)
        return news or closed
    if before is None or _place(before) != _place(after):
        return True
    # The status screen's answer arrives after the screen: it is read out as it comes.
    return after.lookup.result is not None and after.lookup.result is not before.lookup.result


def _overlay_text(state: FlowState, seconds_left: int) -> str:
    lang = state.language
    if state.officer_called:
        delivered = state.officer_call_delivered
        said = {
            None: phrases.OFFICER_CALLING,
            True: phrases.OFFICER_CALLED,
            False: phrases.OFFICER_CALL_FAILED,
        }
        return said[delivered].get(lang)
    if state.idle_warning:
        detail = phrases.IDLE_WARNING_DETAIL.get(lang).format(seconds=seconds_left)
        return sentences([phrases.IDLE_WARNING.get(lang), detail, phrases.STILL_HERE.get(lang)])
    if state.ask_done:
        # The question, then its answers: the one that keeps everything first.
        return sentences(
            [phrases.ASK_DONE.get(lang), phrases.ASK_DONE_NO.get(lang), phrases.ASK_DONE_YES.get(lang)]
        )
    return ""


def _overlay(before: FlowState | None, after: FlowState, seconds_left: int) -> list[str]:
    """An overlay as it opens, and the officer call each time what is true about it changes."""
    if before is None:
        return [_overlay_text(after, seconds_left)]
    if after.officer_called:
        changed = (
            not before.officer_called or before.officer_call_delivered is not after.officer_call_delivered
        )
        return [_overlay_text(after, seconds_left)] if changed else []
    if (after.idle_warning and not before.idle_warning) or (after.ask_done and not before.ask_done):
        return [_overlay_text(after, seconds_left)]
    return []


def _answers(before: FlowState, after: FlowState) -> list[str]:
    """The answer a touch just gave, said back: "Thăm người thân", "ngày 03/12/2026"."""
    values, old = after.form.values, before.form.values
    if values is old or after.service is None:
        return []
    said = []
    for fid, value in values.items():
        fdef = after.service.fields.get(fid)
        if fdef is None or fdef.type not in SAID_BACK or old.get(fid) == value or value in (None, "", []):
            continue
        if fdef.type == "checklist":  # the paper just ticked, not the whole list
            ticked = [v for v in value if v not in (old.get(fid) or [])]
            said += [fdef.option_label(str(v), after.language) for v in ticked]
        else:
            said.append(display_value(fdef, value, after.language))
    return said


def key_said(old: str, new: str, language: str) -> str:
    """What one key did to a text: the letters it put in ("5", "â" after Telex), "dấu cách",
    "Xóa" (one gone), "Xóa hết" (all gone); "" for more than a key's worth."""
    if old == new:
        return ""
    if not new:
        return phrases.CLEAR_ALL.get(language)
    common = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        common += 1
    added = new[common:]
    if not added and len(old) > len(new):
        return phrases.KEY_DELETE.get(language)
    if len(added) > 1 and len(old) == len(new) and " " not in added:
        # A tone key marked a letter further back ("Ruông" + j → "Ruộng"): the word, as it is now.
        return new[: common].rpartition(" ")[2] + added
    if not added or len(added) > KEY_CHARS:
        return ""
    if added.isspace():
        return phrases.KEY_SPACE.get(language)
    named = phrases.KEY_NAMES.get(added)
    return named.get(language) if named is not None else added


def _typed(before: FlowState, after: FlowState) -> list[str]:
    """Each key typed, said back: a citizen who cannot read the field hears what went in (the
    card's 12 digits, a status code, a form's text, the address picker's street box)."""
    if _place(before) != _place(after):
        return []
    pairs: list[tuple[str, str]] = []
    if after.screen == "card":
        pairs.append((before.card.id_number, after.card.id_number))
    if after.screen == "status":
        pairs.append((before.lookup.text, after.lookup.text))
    values, old = after.form.values, before.form.values
    if after.service is not None and values is not old:
        for fid, value in values.items():
            fdef = after.service.fields.get(fid)
            was = old.get(fid)
            if fdef is not None and fdef.type == "address" and isinstance(value, dict):
                # The picker's street box; the place was chosen on tiles, said by their questions.
                street = was.get("street", "") if isinstance(was, dict) else ""
                pairs.append((street, value.get("street", "")))
                continue
            if fdef is None or fdef.type in SAID_BACK or not isinstance(value, str):
                continue
            if was is None or isinstance(was, str):
                pairs.append((was or "", value))
    return [key_said(a, b, after.language) for a, b in pairs]


def _busy(before: FlowState, after: FlowState) -> list[str]:
    """Says "Đang tra cứu…" as a status look-up starts (it may take a moment: the citizen waits)."""
    if after.lookup.busy and not before.lookup.busy:
        return [phrases.LOOKUP_BUSY.get(after.language)]
    return []


def _form_errors(before: FlowState, after: FlowState) -> list[str]:
    errors, old = after.form.errors, before.form.errors
    if errors is old or not errors:
        return []
    if after.form.values is before.form.values:  # Continue refused: everything wrong, said again
        new = list(errors.items())
    else:  # an answer given: only what it made wrong (clearing an error says nothing)
        new = [(fid, text) for fid, text in errors.items() if old.get(fid) != text]
    return _labelled(after, new)


def _labelled(state: FlowState, errors: list[tuple[str, Text]]) -> list[str]:
    """Each error as shown; with more than one, each after its question's name ("Ngày về: …")."""
    lang = state.language
    if len(errors) == 1 or state.service is None:
        return [text.get(lang) for _fid, text in errors]
    said = []
    for fid, text in errors:
        fdef = state.service.fields.get(fid)
        said.append(f"{fdef.label.get(lang)}: {text.get(lang)}" if fdef is not None else text.get(lang))
    return said


def _card_text(state: FlowState) -> Text | None:
    """What the card screen's status or error line says that is worth hearing."""
    card = state.card
    if not card.reader_attached:
        return phrases.CARD_NO_READER
    if card.phase is CardPhase.FAILED and card.error is not None:
        return phrases.CARD_ERRORS[card.error]
    if card.phase is CardPhase.PRESENT:  # news first: a "place the card" still shown is old
        return phrases.CARD_PRESENT
    if card.phase is CardPhase.READING:  # each stage as it starts: the reading moves on
        return phrases.CARD_STAGES.get(card.stage, phrases.CARD_READING)
    return card.message


def _problems(before: FlowState, after: FlowState) -> list[str]:
    lang = after.language
    said = _form_errors(before, after)
    if after.screen == "card":
        text = _card_text(after)
        if text is not None and text != _card_text(before):
            said.append(text.get(lang))
    message = after.people.message
    if message is not None and message is not before.people.message:
        said.append(message.get(lang))
    failed = after.review.submit_error
    if failed is not None and failed is not before.review.submit_error:
        said.append(failed.get(lang))
    return said


def _current_problems(state: FlowState) -> list[str]:
    lang = state.language
    said = _labelled(state, list(state.form.errors.items()))
    card = _card_text(state) if state.screen == "card" else None
    if card is not None and (state.card.phase is CardPhase.FAILED or state.card.message is not None):
        said.append(card.get(lang))
    for text in (state.people.message, state.review.submit_error):
        if text is not None:
            said.append(text.get(lang))
    return said


def _printing(before: FlowState, after: FlowState) -> list[str]:
    if after.phase is not Phase.DONE or after.review.print_state == before.review.print_state:
        return []
    said = {"printed": phrases.PRINTED, "failed": phrases.PRINT_FAILED}.get(after.review.print_state)
    return [said.get(after.language)] if said is not None else []
