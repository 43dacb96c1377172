"""The player on a real PulseAudio server (null sink): the samples that reach the sink are the
clip's, the volume scales them, a new clip cuts the last one off, one stream serves them all."""

from __future__ import annotations

from array import array
from collections.abc import Callable

from devices.audio.chime import chime_wav
from devices.audio.espeak import EspeakEngine
from devices.audio.pulse import PulsePlayer, scaled
from devices.audio.wav import Pcm, parse_wav
from tests.devices.audio.conftest import RATE, Recording, Sound, wait_until

SKIP = int(0.1 * RATE) * 2  # the sink's monitor may start a few ms late: compare from 0.1 s in


def body(pcm: Pcm, seconds: float = 0.4) -> bytes:
    """A stretch of the clip's samples from 0.1 s in: found in a recording only if played as is."""
    return pcm.frames[SKIP : SKIP + int(seconds * RATE) * 2]


def sounding(frames: bytes) -> bytes:
    """The 16-bit samples that are not silence: a loaded machine may let the sink run dry for a
    moment, which inserts silence into the recording but changes no sample of the clip."""
    samples = array("h", frames[: len(frames) // 2 * 2])
    return array("h", (v for v in samples if v)).tobytes()


def test_the_sink_receives_the_clip_sample_for_sample(sound: Sound, record: Callable[[], Recording]) -> None:
    clip = parse_wav(EspeakEngine().render("Ông Bà đặt thẻ lên đầu đọc", "vi"))
    assert clip.rate == RATE and clip.channels == 1
    recording = record()
    player = PulsePlayer(server=sound.server)
    try:
        player.play(clip)
        assert player.drain()
        rest = sounding(clip.frames[SKIP:])  # all of it after 0.1 s, to its last sound
        wait_until(lambda: rest in sounding(recording.bytes()), what="the whole clip at the sink")
        assert player.error == ""
    finally:
        player.close()


def test_volume_is_applied_to_the_samples(sound: Sound, record: Callable[[], Recording]) -> None:
    tone = parse_wav(chime_wav())
    recording = record()
    player = PulsePlayer(server=sound.server, volume=50)
    try:
        player.play(tone)
        assert player.drain()
        half = body(Pcm(tone.rate, 1, scaled(tone.frames, 0.5)))
        wait_until(lambda: half in recording.bytes(), what="the tone at half amplitude")
        assert body(tone) not in recording.bytes()  # not the full-volume samples
        player.set_volume(100)
        player.play(tone)
        assert player.drain()
        wait_until(lambda: body(tone) in recording.bytes(), what="the tone at full volume")
    finally:
        player.close()


def test_a_new_clip_cuts_off_the_one_playing(sound: Sound, record: Callable[[], Recording]) -> None:
    engine = EspeakEngine()
    long = parse_wav(engine.render("Ông Bà chọn thủ tục cần làm. " * 6, "vi"))
    short = parse_wav(chime_wav())
    assert long.seconds > 6
    recording = record()
    player = PulsePlayer(server=sound.server)
    started: list[bool] = []
    player.on_first_write.append(lambda: started.append(True))
    try:
        player.play(long)
        wait_until(lambda: bool(started), what="the long clip to start")
        player.play(short)
        assert player.drain()
        wait_until(lambda: body(short) in recording.bytes(), what="the second clip")
        heard = recording.bytes()
        tail = long.frames[-int(2 * RATE) * 2 :].rstrip(b"\0")[-4000:]
        assert tail not in heard  # the long clip's last seconds never played
        assert len(heard) < len(long.frames)  # and the server was not fed the whole of it first
    finally:
        player.close()


def test_one_stream_for_every_clip(sound: Sound) -> None:
    tone = parse_wav(chime_wav())
    player = PulsePlayer(server=sound.server)
    try:
        for _ in range(3):
            player.play(tone)
            assert player.drain()
        # While idle between clips the stream stays: the server still lists exactly one input.
        assert sound.pactl("list", "short", "sink-inputs").count("\n") == 1
    finally:
        player.close()
    wait_until(lambda: sound.pactl("list", "short", "sink-inputs").strip() == "", what="the stream to close")


def test_a_restarted_sound_server_gets_the_next_clip(sound: Sound, record: Callable[[], Recording]) -> None:
    tone = parse_wav(chime_wav())
    player = PulsePlayer(server=sound.server)
    try:
        player.play(tone)
        assert player.drain() and player.error == ""
        sound.stop()
        sound.start()  # pulseaudio restarted: the player's stream is gone
        recording = record()
        player.play(tone)
        assert player.drain()
        wait_until(lambda: body(tone) in recording.bytes(), what="the tone on the new server")
        assert player.error == ""
    finally:
        player.close()


def test_no_server_is_an_error_not_a_hang(sound: Sound) -> None:
    player = PulsePlayer(server=f"unix:{sound.folder}/no-such-socket")
    try:
        player.play(parse_wav(chime_wav()))
        assert player.drain(timeout=10)
        assert player.error  # "Connection refused": `kiosk voice say` prints it
    finally:
        player.close()
