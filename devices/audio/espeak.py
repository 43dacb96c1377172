"""Offline speech with espeak-ng: started in the background, the previous prompt cut off."""

from __future__ import annotations

import shutil
import subprocess

from kiosk.speech import spell_digits

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
        if self._current is not None and self._current.poll() is None:
            self._current.terminate()
        self._current = subprocess.Popen(
            [self._binary, "-v", VOICES.get(language, "vi"), spell_digits(text, language)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
