"""Station key files: random bytes, created once with mode 0600, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class KeyFileSizeError(ValueError):
    def __init__(self, path: Path, size: int, expected: int) -> None:
        super().__init__(f"key file {path} holds {size} bytes, expected {expected}")
        self.size = size


def read_or_create_key(path: Path, size: int) -> bytes:
    """The key in `path`, or a new random one written there on first use.

    A file of the wrong size raises `KeyFileSizeError` and is left alone: replacing it would make
    everything it protects unreadable.
    """
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        return _create(path, size)
    if len(key) != size:
        raise KeyFileSizeError(path, len(key), size)
    return key


def _create(path: Path, size: int) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = os.urandom(size)
    # Write a private temp file, then hard-link it into place: the key file never exists
    # half-written, and if another process created it meanwhile we use theirs, not overwrite it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mkstemp uses mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return read_or_create_key(path, size)
    finally:
        os.unlink(tmp)
    return key
