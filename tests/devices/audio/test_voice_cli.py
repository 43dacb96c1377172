"""`kiosk voice build|list|say` and the engine choice (`[voice] engine`), Piper included."""

from __future__ import annotations

import logging
import stat
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
from kiosk.voice import known_texts
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
    total = sum(len(s) for s in known_texts(load_catalog(), LANGUAGES).values())
    assert main(["--config", str(cfg), "voice", "list", "--missing"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith(f"{total} sentences, 0 with a clip, {total} missing")
    assert main(["--config", str(cfg), "voice", "build"]) == 0
    assert f"{total} sentences, {total} rendered, 0 already there, 0 failed" in capsys.readouterr().out
    clips = tmp_path / "data" / "cache" / "voice"
    assert len(list(clips.glob("*.wav"))) == total
    assert main(["--config", str(cfg), "voice", "build", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert ", 0 rendered, " in out and " already there, 0 failed" in out
    assert main(["--config", str(cfg), "voice", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith(f"{total} sentences, {total} with a clip, 0 missing")
    assert any(line.startswith("+ vi ") and line.endswith("Chạm vào màn hình để bắt đầu") for line in lines)
    stale = clips / ("0" * 40 + ".wav")  # a clip of a sentence the catalog no longer has
    stale.write_bytes(chime_wav())
    assert main(["--config", str(cfg), "voice", "build", "--prune"]) == 0
    out = capsys.readouterr().out
    assert ", 0 rendered, " in out and ", 1 pruned" in out and not stale.exists()
    assert len(list(clips.glob("*.wav"))) == total


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
