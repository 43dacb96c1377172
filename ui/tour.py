"""`kiosk tour`: drive every screen of every catalog service offscreen and save each as PNG.

Runs the real window, journey, emulated card, database and PDF printer (in a scratch data
folder), synchronously, so the pictures show exactly what a citizen would see.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from kiosk import languages, voice_cues
from kiosk.app.root import build_app
from kiosk.catalog import Service
from kiosk.config import Config, load_config
from kiosk.flow.state import FlowState, Phase
from kiosk.ports.clock import local_now
from kiosk.ports.voice import Silent
from kiosk.runner import InlineRunner
from kiosk.samples import sample_value
from kiosk.text import LANGUAGES
from kiosk.voice import Part, known_texts, plan
from ui.compose import kiosk_window
from ui.widgets.date_picker import DatePicker
from ui.widgets.icons import pictogram_of
from ui.window import settle


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# Every way to pay, so the tour shows them all. The VietQR account is a placeholder that no bank
# issues ("DEMO — do not transfer"): tour screenshots must never carry a payable account.
TOUR_SETTINGS = {
    "payment.methods": ["vietqr", "cash", "platform"],
    "payment.vietqr_bin": "970436",
    "payment.vietqr_account": "0000000000",
    "payment.vietqr_account_name": "DEMO - KHONG CHUYEN TIEN",
}


def tour_config(data_dir: Path, language: str = "vi", theme: str = "normal") -> Config:
    """Demo mode in a scratch data folder, with every way to pay."""
    settings = {**TOUR_SETTINGS, "paths.data_dir": str(data_dir), "ui.language": language, "ui.theme": theme}
    return load_config(overrides=settings, demo=True, environ={})


class TourClock:
    """Wall time that the tour can move forward to show the idle warning."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return local_now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)


def pictograms(view: QWidget) -> list[str]:
    """The pictograms a citizen sees on `view`: its pictures, then its buttons' (`ui.widgets.basics.
    button`), each once."""
    names = []
    for picture in view.findChildren(QLabel):
        if picture.isVisibleTo(view) and not picture.pixmap().isNull():
            names.append(pictogram_of(picture.pixmap()) or "")
    for touch in view.findChildren(QPushButton):
        if touch.isVisibleTo(view):
            names.append(str(touch.property("pictogram") or ""))
    return [name for name in dict.fromkeys(names) if name]


def clip_sources(text: str, language: str, known: dict[str, set[str]]) -> list[dict[str, str | bool]]:
    """How each sentence of `text` is heard in `language`: "built" (a clip rendered ahead by
    `kiosk voice build`, in the language or, for a pack without its recording, in Vietnamese: an
    explicit fallback) or "first-use" (made when first said: a name, a code, a number of days)."""
    parts = plan(text, language, str, vietnamese_of=lambda said: languages.vietnamese_of(language, said))

    def source(part: Part) -> str:
        if part.recorded:
            return "recorded"
        return "built" if part.sentence in known.get(part.language, ()) else "first-use"

    # A sentence heard in another language than the screen's is the pack's fallback: said so.
    return [
        {
            "sentence": p.sentence,
            "language": p.language,
            "source": source(p),
            "fallback": p.language != language,
        }
        for p in parts
    ]


class TourVoice(Silent):
    """Silent, with a volume the screen can set, as the clip voice of a station with speech has:
    the tour's volume panel then shows its louder and quieter keys, as the live kiosk does."""

    def __init__(self, volume: int) -> None:
        self._volume = volume

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, percent: int) -> None:
        self._volume = percent


