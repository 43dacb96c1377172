"""What the UI renders: `FlowState`, split by concern. Frozen: the journey replaces, never mutates."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.catalog import Service, Step
from kiosk.health import HEALTHY, Health
from kiosk.payment import PaymentOffer
from kiosk.ports.card import CardErrorReason, Holder
from kiosk.text import Text

if TYPE_CHECKING:
    from kiosk.status_result import StatusResult


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


@dataclass(frozen=True)
class CardState:
    """The reader, the card on it, and the applicant read from it."""

    phase: CardPhase = CardPhase.WAITING
    reader_attached: bool = True
    id_number: str = ""  # typed on the keypad or scanned from the card's QR
    stage: str = ""
    progress: float = 0.0
    error: CardErrorReason | None = None
    message: Text | None = None  # why the card cannot be used or is still needed, for the citizen
    holder: Holder | None = None  # the applicant, once admitted
    photo: bytes | None = None  # the applicant's face, ready to show (JPEG or PNG)
    residence_address: Mapping[str, str] | None = None  # the card's old address in today's units
    passive_auth: str = ""  # the applicant's admission outcome (PassiveAuth value), kept for officers


@dataclass(frozen=True)
class PeopleState:
    """A people step (lodging): reading the next guest's document."""

    adding: bool = False  # the guest's card or passport is being read
    passport: bool = False  # the next guest shows a passport instead of an ID card
    mrz: tuple[str, str, str] | None = None  # passport number, birth date, expiry (ISO dates)
    message: Text | None = None  # e.g. "read at least one guest's card"


@dataclass(frozen=True)
class FormState:
    """The answers and what is wrong with them; what the current form step offers."""

    values: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, Text] = field(default_factory=dict)
    date_starts: Mapping[str, str] = field(default_factory=dict)  # where each date picker starts (ISO)
    appointment_days: tuple[dt.date, ...] = ()  # the days an appointment field offers (and accepts)
    appointment_slots: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewState:
    """The review step and what follows it: sending, the code, the slip, how to pay."""

    submit_error: Text | None = None
    tracking_code: str = ""
    print_state: str = ""  # "", "printing", "printed", "failed"
    offers: tuple[PaymentOffer, ...] = ()  # the ways to pay the fee, for this dossier


@dataclass(frozen=True)
class LookupState:
    """The status screen: what was typed or scanned, and the answer."""

    text: str = ""
    busy: bool = False
    result: StatusResult | None = None


@dataclass(frozen=True)
class FlowState:
    phase: Phase = Phase.IDLE
    service: Service | None = None
    step_index: int = 0
    consented_at: dt.datetime | None = None  # Law 91/2025/QH15 Art. 9: when the citizen agreed
    card: CardState = field(default_factory=CardState)
    people: PeopleState = field(default_factory=PeopleState)
    form: FormState = field(default_factory=FormState)
    review: ReviewState = field(default_factory=ReviewState)
    lookup: LookupState = field(default_factory=LookupState)
    # "Sửa" on the review: the steps asked when it was pressed. While they stay the same, Continue
    # on the edited step returns to the review instead of walking every later step again.
    editing_from_review: tuple[int, ...] | None = None
    # Said on the idle screen after a session ended by the citizen's choice (consent refused):
    # where to go instead. The next touch clears it.
    notice: Text | None = None
    idle_warning: bool = False
    ask_done: bool = False  # card removed mid-journey: "are you done?"
    officer_called: bool = False
    # None while "Gọi cán bộ" is on its way; then whether the call was stored where officers see it.
    officer_call_delivered: bool | None = None
    # Assist mode: the officer who took over this session at some point (kept after the hand-back:
    # the dossier is marked), whether they are filling in now, and how they checked the identity
    # of a citizen not read from a chip (`kiosk.officer_mode.identity_text`).
    assisted_by: str = ""
    assisting: bool = False
    identity_check: str = ""
    language: str = "vi"
    large_text: bool = False
    # The citizen's switch to white on black (accessibility mode turns it on too); the reset ends it.
    high_contrast: bool = False
    # Accessibility mode (a held key or a headset): high contrast, large text, arrows + Enter, the
    # focused control spoken. The citizen's, so the session reset ends it.
    accessible: bool = False
    # The station's last health check (`kiosk.health`): not the session's, so a reset keeps it.
    health: Health = HEALTHY
    # The menu's services, busiest at this station first (`kiosk.flow.menu`); kept by a reset.
    menu: tuple[str, ...] = ()

    @property
    def out_of_service(self) -> bool:
        """No new application can be taken: the idle screen asks the citizen to see the officer."""
        return not self.health.can_submit

    @property
    def needs_identity_check(self) -> bool:
        """An officer assisting must record how they checked identity: the applicant was not read
        from a chip whose signature verified."""
        return bool(self.assisted_by) and (self.card.holder is None or self.card.passive_auth != "valid")

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
        values = self.form.values
        return [i for i, s in enumerate(self.service.steps) if s.when is None or s.when.holds(values)]

    @property
    def step_count(self) -> int:
        """The total of "Bước 2/5": the steps asked so far, plus those that wait on an answer not yet
        given. It can only shrink as the citizen answers ("5/10" → "5/8" is good news; "5/8" → "5/10"
        was the jump that told a citizen nearly done that more was coming)."""
        if self.service is None:
            return 0
        values = self.form.values
        return sum(
            1
            for s in self.service.steps
            if s.when is None or s.when.holds(values) or values.get(s.when.field_id) in (None, "")
        )

    @property
    def step_number(self) -> int:
        """1-based position of the current step among the active ones (for "Bước 2/5")."""
        active = self.active_steps
        return active.index(self.step_index) + 1 if self.step_index in active else len(active)

    @property
    def fee_amount(self) -> int:
        """The fee for the answers given (catalog fee cases), in đồng."""
        return self.service.fee.amount_for(self.form.values) if self.service else 0

    @property
    def guests(self) -> list[dict[str, str]]:
        """The guests listed on the current people step."""
        step = self.step
        return list(self.form.values.get(step.id, [])) if step is not None and step.kind == "people" else []

    @property
    def screen(self) -> str:
        """Which screen renders this state: a phase, or what the current step's kind says."""
        from kiosk.flow.steps import kind_of  # the step kinds import this module

        step = self.step
        return self.phase.value if step is None else kind_of(step.kind).screen(self)
