"""`kiosk voice build|list|say` and the engine choice (`[voice] engine`), Piper included."""

from __future__ import annotations

import logging
import stat
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.audio.chime import chime_wav
from devices.audio.clips import ClipVoice
from devices.audio.espeak import EspeakVoice
from devices.audio.piper import PiperEngine
from devices.audio.wav import parse_wav
from kiosk.app.cli import main
from kiosk.app.root import VoiceUnavailable, make_voice, make_voice_engine
from kiosk.catalog import load_catalog
from kiosk.config import load_config
from kiosk.text import LANGUAGES
from kiosk.voice import clip_key, known_texts
from tests.devices.audio.conftest import Recording, Sound, wait_until


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def fast_espeak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An espeak-ng on PATH that answers every sentence with the same short WAV: the build's
    bookkeeping is tested here, the real synthesiser in test_clip_voice.py."""
    wav = tmp_path / "tone.wav"
    wav.write_bytes(chime_wav())
    folder = tmp_path / "bin"
    folder.mkdir()
    script(folder / "espeak-ng", f'cat > /dev/null\ncat "{wav}"\n')
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return folder


def config_file(tmp_path: Path, voice: str = "") -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n\n[voice]\n{voice}')
    return path


def test_build_then_list(tmp_path: Path, fast_espeak: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_file(tmp_path)
    known = known_texts(load_catalog(), LANGUAGES)
    total = sum(len(s) for s in known.values())
    # Two texts the voice reads alike ("mức 2" on screen, "mức hai" in a prompt) share one clip.
    clips_needed = len({clip_key("any", s, language) for language, said in known.items() for s in said})
    alike = total - clips_needed
    assert main(["--config", str(cfg), "voice", "list", "--missing"]) == 0
    summary = [line for line in capsys.readouterr().out.splitlines() if " sentences, " in line]
    assert summary[0].startswith(f"{total} sentences, 0 with a clip, {total} missing")
    assert main(["--config", str(cfg), "voice", "build"]) == 0
    built = capsys.readouterr().out
    assert f"{total} sentences, {clips_needed} rendered, {alike} already there, 0 failed" in built
    clips = tmp_path / "data" / "cache" / "voice"
    assert len(list(clips.glob("*.wav"))) == clips_needed
    assert main(["--config", str(cfg), "voice", "build", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert ", 0 rendered, " in out and " already there, 0 failed" in out
    assert main(["--config", str(cfg), "voice", "list", "--language", "vi", "--language", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith(f"{total} sentences, {total} with a clip, 0 missing")
    assert any(line.startswith("+ vi ") and line.endswith("Chạm vào màn hình để bắt đầu") for line in lines)
    stale = clips / ("0" * 40 + ".wav")  # a clip of a sentence the catalog no longer has
    stale.write_bytes(chime_wav())
    assert main(["--config", str(cfg), "voice", "build", "--prune"]) == 0
    out = capsys.readouterr().out
    assert ", 0 rendered, " in out and ", 1 pruned" in out and not stale.exists()
    assert len(list(clips.glob("*.wav"))) == clips_needed


def test_build_says_why_piper_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_file(tmp_path, f'engine = "piper"\npiper_model = "{tmp_path / "vi_VN.onnx"}"\n')
    assert main(["--config", str(cfg), "voice", "build"]) == 2
    err = capsys.readouterr().err
    assert "piper" in err and ("not installed" in err or "does not exist" in err)


def test_piper_problems_are_one_line_each(tmp_path: Path) -> None:
    fake = script(tmp_path / "piper", "exit 1\n")
    assert "piper_model is not set" in PiperEngine(None, str(fake)).problem()
    assert "does not exist" in PiperEngine(tmp_path / "x.onnx", str(fake)).problem()
    (tmp_path / "x.onnx").write_bytes(b"model")
    assert "x.onnx.json" in PiperEngine(tmp_path / "x.onnx", str(fake)).problem()
    (tmp_path / "x.onnx.json").write_text("{}")
    assert PiperEngine(tmp_path / "x.onnx", str(fake)).problem() == ""


def test_piper_reads_the_text_on_stdin_and_writes_the_wav_it_was_told(tmp_path: Path) -> None:
    wav = tmp_path / "tone.wav"
    wav.write_bytes(chime_wav())
    fake = script(
        tmp_path / "piper",
        f'printf "%s\\n" "$@" > "{tmp_path}/argv"\ncat > "{tmp_path}/stdin"\n'
        'while [ "$1" != "--output_file" ]; do shift; done\n'
        f'cp "{wav}" "$2"\n',
    )
    model = tmp_path / "vi_VN-vais1000-medium.onnx"
    model.write_bytes(b"model")
    (tmp_path / "vi_VN-vais1000-medium.onnx.json").write_text("{}")
    cfg = load_config(
        config_file(tmp_path, f'engine = "piper"\npiper_binary = "{fake}"\npiper_model = "{model}"\n')
    )
    engine = make_voice_engine(cfg)
    pcm = parse_wav(engine.render("Xin chào Ông Nguyễn Văn Bình", "vi"))
    assert pcm == parse_wav(chime_wav())
    argv = (tmp_path / "argv").read_text().split()
    assert argv[:2] == ["--model", str(model)] and argv[2] == "--output_file"
    assert (tmp_path / "stdin").read_text("utf-8") == "Xin chào Ông Nguyễn Văn Bình\n"
    assert engine.voice_id("vi").startswith("piper:vi_VN-vais1000-medium.onnx:")


def test_a_piper_that_cannot_run_falls_back_to_espeak(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, sound: Sound, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_SERVER", sound.server)
    cfg = load_config(config_file(tmp_path, f'engine = "piper"\npiper_model = "{tmp_path / "none.onnx"}"\n'))
    with pytest.raises(VoiceUnavailable):
        make_voice_engine(cfg)
    with caplog.at_level(logging.WARNING):
        voice = make_voice(cfg, load_catalog())
    assert isinstance(voice, ClipVoice) and voice.engine.name == "espeak-ng"
    assert "using espeak-ng" in caplog.text
    voice.close()


def test_engine_off_is_silent(tmp_path: Path) -> None:
    voice = make_voice(load_config(config_file(tmp_path, 'engine = "off"\n')))
    assert type(voice).__name__ == "Silent"


def test_say_reaches_the_sound_server(
    tmp_path: Path,
    sound: Sound,
    record: Callable[[], Recording],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PULSE_SERVER", sound.server)
    cfg = config_file(tmp_path, "volume = 100\n")
    recording = record()
    assert main(["--config", str(cfg), "voice", "say", "Xin chào"]) == 0
    wait_until(lambda: any(recording.bytes()), what="sound at the sink")
    capsys.readouterr()
    # No server: the kiosk falls back to espeak-ng speaking each phrase (never silent); `say` says so.
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/nothing-here")
    assert isinstance(make_voice(load_config(cfg)), EspeakVoice)
    assert main(["--config", str(cfg), "voice", "say", "Xin chào"]) == 2
    assert "no PulseAudio server" in capsys.readouterr().err


def test_without_a_config_espeak_speaks_each_phrase() -> None:
    """Without a config (an old caller) espeak-ng speaks each phrase; `ui/app.py` passes its config."""
    from devices.audio.espeak import EspeakVoice

    assert isinstance(make_voice(), EspeakVoice)


def tone_wav(path: Path, rate: int = 44100, seconds: float = 0.6) -> Path:
    import math
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        frame = (round(8000 * math.sin(2 * math.pi * 330 * n / rate)) for n in range(int(rate * seconds)))
        out.writeframes(b"".join(struct.pack("<hh", v, v) for v in frame))
    return path


def test_add_import_and_list_the_recordings_of_a_language_pack(
    tmp_path: Path, fast_espeak: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk import phrases
    from kiosk.voice import recorded_key

    cfg = config_file(tmp_path)
    clips = tmp_path / "data" / "cache" / "voice"
    rate = parse_wav(chime_wav()).rate  # what the (fake) engine renders: recordings follow it
    assert (
        main(["--config", str(cfg), "voice", "add", "hmn", "IDLE_TOUCH", str(tone_wav(tmp_path / "a.wav"))])
        == 0
    )
    assert "hmn IDLE_TOUCH: recorded, 0.6 s (Kov lub vijtsam kom pib)" in capsys.readouterr().out
    stored = clips / "recorded" / "hmn" / f"{recorded_key('hmn', phrases.IDLE_TOUCH.get('hmn'))}.wav"
    pcm = parse_wav(stored.read_bytes())
    assert (pcm.rate, pcm.channels) == (rate, 1)
    # A folder: files named by text id; what cannot be used is said and nothing else is lost.
    folder = tmp_path / "rec"
    folder.mkdir()
    tone_wav(folder / "LANGUAGE_NAME.wav", 48000)
    tone_wav(folder / "khai-bao-tam-vang.steps.reason.title.wav", 16000)
    tone_wav(folder / "NO_SUCH_PHRASE.wav")
    tone_wav(folder / "STEP_OF.wav")
    (folder / "CARD_WAYS.m4a").write_bytes(b"\0\0\0 ftypM4A ")
    assert main(["--config", str(cfg), "voice", "import", "hmn", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "hmn: 2 recorded, 3 not" in out
    assert "NO_SUCH_PHRASE.wav: not recorded: NO_SUCH_PHRASE is not a phrase or catalog text" in err
    assert "STEP_OF.wav: not recorded: STEP_OF is filled in at run time" in err
    assert "CARD_WAYS.m4a: not recorded: not a .wav file" in err
    assert len(list((clips / "recorded" / "hmn").glob("*.wav"))) == 3
    # The list: per text recorded (R) or falling back to the Vietnamese clip, made (V) or not (-).
    assert main(["--config", str(cfg), "voice", "list", "--language", "hmn"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "R hmn IDLE_TOUCH Kov lub vijtsam kom pib" in lines and "R hmn LANGUAGE_NAME Lus Hmoob" in lines
    assert "- hmn CARD_READ Nyeem daim npav tiav lawm" in lines
    assert lines[-1].startswith("hmn: ") and " 3 recorded, " in lines[-1]
    assert main(["--config", str(cfg), "voice", "build", "--language", "vi", "--prune"]) == 0
    capsys.readouterr()
    assert main(["--config", str(cfg), "voice", "list", "--language", "hmn", "--missing"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "V hmn CARD_READ Nyeem daim npav tiav lawm" in lines and not any(x.startswith("R ") for x in lines)
    assert " 3 recorded, " in lines[-1]  # --prune left the recordings alone
    assert len(list((clips / "recorded" / "hmn").glob("*.wav"))) == 3
    # vi and en are rendered, not recorded; an unknown language is named.
    assert main(["--config", str(cfg), "voice", "add", "vi", "IDLE_TOUCH", str(tmp_path / "a.wav")]) == 1
    assert "'vi' is not a language pack (hmn)" in capsys.readouterr().err
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF")
    assert main(["--config", str(cfg), "voice", "add", "hmn", "CARD_READ", str(bad)]) == 1
    assert "not recorded: not a WAV file" in capsys.readouterr().err
