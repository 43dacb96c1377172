"""The espeak-ng voice: the text reaches the synthesiser on stdin, never on its command line."""

from __future__ import annotations

import shutil
import stat
import time
from pathlib import Path

from devices.audio.espeak import EspeakVoice


def recording_espeak(tmp_path: Path) -> Path:
    """A stand-in espeak-ng that writes its argv and its stdin to files, as the real one reads them."""
    script = tmp_path / "espeak-ng"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{tmp_path}/argv"\n'
        f'cat > "{tmp_path}/stdin.part" && mv "{tmp_path}/stdin.part" "{tmp_path}/stdin"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def wait_for(path: Path) -> str:
    for _ in range(500):
        if path.exists():
            return path.read_text("utf-8")
        time.sleep(0.01)
    raise AssertionError(f"{path} never appeared")


def test_the_name_is_not_on_the_command_line(tmp_path: Path) -> None:
    voice = EspeakVoice(str(recording_espeak(tmp_path)))
    voice.say("Xin chào Ông Nguyễn Văn Bình, số 079", "vi")
    spoken = wait_for(tmp_path / "stdin")
    argv = wait_for(tmp_path / "argv")
    assert "Nguyễn Văn Bình" in spoken
    assert "không bảy chín" in spoken  # digits are spelled out
    assert "Nguyễn" not in argv and "079" not in argv
    assert argv.split() == ["-v", "vi", "--stdin"]


def test_real_espeak_reads_stdin(tmp_path: Path) -> None:
    """The real synthesiser accepts the same command line and speaks the text from stdin (to a WAV
    here, as a station without a sound card would not tell us anything)."""
    wav = tmp_path / "out.wav"
    real = shutil.which("espeak-ng")
    assert real is not None, "espeak-ng is installed by scripts/setup.sh"
    wrapper = tmp_path / "espeak-wav"
    wrapper.write_text(f'#!/bin/sh\nexec "{real}" -w "{wav}" "$@"\n')
    wrapper.chmod(0o755)
    voice = EspeakVoice(str(wrapper))
    voice.say("Ông Bà đặt thẻ lên đầu đọc", "vi")
    assert voice._current is not None
    voice._current.wait(timeout=30)
    assert wav.stat().st_size > 10_000  # about a second of speech
