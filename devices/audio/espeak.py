"""Offline speech with espeak-ng: started in the background, the previous prompt cut off.

The text goes to espeak-ng on its standard input, never on its command line: a command line is
visible to every user of the machine (`ps`), and prompts carry citizens' names.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

from kiosk.speech import for_speech

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
