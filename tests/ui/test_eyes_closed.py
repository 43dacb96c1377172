"""An eyes-closed journey (issue 11): temporary absence from idle to receipt by a citizen who
only listens and uses the keypad. The test never looks at the screen to act: it moves the focus
with the arrows until the voice says the name it is looking for, and presses Enter. It knows only
what such a citizen knows (the service, where they go, why); everything else comes from the voice.
At every new screen, what was said on arrival must name what to do next."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from devices.audio.clips import ClipFolder, ClipVoice, joined
from devices.audio.espeak import EspeakEngine
from devices.audio.wav import Pcm
from kiosk import phrases
from kiosk.config import load_config
from tests.ui.test_keypad_journeys import Keypad
from ui.app import KioskUi

V = "vi"
SERVICE = "Khai báo tạm vắng"
THEN_PRESS = re.compile(re.escape(phrases.THEN_PRESS.get(V)).replace(r"\{action\}", r"(?P<action>[^.|]+)"))
# Where no button goes on (the card not yet read, the menu), the words say what to do instead.
INSTRUCTIONS = ("đặt thẻ", "nhập", "bấm", "chạm", "chọn")


class Ear:
    def __init__(self, ui: KioskUi) -> None:
        self.said: list[tuple[str, str]] = ui.window.voice.said  # type: ignore[attr-defined]
        self.mark = 0

    def last(self) -> str:
        return self.said[-1][0] if self.said else ""

    def since_mark(self) -> list[str]:
        new = [text for text, _ in self.said[self.mark :]]
        self.mark = len(self.said)
        return new


class Citizen:
    """Arrows, Enter and the voice; nothing seen."""

    def __init__(self, qtbot: Any, ui: KioskUi) -> None:
        self.qtbot, self.ui = qtbot, ui
        self.keys = Keypad(ui)
        self.ear = Ear(ui)

    def find(self, words: str, *, exact: bool = False) -> None:
        """Right until the voice says `words` (a key's name exactly; a control's start), then Enter."""
        for _ in range(400):
            self.keys.arrow(Qt.Key.Key_Right)
            heard = self.ear.last()
            if heard.casefold() == words.casefold() or (not exact and heard.startswith(words)):
                self.keys.send(Qt.Key.Key_Return)
                return
        raise AssertionError(f"never heard {words!r}")

    def type(self, text: str) -> None:
        for ch in text:
            self.find(phrases.KEY_SPACE.get(V) if ch == " " else ch, exact=True)

    def arrival(self) -> str:
        """What was said since the last action, as one text; it must say what to do next."""
        heard = " | ".join(self.ear.since_mark())  # each utterance apart: an action ends at its own
        assert heard, "nothing said on arrival"
        named = THEN_PRESS.search(heard) or any(word in heard.lower() for word in INSTRUCTIONS)
        assert named, f"does not say what to do next: {heard!r}"
        return heard

    def go_on(self, heard: str) -> None:
        """Press the button the arrival named ("Rồi bấm Tiếp tục")."""
        found = THEN_PRESS.search(heard)
        assert found, heard
        self.find(found.group("action").strip())


def test_temporary_absence_eyes_closed(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    walk_eyes_closed(qtbot, kiosk_ui, Citizen(qtbot, kiosk_ui))


class HeardPlayer:
    """The sink: what reached it, in order (the kiosk's `ClipVoice` plays here)."""

    def __init__(self) -> None:
        self.volume = 100
        self.played: list[Pcm] = []

    def set_volume(self, percent: int) -> None:
        self.volume = percent

    def play(self, pcm: Pcm) -> None:
        self.played.append(pcm)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self, timeout: float = 30.0) -> bool:
        return True

    def error(self) -> str:
        return ""


class ListeningVoice(ClipVoice):
    """The kiosk's clip voice (espeak-ng renders each sentence at first use), with the texts it
    was given kept for the test's ear, and whether the last one's clips have reached the sink."""

    def __init__(self, folder: Path) -> None:
        self.sink = HeardPlayer()
        super().__init__(EspeakEngine(), ClipFolder(folder), self.sink)
        self.said: list[tuple[str, str]] = []

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))
        super().say(text, language)

    def last_played(self) -> bool:
        if not self.said:
            return True
        parts = self.plan(*self.said[-1])
        if not parts:
            return True
        clips = [self._cached(part) for part in parts]
        if any(clip is None for clip in clips):
            return False  # still being rendered
        heard = joined(clip for clip in clips if clip is not None)
        return bool(self.sink.played) and self.sink.played[-1] == heard


