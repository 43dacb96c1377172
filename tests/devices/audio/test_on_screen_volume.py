"""The on-screen volume ("Âm lượng" in the top bar) changes the volume of the PulseAudio sink the
kiosk's clips play on, read back with pactl from the test's own server; the next citizen starts
at the station's volume again. Driven through the real window with a finger."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from devices.audio.clips import ClipVoice
from devices.audio.sink import SinkVolume
from kiosk.app.root import make_voice
from kiosk.config import load_config
from tests.devices.audio.conftest import Sound
from ui.app import KioskUi
from ui.window import settle

STATION_VOLUME = 60


def sink_percent(sound: Sound) -> int:
    out = sound.pactl("get-sink-volume", "@DEFAULT_SINK@")
    return max(int(p) for p in re.findall(r"(\d+)%", out))


@pytest.fixture
def kiosk(qtbot, sound: Sound, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KioskUi]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PULSE_SERVER", sound.server)
    sound.pactl("set-sink-volume", "@DEFAULT_SINK@", "100%")  # not the station's: start must set it
    overrides = {"paths.data_dir": str(tmp_path), "voice.volume": STATION_VOLUME}
    config = load_config(overrides=overrides, demo=True, environ={})
    voice = make_voice(config)
    assert isinstance(voice, ClipVoice)
    ui = KioskUi(config, windowed=True, voice=voice)
    qtbot.addWidget(ui.window)
    ui.show()
    ui.window.resize(1366, 768)
    yield ui
    ui.close()
    voice.stop()


def tap(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(widget.isVisible, timeout=2000)
    assert widget.isEnabled()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    settle()


def test_volume_buttons_set_the_sink_and_the_next_citizen_gets_the_station_volume(  # type: ignore[no-untyped-def]
    qtbot, kiosk: KioskUi, sound: Sound
) -> None:
    window = kiosk.window
    assert sink_percent(sound) == STATION_VOLUME  # set at start, whatever the sink had
    kiosk.app.journey.start()
    settle()
    tap(qtbot, window.comfort_button)
    panel = window.comfort
    assert panel.isVisible() and panel.level.text() == "Âm lượng 6 trên 10"
    tap(qtbot, panel.louder_button)
    assert sink_percent(sound) == 70
    for _ in range(3):
        tap(qtbot, panel.quieter_button)
    assert sink_percent(sound) == 40 and panel.level.text() == "Âm lượng 4 trên 10"
    assert window.overflow(panel) == 0
    tap(qtbot, panel.close_button)
    assert not panel.isVisible()
    assert sink_percent(sound) == 40  # kept for the rest of this citizen's session
    kiosk.app.journey.reset()  # the next citizen
    settle()
    assert sink_percent(sound) == STATION_VOLUME


def test_the_quietest_and_loudest_steps_stop_at_the_ends(qtbot, kiosk: KioskUi, sound: Sound) -> None:  # type: ignore[no-untyped-def]
    window = kiosk.window
    kiosk.app.journey.start()
    settle()
    tap(qtbot, window.comfort_button)
    panel = window.comfort
    for _ in range(4):
        tap(qtbot, panel.louder_button)
    assert sink_percent(sound) == 100 and not panel.louder_button.isEnabled()
    for _ in range(10):
        tap(qtbot, panel.quieter_button)
    assert sink_percent(sound) == 0 and not panel.quieter_button.isEnabled()


def test_sink_volume_reads_what_pactl_set(sound: Sound) -> None:
    loudness = SinkVolume(sound.server)
    sound.pactl("set-sink-volume", "@DEFAULT_SINK@", "35%")
    assert loudness.volume == 35
    loudness.set_volume(80)
    assert sink_percent(sound) == 80 and loudness.volume == 80


def test_a_missing_server_keeps_the_volume_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loudness = SinkVolume(f"unix:{tmp_path / 'nothing-here'}")
    loudness.set_volume(50)  # never raises: a volume tap must not stop a journey
    assert loudness.read() is None
    assert "pactl set-sink-volume failed" in caplog.text
