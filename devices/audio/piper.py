"""Piper (an offline neural synthesiser, GPL-3.0-or-later) as the clip engine where a station has
installed it and a voice file: `[voice] engine = "piper"`, `piper_binary`, `piper_model`.

Nothing is downloaded: both must be on the machine. The `piper` command of PyPI `piper-tts` and
the older C++ release both take `--model` and `--output_file` and read the text on stdin (one
sentence a line), which keeps a citizen's name off the command line.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from kiosk.speech import for_speech


class PiperEngine:
    name = "piper"

    def __init__(self, model: Path | None, binary: str | None = None) -> None:
        self._binary = binary or shutil.which("piper")
        self._model = model

    def problem(self) -> str:
        """Why it cannot run here, in one line ("" when it can)."""
        if self._binary is None:
            return "piper is not installed (PyPI piper-tts, GPL-3.0-or-later); or set voice.piper_binary"
        if self._model is None:
            return "voice.piper_model is not set: the path of a Vietnamese Piper voice (.onnx)"
        if not self._model.is_file():
            return f"the Piper voice file {self._model} does not exist"
        if not Path(f"{self._model}.json").is_file():
            return f"the Piper voice file needs its config beside it: {self._model}.json"
        return ""

    @property
    def available(self) -> bool:
        return not self.problem()

    def voice_id(self, language: str) -> str:
        # The model's file name and size: replacing the voice file renders every clip anew.
        assert self._model is not None
        return f"piper:{self._model.name}:{self._model.stat().st_size}"

    def render(self, text: str, language: str) -> bytes:
        problem = self.problem()
        if problem:
            raise RuntimeError(problem)
        assert self._binary is not None and self._model is not None
        line = " ".join(for_speech(text, language).split())
        with tempfile.TemporaryDirectory(prefix="kiosk-piper-") as folder:
            out = Path(folder) / "clip.wav"
            done = subprocess.run(
                [self._binary, "--model", str(self._model), "--output_file", str(out)],
                input=(line + "\n").encode("utf-8"),
                capture_output=True,
                timeout=120,
                check=False,
            )
            if done.returncode != 0 or not out.is_file():
                raise RuntimeError(f"piper failed: {done.stderr.decode(errors='replace').strip()[-200:]}")
            return out.read_bytes()