def test_temporary_absence_heard_clip_by_clip(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same journey through the kiosk's own clip voice: before each key the citizen presses,
    the clips of what was last said have reached the sink (issue 11: "it checks that each step's
    clip played before acting")."""
    voice = ListeningVoice(tmp_path / "clips")
    config = load_config(overrides={"paths.data_dir": str(tmp_path / "data")}, demo=True, environ={})
    ui = KioskUi(config, windowed=True, voice=voice)
    qtbot.addWidget(ui.window)
    ui.window.resize(1366, 768)
    ui.show()
    try:
        me = Citizen(qtbot, ui)
        waited = []

        def heard_first() -> None:
            qtbot.waitUntil(voice.last_played, timeout=20000)
            waited.append(voice.said[-1][0] if voice.said else "")

        me.keys.before_key = heard_first
        walk_eyes_closed(qtbot, ui, me)
        assert len(waited) > 50 and len(voice.sink.played) > 50  # every key waited for its clip
    finally:
        ui.close()


def walk_eyes_closed(qtbot, ui: KioskUi, me: Citizen) -> None:  # type: ignore[no-untyped-def]
    journey = ui.app.journey
    profile = ui.app.demo_profiles[-1]
    me.keys.hold_f1()
    assert phrases.ACCESSIBILITY_ON.get(V) in me.arrival()  # the keys, and the menu's question
    me.find(SERVICE)  # the tile says its name on focus; Enter opens it
    me.go_on(me.arrival())  # the intro: what the service is, then "Rồi bấm Tiếp tục"
    me.go_on(me.arrival())  # the consent: what is used and why, then the agreeing button
    heard = me.arrival()  # the card: place it, or show its QR
    assert phrases.CARD_WAYS.get(V) in heard
    reader: Any = ui.app.card_reader()
    reader.remove()
    reader.insert(profile)  # the one thing done by hand
    qtbot.waitUntil(lambda: phrases.CARD_PRESENT.get(V) in me.ear.last(), timeout=10000)
    assert "nhập 12 số" in me.arrival()
    me.type(profile.holder.id_number)
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=20000)
    qtbot.waitUntil(lambda: phrases.ID_TITLE.get(V) in me.ear.last(), timeout=5000)
    heard = me.arrival()
    assert profile.holder.full_name in heard  # the name read from the card, to confirm
    me.go_on(heard)
    me.arrival()  # where to: the address picker's own questions follow
    me.find("Đà Nẵng", exact=True)  # the provinces by their short names
    assert phrases.ADDRESS["commune_title"].get(V) in me.ear.last()
    me.find("Phường Hòa Khánh")
    assert phrases.ADDRESS["street_title"].get(V) in me.ear.last()
    me.type("thoon 3")
    me.ear.since_mark()
    me.find(phrases.NEXT.get(V))
    heard = me.arrival()  # the dates
    me.find("Ngày đi, Ngày, tăng")
    me.find("Ngày về, Ngày, tăng")
    me.ear.since_mark()
    me.go_on(heard)
    heard = me.arrival()  # why
    me.find("Thăm người thân")
    me.go_on(heard)
    heard = me.arrival()  # the review, then "Rồi bấm Gửi hồ sơ"
    me.go_on(heard)
    qtbot.waitUntil(lambda: journey.state().review.print_state == "printed", timeout=30000)
    qtbot.wait(50)
    heard = me.arrival()
    assert phrases.DONE_TITLE.get(V) in heard and phrases.PRINTED.get(V) in heard
    assert ui.app.side is not None
    stored = ui.app.side.store().get(journey.state().review.tracking_code)
    assert stored is not None and stored.dossier is not None and stored.dossier.service_code == "1.003677"
    me.go_on(heard)  # "Xong"
    assert journey.state().screen == "idle"