class Tour:
    def __init__(self, out: Path, size: tuple[int, int], config: Config, large_text: bool = False) -> None:
        self.out = out
        self.size = size
        self.large_text = large_text
        self.entries: list[dict[str, Any]] = []
        self.clock = TourClock()
        self.app = build_app(config, InlineRunner(), self.clock)
        self.window = kiosk_window(self.app, TourVoice(config.voice.volume), size)
        self.window.resize(*size)
        self.window.show()
        self.app.controller.start()
        self.languages = [choice.code for choice in languages.choices()]  # Vietnamese, English, the packs
        known = known_texts(self.app.catalog, {*LANGUAGES, "vi"})
        self.known = {language: set(said) for language, said in known.items()}

    def heard(self, state: FlowState) -> dict[str, list[dict[str, str | bool]]]:
        """What "Nghe lại" says on this screen in each shipped language, sentence by sentence."""
        screen = self.window.current_screen()
        out = {}
        for language in self.languages:
            there = dataclasses.replace(state, language=language)
            prompt = self.window.prompt(screen, there)  # as the live window says it
            text = voice_cues.again(there, self.app.journey.seconds_until_reset()).text(prompt)
            out[language] = clip_sources(text, language, self.known)
        return out

    def reset(self) -> None:
        """A new session, in large text for a large-text tour (a citizen switches it on first)."""
        journey = self.app.journey
        journey.reset()
        if self.large_text:
            journey.toggle_large_text()

    def _calendar(self, service: str, step_id: str) -> None:
        """The first date of a step on its month calendar, then back to the keys."""
        form = self.window.screens["form"]
        pickers = [p for p in form.findChildren(DatePicker) if p.isVisible() and p.calendar is not None]
        if not pickers:
            return
        pickers[0].show_calendar()
        self.shot(service, f"{step_id}-calendar")
        assert pickers[0].calendar is not None
        pickers[0].calendar.back.click()

    def shot(self, service: str, name: str, page: QWidget | None = None) -> None:
        """`page`: an officer's page over the screen, checked for its layout instead."""
        settle()
        state = self.app.journey.state()
        index = len(self.entries) + 1
        path = self.out / f"{index:03d}-{_slug(service)}-{_slug(name)}.png"
        self.window.grab().save(str(path))
        fit = self.window.worst_fit(page)
        views: list[QWidget] = [page] if page is not None else [self.window.current_screen()]
        views += [v for v in (self.window.overlay, self.window.comfort) if page is None and v.isVisible()]
        self.entries.append(
            {
                "file": path.name,
                "service": service,
                "screen": state.screen,
                "name": name,
                "step": state.step.id if state.step else "",
                "language": state.language,
                "large_text": state.large_text,
                "overflow_px": fit.px,
                "overflow_at": fit.where,
                "smallest_target_px": self.window.sizes()[0],
                "smallest_text_px": self.window.sizes()[1],
                "tracking_code": state.review.tracking_code,
                # A shortcut (Ctrl+Shift+F12) reaches only the active window; a widget shown
                # before it has a parent is a window of its own for a moment and takes that away.
                "window_active": self.window.isActiveWindow(),
                "pictograms": list(dict.fromkeys(name for view in views for name in pictograms(view))),
                "officer_page": page is not None,  # for officers: no pictogram or voice required
                "voice": self.heard(state) if page is None else {},
            }
        )

    def run(self) -> list[dict[str, Any]]:
        journey = self.app.journey
        reader: Any = self.app.card_reader()
        profile = self.app.demo_profiles[-1]  # the long name and address: the hardest layout
        today = dt.date.today()
        self.reset()
        self.shot("", "idle")
        journey.start()
        self.shot("", "menu")
        for service in self.app.catalog.services:
            self._walk(service, reader, profile, today)
        self._status()
        self._overlays(reader, profile)
        self._officer(reader, profile)
        return self.entries

    def _status(self) -> None:
        """'Check my application': typed, scanned, forged and mistyped."""
        journey = self.app.journey
        self.reset()
        journey.open_status()
        self.shot("", "status-empty")
        codes = [e["tracking_code"] for e in self.entries if e.get("tracking_code")]
        if codes:
            journey.lookup_input(codes[-1][:6])
            self.shot("", "status-typing")
            journey.lookup_submit(codes[-1])
            self.shot("", "status-found")
            slip = self.app.controller.sign_slip(codes[0])
            journey.lookup_submit(slip[:-1] + ("A" if slip[-1] != "A" else "B"))
            self.shot("", "status-forged-slip")
        journey.lookup_submit("ABCDE-FGHJK")
        self.shot("", "status-mistyped")

    def _walk(self, service: Service, reader: Any, profile: Any, today: dt.date) -> None:
        """One service from the menu to the done screen, shooting every screen on the way."""
        journey = self.app.journey
        code = service.code
        self.reset()
        reader.remove()
        journey.start()
        journey.choose_service(code)
        guests = [p for p in self.app.demo_profiles if p is not profile][:2]
        for _ in range(4 * len(service.steps)):  # bounded: a stuck step must not hang the tour
            state = journey.state()
            step = state.step
            if step is None:
                break
            if step.kind == "consent":
                self.shot(code, "consent")
                journey.consent(True)
            elif step.kind == "card":
                self._card(code, reader, profile)
                if journey.state().screen != "identity":
                    self.shot(code, "card-error")
                    return
            elif step.kind == "identity":
                self.shot(code, "identity")
                journey.confirm_identity(True)
            elif step.kind == "form":
                self.shot(code, f"{step.id}-empty")
                journey.next()
                if journey.state().step is step:
                    self.shot(code, f"{step.id}-errors")
                else:  # nothing required: back to the step to show it answered
                    journey.back()
                values = dict(journey.state().form.values)
                for fdef in service.fields_of(step, values):
                    if not fdef.readonly:
                        values[fdef.id] = sample_value(fdef, values, today, self.app.journey.appointments)
                        journey.set_value(fdef.id, values[fdef.id])
                self.shot(code, f"{step.id}-filled")
                self._calendar(code, step.id)
                journey.next()
            elif step.kind == "people":
                self.shot(code, f"{step.id}-empty")
                for guest in guests:
                    journey.add_person()
                    reader.remove()
                    reader.insert(guest)
                    journey.set_id_number(guest.holder.id_number)
                passports = self.window.ctx.demo_passports
                journey.add_person()
                journey.use_passport(True)
                reader.remove()
                self.shot(code, f"{step.id}-passport")
                passports[1][1]()  # a foreigner's passport: refused here, with where to go instead
                self.shot(code, f"{step.id}-foreign-passport")
                reader.remove()
                passports[0][1]()  # a Vietnamese passport
                self.shot(code, f"{step.id}-list")
                journey.next()
            elif step.kind == "review":
                self.shot(code, step.id)
                journey.next()  # send
                break
            else:
                self.shot(code, step.id)
                journey.next()
            if journey.state().step is step and step.kind != "review":
                self.shot(code, f"{step.id}-stuck")
                return
        if journey.state().phase is not Phase.DONE:
            self.shot(code, "submit-problem")
            return
        self.shot(code, "done")
        if journey.state().fee_amount:
            done = self.window.screens["done"]
            done.pay_button.click()  # type: ignore[attr-defined]
            self.shot(code, "payment")
            self.window.primary_button.click()

    def _card(self, code: str, reader: Any, profile: Any) -> None:
        journey = self.app.journey
        self.shot(code, "card-waiting")
        reader.insert(profile)
        self.shot(code, "card-present")
        number = profile.holder.id_number
        journey.set_id_number(number[:6] + ("000000" if number[6:] != "000000" else "111111"))
        self.shot(code, "card-wrong-number")
        journey.set_id_number(number)

    def _overlays(self, reader: Any, profile: Any) -> None:
        journey = self.app.journey
        self.reset()
        journey.start()
        journey.call_officer()
        self.shot("", "officer-called")
        journey.dismiss_officer()
        journey.choose_service(self.app.catalog.services[0].code)
        journey.next()
        journey.consent(True)
        reader.remove()
        reader.insert(profile)
        journey.set_id_number(profile.holder.id_number)
        journey.set_language("en")
        self.shot("", "identity-english")
        journey.set_language("vi")
        journey.toggle_large_text()
        self.shot("", "identity-other-text-size")
        journey.toggle_large_text()
        self.window.open_comfort()  # "Âm lượng" in the top bar: volume and high contrast
        self.shot("", "volume-panel", self.window.comfort)
        self.window.close_comfort()
        self.clock.advance(self.app.config.ui.idle_warning_seconds + 1)
        journey.tick()
        self.shot("", "idle-warning")
        journey.touch()
        reader.remove()
        self.shot("", "card-removed-ask-done")

    def _officer(self, reader: Any, profile: Any) -> None:
        """Officer mode: sign-in, menu, device health, reprint, and assist mode on a citizen's step."""
        from kiosk.app.root import make_officer_desk
        from kiosk.officers import Actor
        from kiosk.permissions import Role

        officer = self.window.officer
        assert officer is not None
        make_officer_desk(self.app.config, self.clock).officers.add(
            Actor.command_line("tour"), "1001", "Nguyễn Thị Hằng", Role.STATION_HEAD, TOUR_PIN
        )
        journey = self.app.journey
        journey.reset()
        self.window.open_officer()
        keypad = officer.login.keypad
        for digit in "1001":
            keypad.key_for(digit).click()
        keypad.ok_key.click()
        self.shot("", "officer-sign-in", officer.login)
        for digit in TOUR_PIN:
            keypad.key_for(digit).click()
        keypad.ok_key.click()
        self.shot("", "officer-menu", officer.menu)
        officer.menu.buttons["health"].click()  # inline runner: the lines are there at once
        self.shot("", "officer-health", officer.health)
        officer.health.back_button.click()
        officer.menu.buttons["reprint"].click()
        self.shot("", "officer-reprint", officer.reprint)
        officer.reprint.back_button.click()
        officer.identity.open(journey.state().language)
        officer.pages.setCurrentWidget(officer.identity)
        self.shot("", "officer-identity-check", officer.identity)
        officer.menu.buttons["sign_out"].click()
        journey.start()
        journey.choose_service(self.app.catalog.services[0].code)
        journey.next()
        journey.consent(True)
        reader.remove()
        reader.insert(profile)
        journey.set_id_number(profile.holder.id_number)
        journey.next()
        self.window.open_officer()
        for digit in "1001" + "#" + TOUR_PIN:
            (keypad.ok_key if digit == "#" else keypad.key_for(digit)).click()
        keypad.ok_key.click()
        officer.menu.buttons["assist"].click()
        self.shot("", "assist-mode")
        officer.assist_bar.hand_back_button.click()


TOUR_PIN = "135790"


def run_tour(
    out: Path,
    size: tuple[int, int] = (1366, 768),
    language: str = "vi",
    theme: str = "normal",
    large_text: bool = False,
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as scratch:
        tour = Tour(out, size, tour_config(Path(scratch), language, theme), large_text)
        entries = tour.run()
        tour.window.allow_close = True
        tour.window.close()
        tour.app.controller.stop()
    del app
    manifest = out / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "size": list(size),
                "language": language,
                "large_text": large_text,
                "px_per_mm": tour.window.metrics.px_per_mm,
                "languages": tour.languages,
                # The demo card holders: their names are said as they are, made at first use.
                "people": [profile.holder.full_name for profile in tour.app.demo_profiles],
                "screens": entries,
            },
            ensure_ascii=False,
            indent=1,
        ),
        "utf-8",
    )
    return manifest
