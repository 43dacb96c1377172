"""A station's recording made into a clip (`devices/audio/recording.py`), and the clip voice
playing a language pack's recordings, else the Vietnamese clips of the same text."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import pytest

from devices.audio.clips import ClipFolder, ClipVoice
from devices.audio.recording import RecordingError, to_clip
from devices.audio.wav import Pcm, parse_wav
from kiosk import languages, phrases
from kiosk.catalog import load_catalog
from kiosk.voice import clip_key, recorded_key
from tests.devices.audio.test_clip_voice import CountingEngine, TakenPlayer

RATE = 22050


def wav(samples: list[list[float]], rate: int, bits: int = 16, tag: int = 1) -> bytes:
    """A WAV file of frames (one value per channel), written by hand: 8/16/24/32-bit PCM or float."""
    channels = len(samples[0])
    width = bits // 8
    body = bytearray()
    for frame in samples:
        for v in frame:
            if tag == 3:
                body += struct.pack("<f", v)
            elif bits == 8:
                body += bytes([round(v * 127) + 128])
            else:
                body += round(v * (2 ** (bits - 1) - 1)).to_bytes(width, "little", signed=True)
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * channels * width, channels * width, bits)
    chunks = (
        b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(body)) + bytes(body)
    )
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def tone(frequency: float, rate: int, seconds: float, level: float = 0.3, lead: float = 0.5) -> list[float]:
    quiet = [0.0] * int(lead * rate)
    return (
        quiet
        + [level * math.sin(2 * math.pi * frequency * n / rate) for n in range(int(seconds * rate))]
        + quiet
    )


def crossings(pcm: Pcm) -> int:
    """Upward swings through zero, with hysteresis: the resampler's faint ringing in the trimmed
    margins is no tone."""
    count, low = 0, False
    for v in struct.unpack(f"<{len(pcm.frames) // 2}h", pcm.frames):
        if v < -1000:
            low = True
        elif v > 1000 and low:
            count, low = count + 1, False
    return count


def test_a_stereo_24_bit_48k_recording_becomes_a_mono_clip_at_the_clip_rate() -> None:
    left = tone(440, 48000, 1.0)
    clip = to_clip(wav([[v, v] for v in left], 48000, bits=24), RATE)
    assert (clip.rate, clip.channels) == (RATE, 1)
    assert 1.05 <= clip.seconds <= 1.15  # the half-second silences trimmed to 50 ms each
    assert abs(crossings(clip) - 440) <= 2  # the same pitch after resampling
    peak = max(abs(v) for v in struct.unpack(f"<{len(clip.frames) // 2}h", clip.frames))
    assert abs(peak / 32767 - 0.89) < 0.01  # brought to −1 dBFS whatever the microphone gave


def test_going_down_in_rate_removes_what_the_clip_cannot_carry() -> None:
    """A 15 kHz whistle over a 22,050 Hz clip (Nyquist 11 kHz) would fold back as a 7 kHz one."""
    mixed = [
        a + b for a, b in zip(tone(440, 44100, 1.0, 0.3, 0), tone(15000, 44100, 1.0, 0.3, 0), strict=True)
    ]
    clip = to_clip(wav([[v] for v in mixed], 44100), RATE)
    assert abs(crossings(clip) - 440) <= 2  # no alias: only the 440 Hz tone crosses zero upwards


@pytest.mark.parametrize(("bits", "tag"), [(8, 1), (16, 1), (32, 1), (32, 3)])
def test_other_sample_formats_and_rates(bits: int, tag: int) -> None:
    clip = to_clip(wav([[v] for v in tone(300, 16000, 0.5)], 16000, bits, tag), RATE)
    assert clip.rate == RATE and abs(crossings(clip) - 150) <= 2


def test_what_is_not_a_usable_recording_is_refused_with_why() -> None:
    with pytest.raises(RecordingError, match=r"not a WAV file: convert it first, e\.g\. ffmpeg"):
        to_clip(b"ID3\x04" + b"\0" * 100, RATE)  # an MP3
    with pytest.raises(RecordingError, match="nothing can be heard"):
        to_clip(wav([[0.0]] * 48000, 48000), RATE)
    with pytest.raises(RecordingError, match="not plain PCM or float"):
        to_clip(wav([[0.1]] * 100, 8000, bits=8, tag=6), RATE)  # A-law
    with pytest.raises(RecordingError, match="longer than 60 s"):
        to_clip(wav([[0.1]] * (8000 * 61), 8000), RATE)


def test_the_clip_voice_plays_a_recording_then_the_vietnamese_clips(tmp_path: Path) -> None:
    assert languages.install_bundled(load_catalog()) == []
    engine = CountingEngine()
    folder = ClipFolder(tmp_path / "clips")
    touch, present = phrases.IDLE_TOUCH.get("hmn"), phrases.CARD_PRESENT.get("hmn")
    recording = to_clip(wav([[v] for v in tone(220, 48000, 0.8)], 48000), RATE)
    folder.recordings("hmn").put(recorded_key("hmn", touch), recording)
    player = TakenPlayer()
    voice = ClipVoice(engine, folder, player)
    voice.say(f"{touch}. {present}", "hmn")
    voice.wait_idle()
    assert player.heard.wait(30)
    # The Vietnamese of CARD_PRESENT, rendered by the Vietnamese voice: nothing Hmong was read by it.
    assert engine.rendered == ["Đã thấy thẻ", "Ông/Bà nhập 12 số trên thẻ"]
    vi = b"".join(parse_wav(engine._real.render(s, "vi")).frames for s in engine.rendered)
    assert player.played[-1].frames == recording.frames + vi
    assert folder.made() == set()  # the rendered Vietnamese is not kept: not a sentence known ahead
    assert clip_key(engine.voice_id("vi"), "Đã thấy thẻ", "vi") not in folder.recordings("hmn").made()
    voice.close()


def test_without_pulseaudio_espeak_says_the_vietnamese_of_a_packs_text(tmp_path: Path) -> None:
    import stat
    import time

    from devices.audio.espeak import EspeakVoice

    assert languages.install_bundled(load_catalog()) == []
    heard = tmp_path / "heard.txt"
    fake = tmp_path / "espeak-ng"
    fake.write_text(f'#!/bin/sh\necho "$2" > "{heard}.voice"\ncat > "{heard}"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    voice = EspeakVoice(str(fake))
    voice.say(f"{phrases.IDLE_TOUCH.get('hmn')}. Nguyễn Văn Bình", "hmn")
    deadline = time.monotonic() + 10
    while not (heard.exists() and heard.read_text()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert heard.read_text("utf-8").strip() == "Chạm vào màn hình để bắt đầu. Nguyễn Văn Bình"
    assert Path(f"{heard}.voice").read_text().strip() == "vi"
    voice.stop()
