"""The kiosk's voice from pre-rendered clips: one WAV per sentence in a folder named by hash,
played on one long-lived audio stream (`devices/audio/pulse.py`), no process per phrase.

`kiosk voice build` fills the folder with every sentence known ahead (`kiosk.voice.known_texts`).
A sentence not in it is rendered at first use on the voice's own thread, never the UI thread; it
is kept on disk only if it is one of the known sentences (the catalog changed since the build):
a sentence with a citizen's name in it stays in memory, for "Nghe lại", and is forgotten.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from devices.audio.wav import Pcm, WavError, parse_wav, to_wav
from kiosk import languages
from kiosk.ports.voice import Loudness
from kiosk.voice import Part, clip_key, plan

log = logging.getLogger(__name__)

MEMORY_CLIPS = 16  # sentences not kept on disk: enough for a screen and "Nghe lại"


class Engine(Protocol):
    name: str

    def problem(self) -> str: ...
    def voice_id(self, language: str) -> str: ...
    def render(self, text: str, language: str) -> bytes: ...


class Player(Protocol):
    @property
    def volume(self) -> int: ...
    def set_volume(self, percent: int) -> None: ...
    def play(self, pcm: Pcm) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...
    def drain(self, timeout: float = 30.0) -> bool: ...
    @property
    def error(self) -> str: ...


class ClipFolder:
    """`<key>.wav` files; written whole (temporary file, then renamed) so a reader never sees half."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> Pcm | None:
        try:
            return parse_wav(self.path(key).read_bytes())
        except FileNotFoundError:
            return None
        except WavError as exc:
            log.warning("voice: clip %s is damaged (%s): rendered again", key, exc)
            return None

    def put(self, key: str, pcm: Pcm) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(to_wav(pcm))
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def made(self) -> set[str]:
        return {p.stem for p in self.folder.glob("*.wav")} if self.folder.is_dir() else set()

    def recordings(self, language: str) -> ClipFolder:
        """A station's recordings for a language pack (`kiosk voice add`), apart from the rendered
        clips so that `kiosk voice build --prune` never removes one."""
        return ClipFolder(self.folder / "recorded" / language)


@dataclass(frozen=True)
class BuildReport:
    rendered: int
    present: int
    failed: list[str]


def build_clips(
    engine: Engine,
    folder: ClipFolder,
    texts: dict[str, list[str]],
    progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Render every sentence of `texts` ({language: sentences}) not yet in the folder."""
    rendered = present = 0
    failed: list[str] = []
    for language, said in texts.items():
        voice = engine.voice_id(language)
        for sentence in said:
            key = clip_key(voice, sentence, language)
            if folder.has(key):
                present += 1
                continue
            try:
                folder.put(key, parse_wav(engine.render(sentence, language)))
                rendered += 1
            except (RuntimeError, WavError, OSError) as exc:
                failed.append(f"{language}: {sentence!r}: {exc}")
            if progress is not None:
                progress(rendered)
    return BuildReport(rendered, present, failed)


def joined(clips: Iterable[Pcm]) -> Pcm | None:
    """One clip of the sentences in order (those in another format than the first are dropped:
    a recorded clip among rendered ones would need resampling)."""
    clips = list(clips)
    if not clips:
        return None
    first = clips[0]
    same = [c.frames for c in clips if (c.rate, c.channels) == (first.rate, first.channels)]
    return Pcm(first.rate, first.channels, b"".join(same))


class ClipVoice:
    """The `kiosk.ports.voice.Voice` of the kiosk: `say` returns at once; the latest text wins."""

    def __init__(
        self,
        engine: Engine,
        folder: ClipFolder,
        player: Player,
        known: Callable[[], frozenset[str]] = frozenset,
        loudness: Loudness | None = None,
    ) -> None:
        self.engine = engine
        # The sink's volume (`devices/audio/sink.py`) where the station has pactl; else the player
        # scales the samples.
        self._loudness: Loudness = loudness or player
        self.folder = folder
        self._player = player
        self._known = known  # keys of the sentences known ahead (may load the catalog: called late)
        self._known_keys: frozenset[str] | None = None
        self._memory: OrderedDict[str, Pcm] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self._renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-render")

    @property
    def volume(self) -> int:
        return self._loudness.volume

    def set_volume(self, percent: int) -> None:
        """0 (silent) to 100, at once, what is playing too. For the on-screen control."""
        self._loudness.set_volume(percent)

    def plan(self, text: str, language: str) -> list[Part]:
        """The clips of `text`: a language pack's recordings, else the Vietnamese (`kiosk.voice.plan`)."""
        recorded = self.folder.recordings(language)
        return plan(
            text,
            language,
            self.engine.voice_id,
            recorded.has,
            lambda said: languages.vietnamese_of(language, said),
        )

    def say(self, text: str, language: str) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        parts = self.plan(text, language)
        if not parts:
            self._player.stop()  # a screen with nothing to say: the last one's words stop
            return
        clips = [self._cached(part) for part in parts]
        if all(c is not None for c in clips):
            pcm = joined(c for c in clips if c is not None)
            if pcm is not None:
                self._player.play(pcm)
            return
        self._player.stop()  # the previous screen's words must not run on while this one renders
        self._renderer.submit(self._render_then_play, generation, parts)

    @property
    def player_error(self) -> str:
        return self._player.error

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
        self._player.stop()

    def close(self) -> None:
        self.stop()
        self._renderer.shutdown(wait=True, cancel_futures=True)
        self._player.close()

    def wait_idle(self) -> None:
        """Until what `say` handed to the render thread is done (tests, the CLI, the bench)."""
        done: Future[None] = self._renderer.submit(lambda: None)
        done.result(timeout=120)

    def finish(self, timeout: float = 60.0) -> bool:
        """Until the last text asked for has been played out (`kiosk voice say`)."""
        self.wait_idle()
        return self._player.drain(timeout) and not self._player.error

    def _cached(self, part: Part) -> Pcm | None:
        if part.recorded:
            return self.folder.recordings(part.language).get(part.key)
        with self._lock:
            if part.key in self._memory:
                self._memory.move_to_end(part.key)
                return self._memory[part.key]
        return self.folder.get(part.key)

    def _render_then_play(self, generation: int, parts: list[Part]) -> None:
        clips: list[Pcm] = []
        for part in parts:
            if self._generation != generation:
                return  # a newer screen: what it says is queued behind
            pcm = self._cached(part)
            if pcm is None and not part.recorded:  # a recording removed meanwhile is not rendered
                try:
                    pcm = parse_wav(self.engine.render(part.sentence, part.language))
                except (RuntimeError, WavError, OSError) as exc:
                    log.warning("voice: %s could not render a sentence: %s", self.engine.name, exc)
                    continue
                self._keep(part.key, pcm)
            if pcm is not None:
                clips.append(pcm)
        pcm = joined(clips)
        with self._lock:
            if self._generation == generation and pcm is not None:
                self._player.play(pcm)

    def _keep(self, key: str, pcm: Pcm) -> None:
        if self._known_keys is None:
            self._known_keys = self._known()
        if key in self._known_keys:
            try:
                self.folder.put(key, pcm)
                return
            except OSError as exc:
                log.warning("voice: cannot store a clip in %s: %s", self.folder.folder, exc)
        with self._lock:
            self._memory[key] = pcm
            while len(self._memory) > MEMORY_CLIPS:
                self._memory.popitem(last=False)


def known_keys(engine: Engine, texts: dict[str, list[str]]) -> frozenset[str]:
    return frozenset(
        clip_key(engine.voice_id(language), s, language) for language, said in texts.items() for s in said
    )
