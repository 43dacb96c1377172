"""The clip voice: built clips are played without rendering, a sentence not built is rendered off
the caller's thread, a citizen's name never lands on disk, the latest text wins."""

from __future__ import annotations

import struct
import threading
from pathlib import Path

import pytest

from devices.audio.chime import chime_wav
from devices.audio.clips import ClipFolder, ClipVoice, build_clips, known_keys
from devices.audio.espeak import EspeakEngine
from devices.audio.wav import Pcm, parse_wav, to_wav
from kiosk.voice import clip_key


class CountingEngine:
    """The real espeak-ng, counting renders; `gate` (when set) holds each render until released."""

    name = "espeak-ng"

    def __init__(self) -> None:
        self._real = EspeakEngine()
        self.rendered: list[str] = []
        self.gate: threading.Event | None = None

    def problem(self) -> str:
        return self._real.problem()

    def voice_id(self, language: str) -> str:
        return self._real.voice_id(language)

    def render(self, text: str, language: str) -> bytes:
        if self.gate is not None:
            assert self.gate.wait(30)
        self.rendered.append(text)
        return self._real.render(text, language)


class TakenPlayer:
    """Keeps what it was asked to play (the PulseAudio player itself: test_pulse_player.py)."""

    def __init__(self) -> None:
        self.played: list[Pcm] = []
        self.stops = 0
        self.volume = 100
        self.error = ""
        self.heard = threading.Event()

    def set_volume(self, percent: int) -> None:
        self.volume = percent

    def play(self, pcm: Pcm) -> None:
        self.played.append(pcm)
        self.heard.set()

    def stop(self) -> None:
        self.stops += 1

    def close(self) -> None:
        pass

    def drain(self, timeout: float = 30.0) -> bool:
        return True


GREETING = "Chạm vào màn hình để bắt đầu"
PLACE = "Đặt thẻ lên đầu đọc."


def built(tmp_path: Path, engine: CountingEngine) -> ClipFolder:
    folder = ClipFolder(tmp_path / "clips")
    report = build_clips(engine, folder, {"vi": [GREETING, PLACE]})
    assert (report.rendered, report.present, report.failed) == (2, 0, [])
    engine.rendered.clear()
    return folder


def test_build_renders_each_sentence_once(tmp_path: Path) -> None:
    engine = CountingEngine()
    folder = built(tmp_path, engine)
    again = build_clips(engine, folder, {"vi": [GREETING, PLACE], "en": ["Touch the screen to start"]})
    assert (again.rendered, again.present) == (1, 2) and engine.rendered == ["Touch the screen to start"]
    key = clip_key(engine.voice_id("vi"), GREETING, "vi")
    stored = folder.get(key)
    assert stored is not None and stored == parse_wav(EspeakEngine().render(GREETING, "vi"))
    assert sorted(p.name for p in folder.folder.iterdir()) == sorted(f"{k}.wav" for k in folder.made())


def test_built_clips_play_without_rendering_in_order(tmp_path: Path) -> None:
    engine = CountingEngine()
    folder = built(tmp_path, engine)
    player = TakenPlayer()
    voice = ClipVoice(engine, folder, player)
    voice.say(f"{PLACE} {GREETING}", "vi")  # two sentences: two clips, one after the other
    assert engine.rendered == []
    assert len(player.played) == 1  # already handed over when `say` returned
    first, second = (folder.get(clip_key(engine.voice_id("vi"), s, "vi")) for s in (PLACE, GREETING))
    assert first is not None and second is not None
    assert player.played[0].frames == first.frames + second.frames
    voice.close()


