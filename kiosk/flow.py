"""The flow engine: a state machine that walks a citizen through any catalog service.

The UI renders `Journey.state()` and calls the intent methods; device results come in through
the `card_*` / `submit_*` / `print_*` methods. What the journey needs done outside itself (read
the card, submit the dossier) it queues as effects, which the controller drains. No Qt, no I/O:
every path is testable with a fake clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kiosk.catalog import Catalog, Service, Step
from kiosk.ports.card import AccessKey, CardErrorReason, CardRead, Holder, PassiveAuth, ReadProgress
from kiosk.text import Text
from kiosk.validation import check_fields

if TYPE_CHECKING:
    from kiosk.status import StatusResult

Clock = Callable[[], dt.datetime]


class Phase(enum.Enum):
    IDLE = "idle"
    MENU = "menu"
    STEP = "step"
    SUBMITTING = "submitting"
    DONE = "done"
    STATUS = "status"  # "check my application": scan the slip or type the code


class CardPhase(enum.Enum):
    WAITING = "waiting"  # no card on the reader
    PRESENT = "present"  # card there, waiting for the ID number
    READING = "reading"
    READ = "read"
    FAILED = "failed"


# Errors worth one silent retry before the citizen sees a message (ux.md: "retry once").
_TRANSIENT = {CardErrorReason.BAD_RESPONSE, CardErrorReason.TIMEOUT}


@dataclass(frozen=True)
class CardStatus:
    phase: CardPhase = CardPhase.WAITING
    reader_attached: bool = True
    id_number: str = ""  # typed on the keypad or scanned from the card's QR
    passport: bool = False  # a guest's passport instead of an ID card (people step)
    mrz: tuple[str, str, str] | None = None  # passport number, birth date, expiry (ISO dates)
    stage: str = ""
    progress: float = 0.0
    error: CardErrorReason | None = None


@dataclass(frozen=True)
class ReadCard:
    """Effect: read the card with this key."""

    key: AccessKey


@dataclass(frozen=True)
class Submit:
    """Effect: store and send the dossier, then print the receipt."""

    service: Service
    values: Mapping[str, Any]
    holder: Holder
    consented_at: dt.datetime | None = None
    card_check: str = ""  # PassiveAuth value of the applicant's card: valid / chain_unknown / ...


@dataclass(frozen=True)
class LookUp:
    """Effect: find the status for a scanned slip payload or a typed tracking code."""

    text: str


Effect = ReadCard | Submit | LookUp


@dataclass(frozen=True)
class FlowState:
    phase: Phase = Phase.IDLE
    service: Service | None = None
    step_index: int = 0
    values: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, Text] = field(default_factory=dict)
    card: CardStatus = field(default_factory=CardStatus)
    holder: Holder | None = None
    photo: bytes | None = None
    residence_address: Mapping[str, str] | None = None  # the card's old address in today's units
    card_check: str = ""  # passive authentication of the applicant's card, kept for officers
    tracking_code: str = ""
    submit_error: Text | None = None
    print_state: str = ""  # "", "printing", "printed", "failed"
    idle_warning: bool = False
    ask_done: bool = False  # card removed mid-journey: "are you done?"
    officer_called: bool = False
    consented_at: dt.datetime | None = None  # Decree 13/2023: when the citizen agreed
    adding_person: bool = False  # people step: reading the next guest's card
    lookup_text: str = ""  # status screen: what was typed or scanned
    lookup_busy: bool = False
    lookup_result: StatusResult | None = None
    language: str = "vi"
    large_text: bool = False

    @property
    def step(self) -> Step | None:
        if self.phase is not Phase.STEP or self.service is None:
            return None
        return self.service.steps[self.step_index]

    @property
    def active_steps(self) -> list[int]:
        """Indexes of the steps asked for the answers so far (a step's `when` may hide it)."""
        if self.service is None:
            return []
        return [i for i, s in enumerate(self.service.steps) if s.when is None or s.when.holds(self.values)]

    @property
    def step_count(self) -> int:
        return len(self.active_steps)

    @property
    def step_number(self) -> int:
        """1-based position of the current step among the active ones (for "Bước 2/5")."""
        active = self.active_steps
        return active.index(self.step_index) + 1 if self.step_index in active else len(active)

    @property
    def fee_amount(self) -> int:
        """The fee for the answers given (catalog fee cases), in đồng."""
        return self.service.fee.amount_for(self.values) if self.service else 0

    @property
    def people(self) -> list[dict[str, str]]:
        step = self.step
        return list(self.values.get(step.id, [])) if step is not None and step.kind == "people" else []

    @property
    def screen(self) -> str:
        """Which screen renders this state: a phase, or the current step's kind."""
        step = self.step
        if step is None:
            return self.phase.value
        if step.kind == "people" and self.adding_person:
            return "card"  # the guest's card is read on the card screen
        return step.kind


MSG_NEED_CARD = Text.of(
    "Ông/Bà đặt thẻ lên đầu đọc và nhập số trên thẻ", "Place your card and type its number"
)
MSG_CARD_FORGED = Text.of(
    "Không xác thực được dữ liệu trong thẻ. Ông/Bà gặp cán bộ tại quầy",
    "The card's data could not be verified. Please see the officer at the counter",
)
MSG_FOREIGNER = Text.of(
    "Khách nước ngoài không khai ở đây: Ông/Bà báo cán bộ",
    "Foreign guests are declared with the officer, not here",
)
MSG_NEED_PEOPLE = Text.of("Ông/Bà đọc thẻ của ít nhất một khách", "Read at least one guest's card")
MSG_ID_DIGITS = Text.of("Số định danh có đủ 12 chữ số", "The ID number has 12 digits")


def _yymmdd(iso: str) -> str:
    """ISO date → the YYMMDD of a machine-readable zone."""
    return iso[2:4] + iso[5:7] + iso[8:10]


class Journey:
    def __init__(
        self,
        catalog: Catalog,
        clock: Clock,
        *,
        idle_warning_s: float = 60,
        idle_reset_s: float = 20,
        language: str = "vi",
    ) -> None:
        self.catalog = catalog
        self._clock = clock
        self._warn_after = dt.timedelta(seconds=idle_warning_s)
        self._reset_after = dt.timedelta(seconds=idle_warning_s + idle_reset_s)
        self._default_language = language
        self._effects: list[Effect] = []
        self._listeners: list[Callable[[FlowState], None]] = []
        self._reader_attached = True
        self._card_present = False
        self._retried = False
        self._state = FlowState(language=language)
        self._last_touch = clock()

    # -- observing ------------------------------------------------------------------------
    def state(self) -> FlowState:
        return self._state

    def subscribe(self, listener: Callable[[FlowState], None]) -> None:
        self._listeners.append(listener)

    def take_effects(self) -> list[Effect]:
        effects, self._effects = self._effects, []
        return effects

    def _set(self, **changes: Any) -> None:
        self._state = replace(self._state, **changes)
        self._maybe_read()
        for listener in list(self._listeners):
            listener(self._state)

    def _set_card(self, **changes: Any) -> None:
        self._set(card=replace(self._state.card, **changes))

    # -- citizen intents ------------------------------------------------------------------
    def touch(self) -> None:
        self._last_touch = self._clock()
        if self._state.idle_warning:
            self._set(idle_warning=False)

    def start(self) -> None:
        self.touch()
        if self._state.phase is Phase.IDLE:
            self._set(phase=Phase.MENU)

    def open_status(self) -> None:
        """From the idle screen: 'check my application'."""
        self.touch()
        self._set(phase=Phase.STATUS, lookup_text="", lookup_result=None, lookup_busy=False)

    def lookup_input(self, text: str) -> None:
        """What the citizen typed so far (the keypad) — not yet looked up."""
        self.touch()
        self._set(lookup_text=text[:200], lookup_result=None)

    def lookup_submit(self, text: str | None = None) -> None:
        """Look up `text` (a scanner line) or what was typed."""
        self.touch()
        if self._state.phase is not Phase.STATUS:
            self._set(phase=Phase.STATUS, lookup_result=None)
        query = (text if text is not None else self._state.lookup_text).strip()
        if not query or self._state.lookup_busy:
            return
        self._effects.append(LookUp(query))
        self._set(lookup_text=query if text is None else self._state.lookup_text, lookup_busy=True)

    def lookup_done(self, result: StatusResult) -> None:
        if self._state.phase is Phase.STATUS:
            self._set(lookup_busy=False, lookup_result=result)

    def choose_service(self, code: str) -> None:
        self.touch()
        service = self.catalog.get(code)
        # A new service starts clean: consent is per service, and the card is read again for it
        # (automatically, if it is still on the reader and its number was typed).
        card = self._state.card
        if card.phase is CardPhase.READ:
            card = replace(card, phase=CardPhase.PRESENT if self._card_present else CardPhase.WAITING)
        self._set(
            phase=Phase.STEP,
            service=service,
            step_index=0,
            values={},
            errors={},
            holder=None,
            photo=None,
            consented_at=None,
            adding_person=False,
            card=card,
        )

    def set_value(self, field_id: str, value: Any) -> None:
        self.touch()
        values = dict(self._state.values)
        values[field_id] = value
        errors = {k: v for k, v in self._state.errors.items() if k != field_id}
        self._set(values=values, errors=errors)

    def set_id_number(self, text: str) -> None:
        """The 12-digit ID typed on the keypad (or filled from a scanned card QR)."""
        self.touch()
        digits = "".join(ch for ch in text if ch.isdigit())[:12]
        card = self._state.card
        if card.phase is CardPhase.FAILED:  # a new number after a failure: try again
            phase = CardPhase.PRESENT if self._card_present else CardPhase.WAITING
            self._set_card(id_number=digits, phase=phase, error=None)
        else:
            self._set_card(id_number=digits)

    def next(self) -> None:
        self.touch()
        state = self._state
        if state.phase is Phase.IDLE:
            self.start()
            return
        step = state.step
        if step is None or state.service is None:
            return
        if state.adding_person:
            return  # the guest's card is being read; "Quay lại" cancels
        if step.kind == "card" and state.holder is None:
            self._set(errors={"_card": MSG_NEED_CARD})
            return
        if step.kind == "consent" and state.consented_at is None:
            return  # only the consent buttons move on
        if step.kind == "form":
            errors = check_fields(state.service.fields_of(step, state.values), state.values, self.today())
            if errors:
                self._set(errors=errors)
                return
        if step.kind == "people" and len(state.people) < step.min_items:
            self._set(errors={"_people": MSG_NEED_PEOPLE})
            return
        if step.kind == "review":
            self._submit(state.service)
            return
        self._set(step_index=self._neighbour(+1), errors={})

    def back(self) -> None:
        self.touch()
        state = self._state
        if state.phase is Phase.STEP:
            if state.adding_person:
                self._set(adding_person=False)
            elif state.step_index == state.active_steps[0]:
                self._set(
                    phase=Phase.MENU, service=None, step_index=0, errors={}, values={}, consented_at=None
                )
            else:
                self._set(step_index=self._neighbour(-1), errors={})
        elif state.phase in (Phase.MENU, Phase.STATUS):
            self.reset()

    def edit_step(self, step_id: str) -> None:
        """From the review screen: jump to the step that asks this, values kept."""
        self.touch()
        service = self._state.service
        if service is None:
            return
        for index, step in enumerate(service.steps):
            if step.id == step_id:
                self._set(step_index=index, errors={})
                return

    def consent(self, agree: bool) -> None:
        """Decree 13/2023: nothing is read or kept without consent; refusing ends the session."""
        self.touch()
        if not agree:
            self.reset()
            return
        self._set(consented_at=self._clock())
        self.next()

    def add_person(self) -> None:
        """People step: read the next guest's card."""
        self.touch()
        state = self._state
        step = state.step
        if step is None or step.kind != "people" or len(state.people) >= step.max_items:
            return
        phase = CardPhase.PRESENT if self._card_present else CardPhase.WAITING
        self._set(
            adding_person=True, errors={}, card=replace(state.card, phase=phase, id_number="", error=None)
        )

    def use_passport(self, on: bool) -> None:
        """People step: the next guest shows a passport (read with BAC from its number and dates)."""
        self.touch()
        if self._state.adding_person:
            self._set_card(passport=on, mrz=None, error=None, id_number="")

    def set_passport_key(self, number: str, birth: str, expiry: str) -> None:
        """The passport number and the two dates (ISO) printed on the data page."""
        self.touch()
        card = self._state.card
        phase = card.phase
        if phase is CardPhase.FAILED:
            phase = CardPhase.PRESENT if self._card_present else CardPhase.WAITING
        clean = "".join(ch for ch in number.upper() if ch.isalnum())
        self._set_card(mrz=(clean, birth, expiry), phase=phase, error=None)

    def cancel_person(self) -> None:
        self.touch()
        self._set(adding_person=False)

    def remove_person(self, index: int) -> None:
        self.touch()
        step = self._state.step
        if step is None or step.kind != "people":
            return
        people = self._state.people
        if 0 <= index < len(people):
            del people[index]
            self._set(values={**self._state.values, step.id: people})

    def confirm_identity(self, is_me: bool) -> None:
        self.touch()
        if is_me:
            self.next()
            return
        # "Không phải tôi": forget what was read and ask for the card again.
        index = self._step_index_of("card")
        self._set(
            holder=None,
            photo=None,
            step_index=index if index is not None else self._state.step_index,
            card=replace(
                self._state.card,
                phase=CardPhase.PRESENT if self._card_present else CardPhase.WAITING,
                id_number="",
                progress=0.0,
                stage="",
                error=None,
            ),
        )

    def set_language(self, language: str) -> None:
        self.touch()
        self._set(language=language)

    def toggle_large_text(self) -> None:
        self.touch()
        self._set(large_text=not self._state.large_text)

    def call_officer(self) -> None:
        self.touch()
        self._set(officer_called=True)

    def dismiss_officer(self) -> None:
        self.touch()
        self._set(officer_called=False)

    def answer_done(self, done: bool) -> None:
        if done:
            self.reset()
        else:
            self.touch()
            self._set(ask_done=False)

    def reset(self) -> None:
        """Wipe the session: nothing the citizen entered or the card held stays in memory."""
        self._effects.clear()
        self._retried = False
        self._last_touch = self._clock()
        self._state = FlowState(
            language=self._default_language,
            card=CardStatus(
                phase=CardPhase.PRESENT if self._card_present else CardPhase.WAITING,
                reader_attached=self._reader_attached,
            ),
        )
        self._set()

    def seconds_until_reset(self) -> int:
        left = self._reset_after - (self._clock() - self._last_touch)
        return max(0, int(left.total_seconds()))

    def tick(self) -> None:
        """Called about once a second: idle warning, then wipe."""
        if self._state.phase is Phase.IDLE:
            return
        if self._state.phase is Phase.SUBMITTING:
            self._last_touch = self._clock()  # never wipe while a submission is in flight
            return
        idle = self._clock() - self._last_touch
        if idle >= self._reset_after:
            self.reset()
        elif idle >= self._warn_after and not self._state.idle_warning:
            self._set(idle_warning=True)

    # -- device results -------------------------------------------------------------------
    def reader_changed(self, attached: bool) -> None:
        self._reader_attached = attached
        if not attached:
            self._card_present = False
        card = self._state.card
        if not attached and card.phase is CardPhase.READING:
            self._set_card(reader_attached=False, phase=CardPhase.FAILED, error=CardErrorReason.NO_READER)
        else:
            self._set_card(reader_attached=attached)

    def card_inserted(self) -> None:
        self._card_present = True
        self._retried = False
        if self._state.card.phase in (CardPhase.WAITING, CardPhase.FAILED):
            self._set_card(phase=CardPhase.PRESENT, error=None)
        if self._state.ask_done:
            self._set(ask_done=False)

    def card_removed(self) -> None:
        self._card_present = False
        card = self._state.card
        if card.phase is CardPhase.READING:
            self._set_card(phase=CardPhase.FAILED, error=CardErrorReason.CARD_REMOVED)
        elif card.phase is CardPhase.READ:
            step = self._state.step
            in_flow = (
                step is not None
                and step.kind != "people"  # guests take their cards back one after another
                and self._state.step_index > self._card_step_index()
            )
            self._set(card=replace(card, phase=CardPhase.WAITING), ask_done=in_flow)
        else:
            self._set_card(phase=CardPhase.WAITING)

    def card_progress(self, progress: ReadProgress) -> None:
        if self._state.card.phase is CardPhase.READING:
            self._set_card(stage=progress.stage, progress=progress.fraction)

    def card_read(self, result: CardRead, residence_address: Mapping[str, str] | None = None) -> None:
        if self._state.card.phase is not CardPhase.READING:
            return  # a late result for a card already gone or a wiped session
        self._retried = False
        state = self._state
        if state.adding_person and state.step is not None:
            guest = {k: v for k, v in vars(result.holder).items() if isinstance(v, str) and v}
            guest["document_kind"] = result.document_kind
            if result.document_kind == "passport" and result.holder.nationality not in ("VNM", "Việt Nam"):
                # Foreigners are not notified here (Law on Entry and Exit of Foreigners, Đ33).
                card = replace(state.card, phase=CardPhase.FAILED, progress=0.0, error=None)
                self._set(card=card, errors={"_card": MSG_FOREIGNER})
                return
            people = [p for p in state.people if p.get("id_number") != guest.get("id_number")] + [guest]
            card = replace(state.card, phase=CardPhase.READ, progress=1.0, error=None, id_number="")
            self._set(
                adding_person=False, values={**state.values, state.step.id: people}, card=card, errors={}
            )
            return
        if result.passive_auth in (PassiveAuth.FORGED, PassiveAuth.UNVERIFIABLE):
            # The chip's data do not match its signature, or its signature cannot be checked (a
            # broken EF.SOD must not pass where an altered one fails): the citizen sees an officer.
            card = replace(state.card, phase=CardPhase.FAILED, progress=0.0, error=None)
            self._set(card=card, errors={"_card": MSG_CARD_FORGED})
            return
        self._set(
            holder=result.holder,
            photo=result.face,
            card_check=result.passive_auth.value,
            residence_address=residence_address,
            values=self._prefilled(result.holder, residence_address),
            card=replace(state.card, phase=CardPhase.READ, progress=1.0, error=None),
            errors={},
        )
        if self._state.step is not None and self._state.step.kind == "card":
            self.next()

    def card_failed(self, reason: CardErrorReason) -> None:
        if self._state.card.phase is not CardPhase.READING:
            return
        if reason in _TRANSIENT and not self._retried and self._card_present:
            self._retried = True
            self._set_card(phase=CardPhase.PRESENT, progress=0.0)  # read again once, silently
            return
        self._set_card(phase=CardPhase.FAILED, error=reason, progress=0.0)

    # -- submission results ---------------------------------------------------------------
    def submitted(self, tracking_code: str) -> None:
        self._set(phase=Phase.DONE, tracking_code=tracking_code, submit_error=None, print_state="printing")

    def submit_failed(self, message: Text) -> None:
        # Back to review with everything kept; the citizen can try again or call an officer.
        self._set(phase=Phase.STEP, submit_error=message)

    def printed(self, ok: bool) -> None:
        self._set(print_state="printed" if ok else "failed")

    # -- internals ------------------------------------------------------------------------
    def _maybe_read(self) -> None:
        state = self._state
        card = state.card
        reading_applicant = state.step is not None and state.step.kind == "card" and state.holder is None
        if not (reading_applicant or state.adding_person) or card.phase is not CardPhase.PRESENT:
            return
        if state.adding_person and card.passport:
            if card.mrz is None:
                return
            number, birth, expiry = card.mrz
            key = AccessKey.from_mrz(number, _yymmdd(birth), _yymmdd(expiry))
        elif len(card.id_number) == 12:
            key = AccessKey.from_id_number(card.id_number)
        else:
            return
        self._state = replace(state, card=replace(card, phase=CardPhase.READING, progress=0.0, stage=""))
        self._effects.append(ReadCard(key))

    def _submit(self, service: Service) -> None:
        state = self._state
        active = service.active_fields(state.values)
        errors = check_fields(active, state.values, self.today())
        if errors:
            first = next(i for i, s in enumerate(service.steps) if set(s.fields) & set(errors))
            self._set(step_index=first, errors=errors)
            return
        if state.holder is None:
            index = self._step_index_of("card")
            self._set(step_index=index or 0, errors={"_card": MSG_NEED_CARD})
            return
        # Only what was asked is sent: answers to questions hidden later by a changed choice drop out.
        keep = {f.id for f in active} | {s.id for s in service.steps if s.kind == "people"}
        values = {k: v for k, v in state.values.items() if k in keep}
        self._effects.append(Submit(service, values, state.holder, state.consented_at, state.card_check))
        self._set(phase=Phase.SUBMITTING, submit_error=None, errors={})

    def _prefilled(self, holder: Holder, residence: Mapping[str, str] | None) -> dict[str, Any]:
        """Answers filled from the card: chip data replaces readonly fields, fills empty ones.
        An address field takes the card's residence converted to today's units, when it converts."""
        values = dict(self._state.values)
        service = self._state.service
        for fdef in service.fields.values() if service else []:
            if not fdef.prefill or not (fdef.readonly or not values.get(fdef.id)):
                continue
            if fdef.type == "address":
                if fdef.prefill == "residence" and residence:
                    values[fdef.id] = dict(residence)
            else:
                values[fdef.id] = getattr(holder, fdef.prefill, "")
        return values

    def _neighbour(self, direction: int) -> int:
        """The next (+1) or previous (-1) step that is asked for the current answers."""
        active = self._state.active_steps
        index = self._state.step_index
        candidates = [i for i in active if (i > index if direction > 0 else i < index)]
        if not candidates:
            return index
        return candidates[0] if direction > 0 else candidates[-1]

    def _step_index_of(self, kind: str) -> int | None:
        service = self._state.service
        if service is None:
            return None
        for index, step in enumerate(service.steps):
            if step.kind == kind:
                return index
        return None

    def _card_step_index(self) -> int:
        index = self._step_index_of("card")
        return index if index is not None else 10**6

    def today(self) -> dt.date:
        return self._clock().date()
