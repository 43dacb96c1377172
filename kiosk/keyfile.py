"""Station key files: random bytes, mode 0600 in a 0700 folder, never half-written, never made
behind anyone's back.

Reading a key never creates one: whether a missing key may be replaced by a new one depends on
what the database holds, which `kiosk.keys` decides. Next to a key file ``data.key`` live the keys
of its past (``data.key.retired-<key id>``, kept so older data still opens) and, during a rotation,
its successor (``data.key.new``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class KeyProblem(Exception):
    """A key the station cannot work with (`kiosk.keys`); the message names the file, the key ids
    and what to do. Defined here, without the crypto, so the command line can catch it cheaply."""


class KeyFileSizeError(ValueError):
    def __init__(self, path: Path, size: int, expected: int) -> None:
        super().__init__(f"key file {path} holds {size} bytes, expected {expected}")
        self.path = path
        self.size = size


def read_key(path: Path, size: int) -> bytes | None:
    """The key in `path`, None if there is no such file.

    A file of the wrong size raises `KeyFileSizeError` and is left alone: replacing it would make
    everything it protects unreadable.
    """
    try:
        key = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no such file (or folder on its path)
        return None
    if len(key) != size:
        raise KeyFileSizeError(path, len(key), size)
    return key


def create_key(path: Path, size: int) -> bytes:
    """A new random key written to `path`; if another process made one there first, theirs."""
    return _install(path, os.urandom(size), replace=False)


def write_key(path: Path, key: bytes) -> None:
    """Put `key` at `path`, replacing what is there (a rotation's ``.new`` file)."""
    _install(path, key, replace=True)


def _install(path: Path, key: bytes, *, replace: bool) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Write a private temp file, then link or rename it into place: the key file never exists
    # half-written, and without `replace` a key another process created meanwhile is kept.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mkstemp uses mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                existing = read_key(path, len(key))
                assert existing is not None  # it was there a moment ago; keys are never deleted
                return existing
    finally:
        Path(tmp).unlink(missing_ok=True)
    sync_folder(path.parent)
    return key


def sync_folder(folder: Path) -> None:
    """fsync a folder, so a file just linked or renamed in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def retired_path(path: Path, key_id: str) -> Path:
    return path.with_name(f"{path.name}.retired-{key_id}")


def next_path(path: Path) -> Path:
    """Where a rotation writes the successor key before the database has switched to it."""
    return path.with_name(f"{path.name}.new")


def retired_key_files(path: Path) -> list[Path]:
    """Earlier keys kept next to the current one: ``<name>.retired*``."""
    return sorted(path.parent.glob(f"{path.name}.retired*")) if path.parent.is_dir() else []


def read_retired_keys(path: Path, size: int) -> list[bytes]:
    keys = []
    for old in retired_key_files(path):
        key = read_key(old, size)
        if key is not None:
            keys.append(key)
    return keys