def test_a_name_is_rendered_in_the_background_and_kept_in_memory_only(tmp_path: Path) -> None:
    engine = CountingEngine()
    folder = built(tmp_path, engine)
    player = TakenPlayer()
    known = known_keys(engine, {"vi": [GREETING, PLACE]})
    voice = ClipVoice(engine, folder, player, lambda: known)
    engine.gate = threading.Event()
    voice.say("Đây có phải là Ông Nguyễn Văn Bình không?", "vi")
    # `say` came back while the render is held: the UI thread never waits for a synthesiser.
    assert player.played == [] and engine.rendered == []
    engine.gate.set()
    assert player.heard.wait(30)
    assert engine.rendered == ["Đây có phải là Ông Nguyễn Văn Bình không?"]
    assert len(folder.made()) == 2  # not on disk
    voice.say("Đây có phải là Ông Nguyễn Văn Bình không?", "vi")  # "Nghe lại": from memory
    assert len(player.played) == 2 and len(engine.rendered) == 1
    voice.close()


def test_a_known_sentence_missing_from_the_build_is_stored_when_first_said(tmp_path: Path) -> None:
    engine = CountingEngine()
    folder = built(tmp_path, engine)
    new = "Thủ tục mới của trạm."
    known = known_keys(engine, {"vi": [GREETING, PLACE, new]})
    voice = ClipVoice(engine, folder, TakenPlayer(), lambda: known)
    voice.say(new, "vi")
    voice.wait_idle()
    assert folder.has(clip_key(engine.voice_id("vi"), new, "vi"))
    voice.close()


def test_the_latest_text_wins_over_one_still_rendering(tmp_path: Path) -> None:
    engine = CountingEngine()
    folder = built(tmp_path, engine)
    player = TakenPlayer()
    voice = ClipVoice(engine, folder, player)
    engine.gate = threading.Event()
    voice.say("Ông Trần Văn An", "vi")  # rendering, held
    voice.say(GREETING, "vi")  # the next screen: built, played at once
    engine.gate.set()
    voice.wait_idle()
    greeting = folder.get(clip_key(engine.voice_id("vi"), GREETING, "vi"))
    assert greeting is not None
    assert [p.frames for p in player.played] == [greeting.frames]  # the name never played after it
    voice.close()


def test_nothing_to_say_stops_what_is_playing(tmp_path: Path) -> None:
    engine = CountingEngine()
    player = TakenPlayer()
    voice = ClipVoice(engine, built(tmp_path, engine), player)
    voice.say(GREETING, "vi")
    voice.say("  ", "vi")
    assert len(player.played) == 1 and player.stops == 1
    voice.close()


def test_volume_goes_to_the_player(tmp_path: Path) -> None:
    player = TakenPlayer()
    voice = ClipVoice(CountingEngine(), ClipFolder(tmp_path), player)
    voice.set_volume(35)
    assert voice.volume == 35 == player.volume
    voice.close()


def test_a_damaged_clip_is_rendered_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine = CountingEngine()
    folder = built(tmp_path, engine)
    key = clip_key(engine.voice_id("vi"), GREETING, "vi")
    folder.path(key).write_bytes(b"RIFF\0\0\0\0WAVEjunk")
    player = TakenPlayer()
    voice = ClipVoice(engine, folder, player)
    voice.say(GREETING, "vi")
    assert player.heard.wait(30)
    assert engine.rendered == [GREETING] and "damaged" in caplog.text
    voice.close()


def test_wav_round_trip_of_a_streamed_header() -> None:
    streamed = EspeakEngine().render("Xin chào", "vi")
    declared = struct.unpack_from("<I", streamed, 40)[0]  # espeak-ng --stdout cannot seek back
    assert declared > len(streamed)
    pcm = parse_wav(streamed)
    assert len(pcm.frames) == len(streamed) - 44
    assert parse_wav(to_wav(pcm)) == pcm
    assert parse_wav(chime_wav()).rate == 22050


def test_the_screen_finds_the_volume_through_the_port(tmp_path: Path) -> None:
    from kiosk.ports.voice import Loudness, Silent

    voice = ClipVoice(CountingEngine(), ClipFolder(tmp_path), TakenPlayer())
    assert isinstance(voice, Loudness) and not isinstance(Silent(), Loudness)
    voice.close()
