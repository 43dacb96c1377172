"""Offline speech with espeak-ng: started in the background, the previous prompt cut off.

The text goes to espeak-ng on its standard input, never on its command line: a command line is
visible to every user of the machine (`ps`), and prompts carry citizens' names.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import partial

from kiosk import languages
from kiosk.speech import for_speech
from kiosk.voice import plan

log = logging.getLogger(__name__)

VOICES = {"vi": "vi", "en": "en"}


class EspeakVoice:
    def __init__(self, binary: str | None = None) -> None:
        self._binary = binary or shutil.which("espeak-ng")
        self._current: subprocess.Popen[bytes] | None = None

    @property
    def available(self) -> bool:
        return self._binary is not None

    def say(self, text: str, language: str) -> None:
        if self._binary is None or not text:
            return
        if language not in VOICES:  # a language pack: no voice speaks it, so the Vietnamese it translates
            parts = plan(text, language, str, vietnamese_of=partial(languages.vietnamese_of, language))
            text, language = ". ".join(part.sentence for part in parts), "vi"
        self.stop()
        process = subprocess.Popen(
            [self._binary, "-v", VOICES.get(language, "vi"), "--stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdin is not None
        try:
            # A prompt is a few hundred bytes: far below a pipe's buffer, so this never blocks.
            process.stdin.write(for_speech(text, language).encode("utf-8"))
            process.stdin.close()
        except BrokenPipeError:
            log.warning("espeak-ng exited before reading its text")
        self._current = process

    def stop(self) -> None:
        """Cut off the prompt being spoken (a new screen, or the session ends)."""
        if self._current is not None and self._current.poll() is None:
            self._current.terminate()
            self._current.wait(timeout=2)
        self._current = None


class EspeakEngine:
    """espeak-ng rendering a sentence to WAV bytes (`--stdout`), for the clip folder."""

    name = "espeak-ng"

    def __init__(self, binary: str | None = None, voices: dict[str, str] | None = None) -> None:
        self._binary = binary or shutil.which("espeak-ng")
        self._voices = voices or VOICES

    @property
    def available(self) -> bool:
        return self._binary is not None

    def problem(self) -> str:
        return "" if self._binary else "espeak-ng is not installed (apt-get install espeak-ng)"

    def voice_id(self, language: str) -> str:
        return f"espeak-ng:{self._voices.get(language, 'vi')}"

    def render(self, text: str, language: str) -> bytes:
        """A WAV of `text` as read (`for_speech`); the text goes on stdin, as for `EspeakVoice`."""
        if self._binary is None:
            raise RuntimeError(self.problem())
        done = subprocess.run(
            [self._binary, "-v", self._voices.get(language, "vi"), "--stdout", "--stdin"],
            input=for_speech(text, language).encode("utf-8"),
            capture_output=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0 or not done.stdout:
            raise RuntimeError(f"espeak-ng failed: {done.stderr.decode(errors='replace').strip()[:200]}")
        return done.stdout
